/**
 * `read`: one record by id, or NotFound. A hot path: the statement is compiled once per model and
 * dialect, the id is checked without building a filter, and nothing else runs per call.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { contextOf, idError, keyParams, readByIdSql } from "./Shared.js"
import { operation } from "./Tracing.js"

/** Parameters of `read`. */
export interface ReadParams<Id> {
  readonly id: Id
  /** Soft-delete models: also find a deleted record. */
  readonly includeDeleted?: boolean
}

/** Reads one record by id. */
export const read = (model: ModelInfo, params: ReadParams<unknown>) => {
  const context = contextOf(model, "read")
  return operation("read", model, (db) => {
    const id = params?.id
    const invalid = idError(model, id)
    if (invalid !== undefined) return Effect.fail(invalid)
    const d = db.hooks
    const sql = readByIdSql(d, model, params.includeDeleted === true)
    const select = Effect.flatMap(
      db.queryOne({ sql, params: keyParams(d, model, id) }, model.columns, context),
      (record) =>
        record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record)
    )
    return db.isReady(model) ? select : Effect.zipRight(db.ensureTable(model), select)
  })
}
