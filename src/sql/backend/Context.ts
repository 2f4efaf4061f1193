/**
 * The SQL backend's error context per model and operation, and row decoding.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../../Errors.js"
import type { ModelInfo } from "../../model/Model.js"
import { keyNames } from "../../backend/Keys.js"
import { decodeRow } from "../Codec.js"
import type { Dialect, ErrorContext } from "../Dialect.js"

const contexts = new WeakMap<ModelInfo, Map<string, ErrorContext>>()

/** Error context for a model's statement (built once per model and operation: it is on every hot path). */
export const contextOf = (model: ModelInfo, operation: string): ErrorContext => {
  let byOperation = contexts.get(model)
  if (byOperation === undefined) contexts.set(model, (byOperation = new Map()))
  let context = byOperation.get(operation)
  if (context === undefined) {
    context = {
      model: model.name,
      table: model.table,
      constraints: model.constraints,
      fieldOfColumn: new Map(model.columns.map((c) => [c.column, c.name])),
      key: keyNames(model),
      operation
    }
    byOperation.set(operation, context)
  }
  return context
}

/** Rows → records; a row that does not fit the model fails InvalidRow. */
export const decodeAll = (
  d: Dialect,
  model: ModelInfo,
  rows: ReadonlyArray<Record<string, unknown>>
): Effect.Effect<Array<Record<string, unknown>>, Errors.InvalidRow> =>
  Effect.try({
    try: () => {
      const owner = { model: model.name, key: keyNames(model) }
      return rows.map((row) => decodeRow(d.codec, model.columns, row, owner))
    },
    catch: (e) => {
      if (e instanceof Errors.InvalidRow) return e
      throw e
    }
  })
