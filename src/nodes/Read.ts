/**
 * `read`: one record by id, or NotFound.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ModelInfo } from "../model/Model.js"
import { checkId, databaseFor, readById } from "./Shared.js"

/** Parameters of `read`. */
export interface ReadParams<Id> {
  readonly id: Id
  /** Soft-delete models: also find a deleted record. */
  readonly includeDeleted?: boolean
}

/** Reads one record by id. */
export const read = (model: ModelInfo, params: ReadParams<unknown>) =>
  Effect.gen(function*() {
    const id = yield* checkId(model, params?.id)
    const db = yield* databaseFor(model)
    return yield* readById(db, model, id, "read", params.includeDeleted === true)
  }).pipe(Effect.withSpan("dataflow.read", { attributes: { model: model.name }, captureStackTrace: false }))
