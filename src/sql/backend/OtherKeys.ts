/**
 * What the SQL upserts read before writing where the statement cannot say itself: the existing rows
 * of the conflict keys (under a row lock), and MySQL's any-key upsert made to mean ON CONFLICT (target).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { keyNames, keyOf } from "../../backend/Keys.js"
import * as Errors from "../../Errors.js"
import type { Field } from "../../model/Field.js"
import type { ModelInfo } from "../../model/Model.js"
import { type Expr, toExpr } from "../../query/Filter.js"
import { contextOf, decodeAll } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { selectWhere } from "./Selects.js"

/** The filter IR of the rows whose `fields` equal one of `rows`' (values already checked; a cap still applies). */
const keyExpr = (
  model: ModelInfo,
  fields: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>
): Effect.Effect<Expr, Errors.ValidationError> =>
  Effect.try({
    try: () =>
      toExpr(
        model.name,
        model.columnMap,
        fields.length === 1
          ? { [fields[0]!.name]: { $in: rows.map((r) => r[fields[0]!.name]) } }
          : { $or: rows.map((r) => Object.fromEntries(fields.map((c) => [c.name, r[c.name]]))) }
      ),
    catch: (e) =>
      e instanceof Errors.ValidationError
        ? e
        : new Errors.ValidationError({ model: model.name, path: "filter", reason: "is not a valid filter" })
  })

/** Existing rows (id, target and unique columns) whose target key is among `rows`, read under a row lock. */
export const existingRows = (
  db: SqlDeps,
  model: ModelInfo,
  conflict: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>
) =>
  Effect.gen(function* () {
    const expr = yield* keyExpr(model, conflict, rows)
    const names = new Set([...keyNames(model), ...conflict.map((c) => c.name), ...model.unique.flat()])
    const found = yield* db.query(
      selectWhere(db, model, expr, {
        includeDeleted: true,
        columns: model.columns.filter((c) => names.has(c.name)),
        suffix: db.hooks.forUpdate
      }),
      contextOf(model, "upsert")
    )
    return new Map((yield* decodeAll(db.hooks, model, found)).map((r) => [keyOf(conflict, r), r] as const))
  })

/** Rows of `keyed` whose key `fields` points at a row other than their target: UniqueViolation naming `key`. */
const checkKey = (
  db: SqlDeps,
  model: ModelInfo,
  conflict: ReadonlyArray<Field>,
  key: ReadonlyArray<string>,
  keyed: ReadonlyArray<Record<string, unknown>>
) =>
  Effect.gen(function* () {
    const fields = key.map((k) => model.columnMap.get(k)!)
    const targetOf = new Map<unknown, unknown>()
    for (const r of keyed) {
      const k = keyOf(fields, r)
      const t = keyOf(conflict, r)
      if (targetOf.has(k) && targetOf.get(k) !== t)
        return yield* new Errors.UniqueViolation({ model: model.name, fields: key })
      targetOf.set(k, t)
    }
    const expr = yield* keyExpr(model, fields, keyed)
    const found = yield* db.query(
      selectWhere(db, model, expr, {
        includeDeleted: true,
        columns: [...new Set([...fields, ...conflict])],
        suffix: db.hooks.forUpdate
      }),
      contextOf(model, "upsert")
    )
    for (const e of yield* decodeAll(db.hooks, model, found)) {
      if (targetOf.get(keyOf(fields, e)) !== keyOf(conflict, e)) {
        return yield* new Errors.UniqueViolation({ model: model.name, fields: key })
      }
    }
  })

/**
 * Where the database's upsert fires on any unique key (MySQL's ON DUPLICATE KEY), make it mean what
 * ON CONFLICT (target) means on PostgreSQL and SQLite:
 * - a row whose target exists updates that row: its other key columns that the update does not set
 *   are aligned to that row's values, so every collision points at the same row;
 * - any remaining collision on another key with a different row is a UniqueViolation naming that key.
 * Runs inside the caller's transaction, reading under row locks. Returns the rows to write.
 */
export const alignOtherKeys = (
  db: SqlDeps,
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
      if (keyed.length > 0) yield* checkKey(db, model, conflict, key, keyed)
    }
    return aligned
  })
