/**
 * `upsert` and `bulkUpsert` with each database's native statement (ON CONFLICT / ON DUPLICATE KEY).
 * The conflict target must be `id` or a declared unique key. Whether a row was created comes from
 * the statement itself where it can say (PostgreSQL's xmax, MySQL's duplicates count, SQLite's rowids
 * above the highest before the call); otherwise it is read inside the same transaction, before the
 * write, under a row lock where the database has one.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { traced } from "./Tracing.js"
import type { DatabaseService } from "../Database.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { type Expr } from "../query/Filter.js"
import { insertRows, insertSql, type Params, rowsPerStatement, selectList } from "../sql/Compiler.js"
import type { Dialect } from "../sql/Dialect.js"
import { batchSizeOf, chunk, validateRows } from "./Bulk.js"
import { planned } from "./Plans.js"
import {
  checkConflictTarget,
  encodeInsertColumns,
  encodeInserts,
  contextOf,
  databaseFor,
  decodeAll,
  filterOf,
  insertColumns,
  keyNames,
  prepareInsert,
  selectWhere,
  validated
} from "./Shared.js"

/** Parameters of `upsert`. */
export interface UpsertParams<Where, Create, Update> {
  /** `{ id }` or every field of one declared unique key. */
  readonly where: Where
  readonly create: Create
  readonly update: Update
}

/** Result of `upsert`. */
export interface UpsertResult<A> {
  readonly record: A
  readonly created: boolean
  readonly action: "created" | "updated"
}

/** Parameters of `bulkUpsert`. */
export interface BulkUpsertParams<Input, Key extends string> {
  readonly data: Iterable<Input>
  /** Default `["id"]`; otherwise a declared unique key. */
  readonly conflictOn?: ReadonlyArray<Key>
  readonly batchSize?: number
}

const bad = (model: ModelInfo, path: string, reason: string) =>
  new Errors.ValidationError({ model: model.name, path, reason })

const keyExpr = (conflict: ReadonlyArray<Field>, rows: ReadonlyArray<Record<string, unknown>>): unknown =>
  conflict.length === 1
    ? { [conflict[0]!.name]: { $in: rows.map((r) => r[conflict[0]!.name]) } }
    : { $or: rows.map((r) => Object.fromEntries(conflict.map((c) => [c.name, r[c.name]]))) }

/** A Map key for a row's conflict key: the value itself for one string or number field (the common case). */
const keyOf = (conflict: ReadonlyArray<Field>, r: Record<string, unknown>): unknown => {
  if (conflict.length === 1) {
    const v = r[conflict[0]!.name]
    if (typeof v === "string" || typeof v === "number") return v
  }
  return JSON.stringify(
    conflict.map((c) => {
      const v = r[c.name]
      return v instanceof Date ? v.toISOString() : typeof v === "bigint" ? String(v) : v
    })
  )
}

/** Existing rows (id, target and unique columns) whose target key is among `rows`, read under a row lock. */
const existingRows = (
  db: DatabaseService,
  model: ModelInfo,
  conflict: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>
) =>
  Effect.gen(function* () {
    const expr: Expr = yield* filterOf(model, keyExpr(conflict, rows))
    const names = new Set([...keyNames(model), ...conflict.map((c) => c.name), ...model.unique.flat()])
    const found = yield* db.query(
      selectWhere(db, model, expr, {
        includeDeleted: true,
        columns: model.columns.filter((c) => names.has(c.name)),
        suffix: db.hooks.forUpdate
      }),
      contextOf(model, "upsert")
    )
    return new Map((yield* decodeAll(db, model, found)).map((r) => [keyOf(conflict, r), r] as const))
  })

/**
 * Where the database's upsert fires on any unique key (MySQL's ON DUPLICATE KEY), make it mean what
 * ON CONFLICT (target) means on PostgreSQL and SQLite:
 * - a row whose target exists updates that row: its other key columns that the update does not set
 *   are aligned to that row's values, so every collision points at the same row;
 * - any remaining collision on another key with a different row is a UniqueViolation naming that key.
 * Runs inside the caller's transaction, reading under row locks. Returns the rows to write.
 */
