/**
 * `update`: changes fields of one record found by id, bumps updated_at, returns the new record.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { operation } from "./Tracing.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { encodeValue } from "../sql/Codec.js"
import { type Params, selectList } from "../sql/Compiler.js"
import { planned } from "./Plans.js"
import { contextOf, idError, keyCondition, keyParams, readById } from "./Shared.js"

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

/** SET list for changed fields plus updated_at. */
export const setList = (model: ModelInfo, p: Params, fields: Record<string, unknown>, now: Date): string =>
  changedNames(model, fields)
    .map((k) => {
      const field = model.columnMap.get(k)!
      return `${p.dialect.quote(field.column)} = ${p.field(field, k === "updated_at" ? now : fields[k])}`
    })
    .join(", ")

/** Updates one record by id. The UPDATE text is compiled once per model, dialect and field set. */
export const update = (model: ModelInfo, params: UpdateParams<unknown, unknown>) => {
  const context = contextOf(model, "update")
  return operation("update", model, (db) => {
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
    const d = db.hooks
    const names = changedNames(model, fields)
    if (names.length === 0) return Effect.flatMap(db.ensureTable(model), () => readById(db, model, id, "update"))
    const sql = planned(d, model, `update:${names.join(",")}`, () => {
      const set = names.map((k, i) => `${d.quote(model.columnMap.get(k)!.column)} = ${d.placeholder(i + 1)}`).join(", ")
      const hidden = model.deletedAt !== undefined ? ` AND ${d.quote(model.deletedAt.column)} IS NULL` : ""
      const ret = d.returning ? ` RETURNING ${selectList(d, model.columns)}` : ""
      return `UPDATE ${d.quote(model.table)} SET ${set} WHERE ${keyCondition(d, model, names.length + 1)}${hidden}${ret}`
    })
    const now = new Date()
    const values = names.map((k) => encodeValue(d.codec, model.columnMap.get(k)!, k === "updated_at" ? now : fields[k]))
    values.push(...keyParams(d, model, id))
    const write = d.returning
      ? Effect.flatMap(db.queryOne({ sql, params: values }, model.columns, context), (record) =>
          record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record)
        )
      : Effect.flatMap(db.write({ sql, params: values }, context), (result) =>
          result.affected === 0
            ? Effect.fail(new Errors.NotFound({ model: model.name, id }))
            : readById(db, model, id, "update")
        )
    return db.isReady(model) ? write : Effect.zipRight(db.ensureTable(model), write)
  })
}
