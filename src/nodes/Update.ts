/**
 * `update`: changes fields of one record found by id, bumps updated_at, returns the new record.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { operation } from "./Tracing.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { found, idError, readById } from "./Shared.js"

/** Parameters of `update`. */
export interface UpdateParams<Id, Fields> {
  readonly filter: { readonly id: Id }
  readonly fields: Fields
}

/** The properties an update writes: the changed fields, then updated_at when the model has it. */
export const changedNames = (model: ModelInfo, fields: Record<string, unknown>): Array<string> => {
  const names = Object.keys(fields).filter((k) => fields[k] !== undefined)
  if (model.updatedAt !== undefined) names.push("updated_at")
  return names
}

/** Updates one record by id (the backend compiles its statement once per field set where it compiles any). */
export const update = (model: ModelInfo, params: UpdateParams<unknown, unknown>) =>
  operation("update", model, (db) => {
    const filter = params?.filter as Record<string, unknown> | undefined
    const extra = filter ? Object.keys(filter).filter((k) => k !== "id") : []
    if (extra.length > 0) {
      return Effect.fail(
        new Errors.ValidationError({
          model: model.name,
          path: `filter.${extra[0]!.slice(0, 64)}`,
          reason: "update finds one record by id; use bulkUpdate for other filters"
        })
      )
    }
    const id = filter?.["id"]
    const invalid = idError(model, id)
    if (invalid !== undefined) return Effect.fail(invalid)
    const valid = model.validateUpdate(params.fields ?? {})
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const fields = valid.right
    const names = changedNames(model, fields)
    if (names.length === 0) return Effect.flatMap(db.ensureTable(model), () => readById(db, model, id, "update"))
    const write = Effect.flatMap(db.backend.updateById(model, id, { names, fields, now: new Date() }), (record) =>
      found(model, id, record)
    )
    return db.isReady(model) ? write : Effect.zipRight(db.ensureTable(model), write)
  })