const alignOtherKeys = (
  db: DatabaseService,
  model: ModelInfo,
  conflict: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>,
  existing: ReadonlyMap<unknown, Record<string, unknown>>,
  updated: ReadonlySet<string>
) =>
  Effect.gen(function* () {
    if (!db.hooks.upsertFiresOnAnyKey) return rows
    const target = conflict
      .map((c) => c.name)
      .sort()
      .join(",")
    const others = [keyNames(model), ...model.unique].filter((k) => [...k].sort().join(",") !== target)
    const aligned = rows.map((r) => {
      const e = existing.get(keyOf(conflict, r))
      if (e === undefined) return r
      const out = { ...r }
      for (const key of others) for (const f of key) if (!updated.has(f) && f in e) out[f] = e[f]
      return out
    })
    for (const key of others) {
      const fields = key.map((k) => model.columnMap.get(k)!)
      const keyed = aligned.filter((r) => fields.every((f) => r[f.name] !== undefined && r[f.name] !== null))
      if (keyed.length === 0) continue
      const targetOf = new Map<unknown, unknown>()
      for (const r of keyed) {
        const k = keyOf(fields, r)
        const t = keyOf(conflict, r)
        if (targetOf.has(k) && targetOf.get(k) !== t)
          return yield* new Errors.UniqueViolation({ model: model.name, fields: key })
        targetOf.set(k, t)
      }
      const expr: Expr = yield* filterOf(model, keyExpr(fields, keyed))
      const found = yield* db.query(
        selectWhere(db, model, expr, {
          includeDeleted: true,
          columns: [...new Set([...fields, ...conflict])],
          suffix: db.hooks.forUpdate
        }),
        contextOf(model, "upsert")
      )
      for (const e of yield* decodeAll(db, model, found)) {
        if (targetOf.get(keyOf(fields, e)) !== keyOf(conflict, e)) {
          return yield* new Errors.UniqueViolation({ model: model.name, fields: key })
        }
      }
    }
    return aligned
  })

const insertedColumn = "df_inserted"

const managedNames = new Set(["created_at", "updated_at", "deleted_at"])
/** Fields an upsert's update leaves alone: the key and the managed columns. */
const frozen = (model: ModelInfo, name: string) => managedNames.has(name) || model.key.some((f) => f.name === name)
const columnOf = (model: ModelInfo, name: string) => model.columnMap.get(name)!.column
/** An assignment that changes nothing, for an update with nothing to set (a key-only table without timestamps). */
const noChange = (d: Dialect, model: ModelInfo) => `${d.quote(model.key[0]!.column)} = ${d.quote(model.key[0]!.column)}`

