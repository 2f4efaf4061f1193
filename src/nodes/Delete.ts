/**
 * `delete`: removes one record by id (soft-delete models set deleted_at). Absent ids report `deleted: false`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { traced } from "./Tracing.js"
import type { ModelInfo } from "../model/Model.js"
import { Params, whereClause } from "../sql/Compiler.js"
import { checkId, contextOf, databaseFor, filterOf, keyFilter } from "./Shared.js"

/** Parameters of `delete`. */
export interface DeleteParams<Id> {
  readonly id: Id
}

/** DELETE (or soft-delete UPDATE) under a checked filter; returns rows affected. */
export const deleteWhere = (model: ModelInfo, filter: unknown, operation: string) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, filter)
    const db = yield* databaseFor(model)
    const d = db.hooks
    const p = new Params(d)
    const sql =
      model.deletedAt !== undefined
        ? `UPDATE ${d.quote(model.table)} SET ${d.quote(model.deletedAt.column)} = ${p.field(model.deletedAt, new Date())}${whereClause(d, p, model, expr, false)}`
        : `DELETE FROM ${d.quote(model.table)}${whereClause(d, p, model, expr, false)}`
    const result = yield* db.write({ sql, params: p.values }, contextOf(model, operation))
    return result.affected
  })

/** Deletes one record by id. */
export const remove = (model: ModelInfo, params: DeleteParams<unknown>) =>
  Effect.gen(function* () {
    const id = yield* checkId(model, params?.id)
    const affected = yield* deleteWhere(model, keyFilter(model, id), "delete")
    return { id, deleted: affected > 0 }
  }).pipe(traced("delete", model))
