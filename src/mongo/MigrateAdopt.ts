/**
 * Adoption on MongoDB: what autoMigrate checks before it uses a model over a collection it did not
 * create (the ledger does not record it). Such a collection is never altered; when its validator
 * contradicts the model — a property of another BSON type, a required property the model may leave
 * empty or does not have — writes through the model would fail, so it is `SchemaMismatch` naming
 * the model, field and column (never a value), as on SQL (src/migrations/Adopt.ts).
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { fieldOfPath } from "./Indexes.js"
import type { LiveCollection } from "./MigratePlan.js"
import { fieldSchema } from "./Validator.js"
import type { Doc } from "./Values.js"

const mismatch = (model: ModelInfo, field: Field | undefined, column: string | undefined, reason: string) =>
  new Errors.SchemaMismatch({
    model: model.name,
    table: model.table,
    ...(field !== undefined ? { field: field.name } : {}),
    ...(column !== undefined ? { column } : {}),
    reason
  })

const typesOf = (schema: Doc | undefined): ReadonlyArray<string> | undefined => {
  const t = schema?.["bsonType"] ?? schema?.["type"]
  return t === undefined ? undefined : Array.isArray(t) ? t.map(String) : [String(t)]
}

/** The BSON types a number-like stored value may have ("number" covers them). */
const covers = (allowed: ReadonlyArray<string>, wanted: string): boolean =>
  allowed.includes(wanted) ||
  (allowed.includes("number") && ["int", "long", "double", "decimal"].includes(wanted)) ||
  (wanted === "number" && ["int", "long", "double", "decimal"].every((t) => allowed.includes(t)))

/** Why the model cannot be used over a collection it did not create, if it cannot. */
export const collectionMismatch = (model: ModelInfo, live: LiveCollection): Errors.SchemaMismatch | undefined => {
  const schema = live.validator?.["$jsonSchema"] as Doc | undefined
  if (schema === undefined) return undefined
  const properties = (schema["properties"] ?? {}) as Record<string, Doc>
  const required = Array.isArray(schema["required"]) ? (schema["required"] as Array<unknown>).map(String) : []
  for (const f of model.columns) {
    if (model.key.includes(f)) continue
    const allowed = typesOf(properties[f.column])
    const wanted = typesOf(fieldSchema(f))
    if (allowed !== undefined && wanted !== undefined) {
      const missing = wanted.find((t) => !covers(allowed, t))
      if (missing !== undefined) {
        return mismatch(
          model,
          f,
          f.column,
          `the collection's validator admits ${allowed.join(" or ")} for ${f.column}, while the field stores ${missing}`
        )
      }
    }
  }
  for (const r of required) {
    if (r === "_id") continue
    const name = fieldOfPath(model, r)
    const f = name !== undefined ? model.columnMap.get(name) : undefined
    if (f === undefined) {
      return mismatch(
        model,
        undefined,
        r,
        `the collection's validator requires ${r}, which the model does not have: add the field, or change the validator`
      )
    }
    if (f.optional || f.nullable) {
      return mismatch(
        model,
        f,
        r,
        `the collection's validator requires ${r}, which the field may leave empty: make the field required`
      )
    }
  }
  return undefined
}
