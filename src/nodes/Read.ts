/**
 * `read`: one record by id, or NotFound. A hot path: the id is checked without building a filter,
 * and the backend's read by id (compiled once per model on SQL) is all that runs per call.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { idError } from "./Shared.js"
import { operation } from "./Tracing.js"

/** Parameters of `read`. */
export interface ReadParams<Id> {
  readonly id: Id
  /** Soft-delete models: also find a deleted record. */
  readonly includeDeleted?: boolean
}

/** Reads one record by id. */
export const read = (model: ModelInfo, params: ReadParams<unknown>) =>
  operation("read", model, (db) => {
    const id = params?.id
    const invalid = idError(model, id)
    if (invalid !== undefined) return Effect.fail(invalid)
    const select = Effect.flatMap(db.backend.readById(model, id, params.includeDeleted === true, "read"), (record) =>
      record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record)
    )
    return db.isReady(model) ? select : Effect.zipRight(db.ensureTable(model), select)
  })