/** Creates or updates one record found by `where`. */
export const upsert = (model: ModelInfo, params: UpsertParams<unknown, unknown, unknown>) =>
  Effect.gen(function* () {
    const where = params?.where as Record<string, unknown> | undefined
    if (where === undefined || typeof where !== "object" || where === null)
      return yield* bad(model, "where", "is required")
    const keys = Object.keys(where)
    yield* checkConflictTarget(model, keys)
    for (const k of keys) {
      const given = (params.create as Record<string, unknown> | undefined)?.[k]
      if (given !== undefined && given !== where[k]) return yield* bad(model, `create.${k}`, "differs from where")
    }
    const create = yield* validated(model.validateCreate({ ...(params.create as object), ...where }))
    const changes = yield* validated(model.validateUpdate(params.update ?? {}))
    const db = yield* databaseFor(model)
    const d = db.hooks
    const conflict = keys.map((k) => model.columnMap.get(k)!)
    const now = new Date()
    const row = prepareInsert(model, create, now)
    const columns = insertColumns(model, [row])
    const set = (p: Params) =>
      d.upsertClause(
        keys.map((k) => columnOf(model, k)),
        [
          ...Object.keys(changes)
            .filter((k) => !frozen(model, k) && changes[k] !== undefined)
            .map((k) => `${d.quote(columnOf(model, k))} = ${p.field(model.columnMap.get(k)!, changes[k])}`),
          ...(model.updatedAt !== undefined
            ? [`${d.quote(model.updatedAt.column)} = ${p.field(model.updatedAt, now)}`]
            : []),
          // upserting onto a soft-deleted row brings it back
          ...(model.deletedAt !== undefined ? [`${d.quote(model.deletedAt.column)} = NULL`] : [])
        ].join(", ") || noChange(d, model)
      )
    const ctx = contextOf(model, "upsert")
    if (d.insertedFlag !== undefined) {
      // PostgreSQL says itself whether the row was inserted: exact under concurrency, one statement
      const flag = d.insertedFlag
      const statement = insertRows(
        d,
        model,
        columns,
        [columns.map((c) => row[c.name])],
        (p) => `${set(p)} RETURNING ${selectList(d, model.columns)}, ${flag}`,
        false
      )
      const result = yield* db.write(statement, ctx)
      const created = result.rows[0]?.[insertedColumn] === true
      const [record] = yield* decodeAll(db, model, [result.rows[0]!])
      return { record: record!, created, action: created ? ("created" as const) : ("updated" as const) }
    }
    const { existed, found } = yield* db.transaction(
      Effect.gen(function* () {
        const existing = yield* existingRows(db, model, conflict, [row])
        const [toWrite] = yield* alignOtherKeys(db, model, conflict, [row], existing, new Set(Object.keys(changes)))
        yield* db.write(insertRows(d, model, columns, [columns.map((c) => toWrite![c.name])], set, false), ctx)
        const found = yield* db.query(
          selectWhere(db, model, yield* filterOf(model, where), { includeDeleted: true }),
          ctx
        )
        // the write met a row whose key equals `where` only under the column's own collation (a _ci or
        // NOCASE unique column we did not create: "Rock" for "rock"): the database keeps that key for
        // another value, as a plain create would be told; undo the write
        if (found.length === 0) return yield* new Errors.UniqueViolation({ model: model.name, fields: keys })
        return { existed: existing.size > 0, found }
      })
    )
    // decoded after the commit, as on PostgreSQL's one statement: a stored row that does not fit
    // the model fails InvalidRow on every database, and the write stands on every database
    const record = (yield* decodeAll(db, model, found))[0]!
    return { record, created: !existed, action: existed ? ("updated" as const) : ("created" as const) }
  }).pipe(traced("upsert", model))

const minRowid = -(2n ** 63n)
const maxRowid = 2n ** 63n - 1n

const duplicatesOf = (info: string | undefined) => {
  const m = info ? /Duplicates:\s*(\d+)/.exec(info) : null
  return m ? Number(m[1]) : undefined
}

