/**
 * The SQL backend's `upsert` with each database's native statement (ON CONFLICT / ON DUPLICATE KEY).
 * Whether the row was created comes from the statement itself where it can say (PostgreSQL's xmax);
 * otherwise it is read inside the same transaction, before the write, under a row lock where the
 * database has one.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, UpsertPlan } from "../../backend/Backend.js"
import * as Errors from "../../Errors.js"
import type { ModelInfo } from "../../model/Model.js"
import { insertRows, type Params, selectList } from "../Compiler.js"
import type { Dialect } from "../Dialect.js"
import { contextOf, decodeAll } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { insertColumns, prepareInsert } from "./Inserts.js"
import { selectWhere } from "./Selects.js"
import { alignOtherKeys, existingRows } from "./OtherKeys.js"

/** The RETURNING item of the dialect's `insertedFlag`. */
export const insertedColumn = "df_inserted"

const managedNames = new Set(["created_at", "updated_at", "deleted_at"])
/** Fields an upsert's update leaves alone: the key and the managed columns. */
export const frozen = (model: ModelInfo, name: string) =>
  managedNames.has(name) || model.key.some((f) => f.name === name)
/** The column of a field. */
export const columnOf = (model: ModelInfo, name: string) => model.columnMap.get(name)!.column
/**
 * An assignment that changes nothing, for an update with nothing to set (a key-only table, or an
 * empty update without timestamps). The value is the table's own column: PostgreSQL refuses a bare
 * `col = col` in ON CONFLICT … DO UPDATE as ambiguous (the row's or EXCLUDED's).
 */
export const noChange = (d: Dialect, model: ModelInfo) => {
  const column = d.quote(model.key[0]!.column)
  return `${column} = ${d.quote(model.table)}.${column}`
}

/** The upsert clause: the update's fields, updated_at, and deleted_at cleared (a soft-deleted row comes back). */
const upsertClause =
  (d: Dialect, model: ModelInfo, { conflict, now, update }: UpsertPlan) =>
  (p: Params) =>
    d.upsertClause(
      conflict.map((f) => f.column),
      [
        ...Object.keys(update)
          .filter((k) => !frozen(model, k) && update[k] !== undefined)
          .map((k) => `${d.quote(columnOf(model, k))} = ${p.field(model.columnMap.get(k)!, update[k])}`),
        ...(model.updatedAt !== undefined
          ? [`${d.quote(model.updatedAt.column)} = ${p.field(model.updatedAt, now)}`]
          : []),
        ...(model.deletedAt !== undefined ? [`${d.quote(model.deletedAt.column)} = NULL`] : [])
      ].join(", ") || noChange(d, model)
    )

/** Reads the key under lock, writes, reads the record back: one transaction. */
const checkedUpsert = (db: SqlDeps, model: ModelInfo, plan: UpsertPlan, row: Record<string, unknown>) => {
  const d = db.hooks
  const ctx = contextOf(model, "upsert")
  const columns = insertColumns(model, [row])
  return db.transaction(
    Effect.gen(function* () {
      const existing = yield* existingRows(db, model, plan.conflict, [row])
      const updated = new Set(Object.keys(plan.update))
      const [toWrite] = yield* alignOtherKeys(db, model, plan.conflict, [row], existing, updated)
      const set = upsertClause(d, model, plan)
      yield* db.write(insertRows(d, model, columns, [columns.map((c) => toWrite![c.name])], set, false), ctx)
      const found = yield* db.query(selectWhere(db, model, plan.where, { includeDeleted: true }), ctx)
      // the write met a row whose key equals `where` only under the column's own collation (a _ci or
      // NOCASE unique column we did not create: "Rock" for "rock"): the database keeps that key for
      // another value, as a plain create would be told; undo the write
      if (found.length === 0)
        return yield* new Errors.UniqueViolation({ model: model.name, fields: plan.conflict.map((f) => f.name) })
      return { existed: existing.size > 0, found }
    })
  )
}

/** `Backend.upsert`. */
export const upsert =
  (db: SqlDeps): Backend["upsert"] =>
  (model, plan) =>
    Effect.gen(function* () {
      const d = db.hooks
      const row = prepareInsert(model, plan.row, plan.now)
      const columns = insertColumns(model, [row])
      if (d.insertedFlag !== undefined) {
        // PostgreSQL says itself whether the row was inserted: exact under concurrency, one statement
        const flag = d.insertedFlag
        const set = upsertClause(d, model, plan)
        const statement = insertRows(
          d,
          model,
          columns,
          [columns.map((c) => row[c.name])],
          (p) => `${set(p)} RETURNING ${selectList(d, model.columns)}, ${flag}`,
          false
        )
        const result = yield* db.write(statement, contextOf(model, "upsert"))
        const created = result.rows[0]?.[insertedColumn] === true
        const [record] = yield* decodeAll(d, model, [result.rows[0]!])
        return { record: record!, created }
      }
      const { existed, found } = yield* checkedUpsert(db, model, plan, row)
      // decoded after the commit, as on PostgreSQL's one statement: a stored row that does not fit
      // the model fails InvalidRow on every database, and the write stands on every database
      const record = (yield* decodeAll(d, model, found))[0]!
      return { record, created: !existed }
    })
