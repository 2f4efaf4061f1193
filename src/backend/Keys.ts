/**
 * Facts of a model's keys that the operations and every backend share.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"

/** The names of the primary key's fields. */
export const keyNames = (model: ModelInfo): Array<string> => model.key.map((f) => f.name)

/** A record's id: its key field's value, or an object of its key fields. */
export const idOf = (model: ModelInfo, record: Record<string, unknown>): unknown =>
  model.key.length === 1
    ? record[model.key[0]!.name]
    : Object.fromEntries(model.key.map((f) => [f.name, record[f.name]]))

/** A Map key for a row's values of `fields`: the value itself for one string or number field (the common case). */
export const keyOf = (fields: ReadonlyArray<Field>, r: Record<string, unknown>): unknown => {
  if (fields.length === 1) {
    const v = r[fields[0]!.name]
    if (typeof v === "string" || typeof v === "number") return v
  }
  return JSON.stringify(
    fields.map((c) => {
      const v = r[c.name]
      return v instanceof Date ? v.toISOString() : typeof v === "bigint" ? String(v) : v
    })
  )
}