/** Creates or updates many records in one transaction; within `data`, the last row per key wins. */
export const bulkUpsert = (model: ModelInfo, params: BulkUpsertParams<unknown, string>) =>
  Effect.gen(function* () {
    const conflictOn = params?.conflictOn ?? keyNames(model)
    yield* checkConflictTarget(model, conflictOn)
    if (conflictOn.includes("id") && model.idKind === "auto") {
      return yield* bad(model, "conflictOn", "auto-increment ids are not given on input; use a unique key")
    }
    const valid = yield* validateRows(model, params.data, model.validateCreate)
    const conflict = conflictOn.map((k) => model.columnMap.get(k)!)
    for (const [i, r] of valid.entries()) {
      const missing = conflict.find((c) => r[c.name] === undefined || r[c.name] === null)
      if (missing) return yield* bad(model, `data[${i}].${missing.name}`, "is part of the conflict key and is required")
    }
    // last row per key wins
    const byKey = new Map<unknown, Record<string, unknown>>()
    for (const r of valid) {
      const k = keyOf(conflict, r)
      byKey.delete(k)
      byKey.set(k, r)
    }
    const skipped = valid.length - byKey.size
    if (byKey.size === 0) return { inserted: 0, updated: 0, skipped }
    const db = yield* databaseFor(model)
    const d = db.hooks
    const now = new Date()
    // validated inputs as they are: the statements stamp the timestamps and generate missing UUIDs
    const rows = [...byKey.values()]
    const columns = insertColumns(model, rows)
    const names = columns.map((c) => c.name).join(",")
    const updatedColumns = new Set(
      columns.filter((c) => !frozen(model, c.name) && !conflictOn.includes(c.name)).map((c) => c.name)
    )
    const assignments =
      [
        ...[...updatedColumns].map((n) => columnOf(model, n)),
        ...(model.updatedAt !== undefined ? [model.updatedAt.column] : []),
        ...(model.deletedAt !== undefined ? [model.deletedAt.column] : [])
      ]
        .map((c) => `${d.quote(c)} = ${d.excluded(c)}`)
        .join(", ") || noChange(d, model)
    // an existing row keeps its created_at: it is not in the update list
    const clause = d.upsertClause(
      conflictOn.map((k) => columnOf(model, k)),
      assignments
    )
    const per =
      d.insertColumnar !== undefined
        ? yield* batchSizeOf(model, params.batchSize)
        : rowsPerStatement(d, columns.length, yield* batchSizeOf(model, params.batchSize))
    const ctx = contextOf(model, "bulkUpsert")
    // one statement text per batch shape, compiled once; only the parameters change
    const statement = (batch: ReadonlyArray<Record<string, unknown>>, suffix: string) =>
      d.insertColumnar !== undefined
        ? {
            sql: planned(d, model, `upsert:${names}:${suffix}`, () => d.insertColumnar!(model, columns, suffix)),
            params: encodeInsertColumns(d, model, columns, batch, now)
          }
        : {
            sql: planned(d, model, `upsert:${names}:${batch.length}:${suffix}`, () =>
              insertSql(d, model, columns, batch.length, suffix, false)
            ),
            params: encodeInserts(d, model, columns, batch, now)
          }
    /** Reads the batch's keys under lock first: exact wherever the database says nothing itself. Returns the updated count. */
    const checked = (batch: ReadonlyArray<Record<string, unknown>>) =>
      Effect.gen(function* () {
        const existing = yield* existingRows(db, model, conflict, batch)
        const toWrite = yield* alignOtherKeys(db, model, conflict, batch, existing, updatedColumns)
        yield* db.write(statement(toWrite, clause), ctx)
        let n = 0
        for (const r of batch) if (existing.has(keyOf(conflict, r))) n++
        return n
      })
    const batches = chunk(rows, per)
    const table = d.quote(model.table)

    const updated: number = yield* db.transaction(
      Effect.gen(function* () {
        if (d.insertedFlag !== undefined) {
          // PostgreSQL: the server says which rows it inserted
          let n = 0
          for (const batch of batches) {
            const result = yield* db.write(statement(batch, `${clause} RETURNING ${d.insertedFlag}`), ctx)
            for (const r of result.rows) if (r[insertedColumn] !== true) n++
          }
          return n
        }
        const rowid =
          d.upsertCount === "rowid"
            ? ["rowid", "_rowid_", "oid"].find((a) => !model.columns.some((c) => c.column.toLowerCase() === a))
            : undefined
        if (rowid !== undefined) {
          // the only writer: rows this call inserts are exactly those numbered above today's highest
          const [top] = yield* db.query({ sql: `SELECT max(${rowid}) AS n FROM ${table}`, params: [] }, ctx)
          const before = top?.["n"] === null || top?.["n"] === undefined ? minRowid : BigInt(top["n"] as bigint)
          if (before < maxRowid) {
            for (const batch of batches) yield* db.write(statement(batch, clause), ctx)
            const [after] = yield* db.query(
              { sql: `SELECT count(*) AS n FROM ${table} WHERE ${rowid} > ?`, params: [before] },
              ctx
            )
            return rows.length - Number(after!["n"])
          }
        }
        const guard = d.upsertCount === "duplicates" ? d.upsertGuard : undefined
        let n = 0
        for (const batch of batches) {
          if (guard === undefined || batch.length === 1) {
            // one-row statements carry no info line
            n += yield* checked(batch)
            continue
          }
          // the statement counts the rows that met an existing row; the guard fails it (undone) when a
          // collision on another key points at another row, or an update moves a key onto one: that batch
          // then takes the checked path, which aligns such rows or names the violated key
          n += yield* db
            .write(statement(batch, `${clause}, ${guard.assignment(conflictOn.map((k) => columnOf(model, k)))}`), ctx)
            .pipe(
              Effect.flatMap((result) => {
                const dups = duplicatesOf(result.info)
                return dups === undefined
                  ? Effect.fail(
                      new Errors.DatabaseError({ dialect: d.name, operation: "bulkUpsert: no duplicates count" })
                    )
                  : Effect.succeed(dups)
              }),
              Effect.catchIf(
                (e) => e._tag === "UniqueViolation" || (e._tag === "DatabaseError" && e.code === guard.code),
                () => checked(batch)
              )
            )
        }
        return n
      })
    )
    return { inserted: rows.length - updated, updated, skipped }
  }).pipe(traced("bulkUpsert", model))
