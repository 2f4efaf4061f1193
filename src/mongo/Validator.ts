/**
 * The collection validator derived from a model: a `$jsonSchema` that every document written through
 * the model passes (src/mongo/Values.ts writes every column), which refuses documents the model could
 * not read back (a wrong type, a missing required field, a value outside a literal union, text over
 * maxLength).
 *
 * - `bsonType` per kind: string/uuid/literal "string", int "int", number "number" (a JS number is
 *   stored as int32 or double), bigint "long", decimal "decimal", boolean "bool", date "date", bytes
 *   "binData", vector an "array" of n numbers, json any type ("array" when the field is an array).
 * - A required field (neither optional nor nullable) and created_at/updated_at are `required`; an
 *   optional or nullable field may also be null or absent (documents written before a field was
 *   added lack it: decoding reads absent as null).
 * - Other properties are allowed (`additionalProperties` is left open): a field removed from the
 *   model must not make its old documents invalid, and decoding ignores what the model does not name.
 *
 * ```ts
 * await db.createCollection("users", { validator: validatorOf(User.info), validationLevel: "strict" })
 * ```
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { Doc } from "./Values.js"

const bsonTypes: Record<Exclude<Field["kind"], "json" | "vector">, string> = {
  string: "string",
  uuid: "string",
  literal: "string",
  int: "int",
  number: "number",
  bigint: "long",
  decimal: "decimal",
  boolean: "bool",
  date: "date",
  bytes: "binData"
}

const canBeNull = (f: Field) => f.optional || f.nullable

/** The `$jsonSchema` of one field's stored value. */
export const fieldSchema = (f: Field): Doc => {
  const orNull = (t: string) => (canBeNull(f) ? [t, "null"] : t)
  switch (f.kind) {
    case "json":
      return f.jsonArray === true ? { bsonType: orNull("array") } : {}
    case "vector":
      return {
        bsonType: orNull("array"),
        minItems: f.dimensions!,
        maxItems: f.dimensions!,
        items: { bsonType: "number" }
      }
    case "literal":
      return { bsonType: orNull("string"), enum: canBeNull(f) ? [...f.literals!, null] : [...f.literals!] }
    default:
      return {
        bsonType: orNull(bsonTypes[f.kind]),
        ...(f.maxLength !== undefined && f.kind === "string" ? { maxLength: f.maxLength } : {})
      }
  }
}

/** The `$jsonSchema` of a model's documents (`_id` holds the key; a composite key is an object of its columns). */
export const jsonSchemaOf = (model: ModelInfo): Doc => {
  const properties: Doc = {}
  const required: Array<string> = ["_id"]
  if (model.key.length === 1) properties["_id"] = fieldSchema(model.key[0]!)
  else {
    properties["_id"] = {
      bsonType: "object",
      required: model.key.map((f) => f.column),
      properties: Object.fromEntries(model.key.map((f) => [f.column, fieldSchema(f)]))
    }
  }
  for (const f of model.columns) {
    if (model.key.includes(f)) continue
    properties[f.column] = fieldSchema(f)
    if (!canBeNull(f)) required.push(f.column)
  }
  return { bsonType: "object", required, properties }
}

/** The collection option `validator`: `{ $jsonSchema: … }`. */
export const validatorOf = (model: ModelInfo): Doc => ({ $jsonSchema: jsonSchemaOf(model) })
