/**
 * The value existing rows get when a required column is added: the one the plan was given for
 * "table.column", else a neutral value of the field's kind (empty text, zero, false, the epoch).
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"

/** A value for existing rows when a required column is added (a schema change cannot bind parameters). */
export type DefaultValue = string | number | boolean

/** The value existing rows get when a required column without a declared default is added. */
export const neutralValue = (field: Field): DefaultValue => {
  switch (field.kind) {
    case "string":
    case "bytes":
      return ""
    case "literal":
      return field.literals?.[0] ?? ""
    case "uuid":
      return "00000000-0000-0000-0000-000000000000"
    case "int":
    case "bigint":
    case "number":
    case "decimal":
      return 0
    case "boolean":
      return false
    case "date":
      return "1970-01-01T00:00:00.000Z"
    case "json":
      return field.jsonArray ? "[]" : "{}"
    case "vector":
      return `[${new Array(field.dimensions ?? 1).fill(0).join(",")}]`
  }
}
