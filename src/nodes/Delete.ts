/**
 * `delete`: removes one record by id (soft-delete models set deleted_at). Absent ids report `deleted: false`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { traced } from "./Tracing.js"
import type { ModelInfo } from "../model/Model.js"
import { checkId, databaseFor, filterOf, keyFilter } from "./Shared.js"

/** Parameters of `delete`. */
export interface DeleteParams<Id> {
  readonly id: Id
}

/** Deletes (soft-deletes) every live record under a checked filter; returns how many. */
export const deleteWhere = (model: ModelInfo, filter: unknown, operation: string) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, filter)
    const db = yield* databaseFor(model)
    return yield* db.backend.deleteWhere(model, expr, new Date(), operation)
  })

/** Deletes one record by id. */
export const remove = (model: ModelInfo, params: DeleteParams<unknown>) =>
  Effect.gen(function* () {
    const id = yield* checkId(model, params?.id)
    const affected = yield* deleteWhere(model, keyFilter(model, id), "delete")
    return { id, deleted: affected > 0 }
  }).pipe(traced("delete", model))
