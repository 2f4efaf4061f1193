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
import { contextOf, idError, readById } from "./Shared.js"

/** Parameters of `update`. */
export interface UpdateParams<Id, Fields> {
  readonly filter: { readonly id: Id }
  readonly fields: Fields
}

/** SET list for changed fields plus updated_at. */
export const setList = (model: ModelInfo, p: Params, fields: Record<string, unknown>, now: Date): string =>
  [...Object.keys(fields).filter((k) => fields[k] !== undefined), "updated_at"]
    .map((k) => `${p.dialect.quote(k)} = ${p.field(model.columnMap.get(k)!, k === "updated_at" ? now : fields[k])}`)
    .join(", ")

/** Updates one record by id. The UPDATE text is compiled once per model, dialect and field set. */
export const update = (model: ModelInfo, params: UpdateParams<unknown, unknown>) => {
  const context = contextOf(model, "update")
  const idField = model.columnMap.get("id")!
  return operation("update", model, (db) => {
    const filter = params?.filter as Record<string, unknown> | undefined
    const extra = filter ? Object.keys(filter).filter((k) => k !== "id") : []
    if (extra.length > 0) {
      return Effect.fail(new Errors.ValidationError({ model: model.name, path: `filter.${extra[0]!.slice(0, 64)}`, reason: "update finds one record by id; use bulkUpdate for other filters" }))
    }
    const id = filter?.["id"]
    const invalid = idError(model, id)
    if (invalid !== undefined) return Effect.fail(invalid)
    const valid = model.validateUpdate(params.fields ?? {})
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const fields = valid.right
    const d = db.hooks
    const names = [...Object.keys(fields).filter((k) => fields[k] !== undefined), "updated_at"]
    const sql = planned(d, model, `update:${names.join(",")}`, () => {
      const set = names.map((k, i) => `${d.quote(k)} = ${d.placeholder(i + 1)}`).join(", ")
      const hidden = model.softDelete ? ` AND ${d.quote("deleted_at")} IS NULL` : ""
      const ret = d.returning ? ` RETURNING ${selectList(d, model.columns)}` : ""
      return `UPDATE ${d.quote(model.table)} SET ${set} WHERE ${d.quote("id")} = ${d.placeholder(names.length + 1)}${hidden}${ret}`
    })
    const now = new Date()
    const values = names.map((k) => encodeValue(d.codec, model.columnMap.get(k)!, k === "updated_at" ? now : fields[k]))
    values.push(encodeValue(d.codec, idField, id))
    const write = d.returning
      ? Effect.flatMap(db.queryOne({ sql, params: values }, model.columns, context), (record) =>
        record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record))
      : Effect.flatMap(db.write({ sql, params: values }, context), (result) =>
        result.affected === 0 ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : readById(db, model, id, "update"))
    return db.isReady(model) ? write : Effect.zipRight(db.ensureTable(model), write)
  })
}
