/**
 * `update`: changes fields of one record found by id, bumps updated_at, returns the new record.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { traced } from "./Tracing.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { Params, whereClause } from "../sql/Compiler.js"
import { checkId, contextOf, databaseFor, decodeAll, filterOf, readById, validated } from "./Shared.js"

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

/** Updates one record by id. */
export const update = (model: ModelInfo, params: UpdateParams<unknown, unknown>) =>
  Effect.gen(function*() {
    const filter = params?.filter as Record<string, unknown> | undefined
    const extra = filter ? Object.keys(filter).filter((k) => k !== "id") : []
    if (extra.length > 0) {
      return yield* new Errors.ValidationError({ model: model.name, path: `filter.${extra[0]!.slice(0, 64)}`, reason: "update finds one record by id; use bulkUpdate for other filters" })
    }
    const id = yield* checkId(model, filter?.["id"])
    const fields = yield* validated(model.validateUpdate(params.fields ?? {}))
    const db = yield* databaseFor(model)
    const d = db.hooks
    const p = new Params(d)
    const set = setList(model, p, fields, new Date())
    const where = whereClause(d, p, model, yield* filterOf(model, { id }), false)
    const ret = d.returning ? ` RETURNING ${model.columns.map((c) => d.quote(c.name)).join(", ")}` : ""
    const result = yield* db.write({ sql: `UPDATE ${d.quote(model.table)} SET ${set}${where}${ret}`, params: p.values }, contextOf(model, "update"))
    if (result.affected === 0) return yield* new Errors.NotFound({ model: model.name, id })
    if (d.returning) return decodeAll(db, model, result.rows)[0]!
    return yield* readById(db, model, id, "update")
  }).pipe(traced("update", model))
