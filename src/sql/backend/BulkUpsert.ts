/**
 * The SQL backend's `bulkUpsert`: batches of the native upsert in one transaction, counting the rows
 * that existed the cheapest way the database allows (PostgreSQL's xmax per row, SQLite's rowids above
 * the highest before the call, MySQL's duplicates count under a guard), else reading the keys first.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, Row } from "../../backend/Backend.js"
import { keyOf } from "../../backend/Keys.js"
import * as Errors from "../../Errors.js"
import type { Field } from "../../model/Field.js"
import type { ModelInfo } from "../../model/Model.js"
import { type Compiled, rowsPerStatement } from "../Compiler.js"
import { duplicatesOf, chunk } from "./BulkInsert.js"
import { contextOf } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { batchInsert, insertColumns } from "./Inserts.js"
import { alignOtherKeys, existingRows } from "./OtherKeys.js"
import { columnOf, frozen, insertedColumn, noChange } from "./Upsert.js"

const minRowid = -(2n ** 63n)
const maxRowid = 2n ** 63n - 1n

/** One call's statements: the batches, the upsert clause, and how to write a batch with a suffix. */
interface Shape {
  readonly db: SqlDeps
  readonly model: ModelInfo
  readonly rows: ReadonlyArray<Row>
  readonly conflict: ReadonlyArray<Field>
  readonly batches: ReadonlyArray<ReadonlyArray<Row>>
  readonly clause: string
  readonly updatedColumns: ReadonlySet<string>
  readonly statement: (batch: ReadonlyArray<Row>, suffix: string) => Compiled
}

const shapeOf = (
  db: SqlDeps,
  model: ModelInfo,
  rows: ReadonlyArray<Row>,
  conflict: ReadonlyArray<Field>,
  batchSize: number,
  now: Date
): Shape => {
  const d = db.hooks
  const conflictOn = conflict.map((c) => c.name)
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
    conflict.map((c) => c.column),
    assignments
  )
  const per = d.insertColumnar !== undefined ? batchSize : rowsPerStatement(d, columns.length, batchSize)
  const statement = (batch: ReadonlyArray<Row>, suffix: string) => batchInsert(d, model, columns, batch, suffix, now)
  return { db, model, rows, conflict, batches: chunk(rows, per), clause, updatedColumns, statement }
}

/** Reads the batch's keys under lock first: exact wherever the database says nothing itself. Returns the updated count. */
const checked = (s: Shape, batch: ReadonlyArray<Row>) =>
  Effect.gen(function* () {
    const existing = yield* existingRows(s.db, s.model, s.conflict, batch)
    const toWrite = yield* alignOtherKeys(s.db, s.model, s.conflict, batch, existing, s.updatedColumns)
    yield* s.db.write(s.statement(toWrite, s.clause), contextOf(s.model, "bulkUpsert"))
    let n = 0
    for (const r of batch) if (existing.has(keyOf(s.conflict, r))) n++
    return n
  })

/** PostgreSQL: the server says which rows it inserted. */
const byFlag = (s: Shape, flag: string) =>
  Effect.gen(function* () {
    let n = 0
    for (const batch of s.batches) {
      const result = yield* s.db.write(
        s.statement(batch, `${s.clause} RETURNING ${flag}`),
        contextOf(s.model, "bulkUpsert")
      )
      for (const r of result.rows) if (r[insertedColumn] !== true) n++
    }
    return n
  })

/** SQLite, the only writer: rows this call inserts are exactly those numbered above today's highest. Undefined when no rowid alias is free or the rowids ran out. */
const byRowid = (s: Shape, rowid: string) =>
  Effect.gen(function* () {
    const { db, model } = s
    const ctx = contextOf(model, "bulkUpsert")
    const table = db.hooks.quote(model.table)
    const [top] = yield* db.query({ sql: `SELECT max(${rowid}) AS n FROM ${table}`, params: [] }, ctx)
    const before = top?.["n"] === null || top?.["n"] === undefined ? minRowid : BigInt(top["n"] as bigint)
    if (before >= maxRowid) return undefined
    for (const batch of s.batches) yield* db.write(s.statement(batch, s.clause), ctx)
    const [after] = yield* db.query(
      { sql: `SELECT count(*) AS n FROM ${table} WHERE ${rowid} > ?`, params: [before] },
      ctx
    )
    return s.rows.length - Number(after!["n"])
  })

/**
 * MySQL: the statement counts the rows that met an existing row; the guard fails it (undone) when a
 * collision on another key points at another row, or an update moves a key onto one: that batch
 * then takes the checked path, which aligns such rows or names the violated key.
 */
const byDuplicates = (s: Shape, guard: SqlDeps["hooks"]["upsertGuard"]) =>
  Effect.gen(function* () {
    const d = s.db.hooks
    let n = 0
    for (const batch of s.batches) {
      if (guard === undefined || batch.length === 1) {
        // one-row statements carry no info line
        n += yield* checked(s, batch)
        continue
      }
      const suffix = `${s.clause}, ${guard.assignment(s.conflict.map((c) => c.column))}`
      n += yield* s.db.write(s.statement(batch, suffix), contextOf(s.model, "bulkUpsert")).pipe(
        Effect.flatMap((result) => {
          const dups = duplicatesOf(result.info)
          return dups === undefined
            ? Effect.fail(new Errors.DatabaseError({ dialect: d.name, operation: "bulkUpsert: no duplicates count" }))
            : Effect.succeed(dups)
        }),
        Effect.catchIf(
          (e) => e._tag === "UniqueViolation" || (e._tag === "DatabaseError" && e.code === guard.code),
          () => checked(s, batch)
        )
      )
    }
    return n
  })

/** `Backend.bulkUpsert`: how many rows existed. */
export const bulkUpsert =
  (db: SqlDeps): Backend["bulkUpsert"] =>
  (model, rows, conflict, { batchSize, now }) =>
    Effect.suspend(() => {
      const d = db.hooks
      const s = shapeOf(db, model, rows, conflict, batchSize, now)
      return db.transaction(
        Effect.gen(function* () {
          if (d.insertedFlag !== undefined) return yield* byFlag(s, d.insertedFlag)
          const rowid =
            d.upsertCount === "rowid"
              ? ["rowid", "_rowid_", "oid"].find((a) => !model.columns.some((c) => c.column.toLowerCase() === a))
              : undefined
          if (rowid !== undefined) {
            const n = yield* byRowid(s, rowid)
            if (n !== undefined) return n
          }
          return yield* byDuplicates(s, d.upsertCount === "duplicates" ? d.upsertGuard : undefined)
        })
      )
    })
