/**
 * Checks the search operations share: k, select, the vector field and distance, the numeric knobs.
 * Each names the parameter, never its value.
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { type Distance, distances } from "../model/Search.js"
import { vectorProblem } from "../model/Vector.js"

/** Most records one search returns. */
export const maxK = 1000

export { defaultEfSearch } from "../model/Search.js"

export const bad = (model: ModelInfo, path: string, reason: string) =>
  new Errors.ValidationError({ model: model.name, path, reason })

/** An integer from `min` to `max`, or undefined when absent. */
export const intParam = (model: ModelInfo, path: string, v: unknown, min: number, max: number): number | undefined => {
  if (v === undefined) return undefined
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw bad(model, path, `must be an integer from ${min} to ${max}`)
  }
  return v
}

/** `k`: required, 1 to `maxK`. */
export const kParam = (model: ModelInfo, v: unknown): number => {
  if (v === undefined) throw bad(model, "k", "is required")
  return intParam(model, "k", v, 1, maxK)!
}

/** The fields a search reads: all columns, or the key and the selected fields. */
export const selectedFields = (model: ModelInfo, select: ReadonlyArray<string> | undefined): ReadonlyArray<Field> => {
  if (select === undefined) return model.columns
  if (!Array.isArray(select)) throw bad(model, "select", "is a list of field names")
  for (const s of select) {
    if (!model.columnMap.has(s)) throw bad(model, `select.${String(s).slice(0, 64)}`, "is not a field of the model")
  }
  return model.columns.filter((c) => model.key.includes(c) || select.includes(c.name))
}

/** The vector field searched: `field`, or the model's only vector field. */
export const vectorField = (model: ModelInfo, name: unknown): Field => {
  const vectors = model.fields.filter((f) => f.kind === "vector")
  if (name === undefined) {
    if (vectors.length === 1) return vectors[0]!
    throw bad(
      model,
      "field",
      vectors.length === 0 ? "the model has no DataFlow.vector field" : "must name the vector field searched"
    )
  }
  const field = typeof name === "string" ? model.columnMap.get(name) : undefined
  if (field === undefined || field.kind !== "vector") throw bad(model, "field", "must name a DataFlow.vector field")
  return field
}

/** The distance: as asked, else the field's first index's, else cosine. */
export const distanceOf = (model: ModelInfo, field: Field, asked: unknown): Distance => {
  if (asked === undefined) return model.vectorIndexes.find((i) => i.field === field)?.distance ?? "cosine"
  if (!distances.includes(asked as Distance)) throw bad(model, "distance", 'must be "cosine", "l2" or "innerProduct"')
  return asked as Distance
}

/** The query vector, checked against the field's dimensions (copied: the caller may change theirs). */
export const queryVector = (model: ModelInfo, field: Field, v: unknown, distance: Distance): ReadonlyArray<number> => {
  const problem = vectorProblem(v, field.dimensions!)
  if (problem !== undefined) throw bad(model, "vector", problem)
  if (distance === "cosine" && (v as ReadonlyArray<number>).every((x) => x === 0)) {
    throw bad(
      model,
      "vector",
      "is the zero vector, which has no direction: its cosine distance to anything is undefined"
    )
  }
  return [...(v as ReadonlyArray<number>)]
}

/** A finite number, or undefined when absent. */
export const finiteParam = (model: ModelInfo, path: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(model, path, "must be a finite number")
  return v
}
