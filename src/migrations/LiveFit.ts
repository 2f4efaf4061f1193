/**
 * Whether a live column already is what a model field declares, although its type is not the one
 * the library's own DDL would write (PostgreSQL `timestamp(6)` for `DataFlow.dateTime({ precision: 6 })`,
 * SQLite `NVARCHAR(200)` for `Schema.maxLength(200)`): the column reads back as exactly that field
 * (src/migrations/Discover.ts `typeOf`), so the diff plans no type change — a model written by
 * `dataflow discover` is up to date with the table it was discovered from.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import { typeOf } from "./Discover.js"
import type { Introspector, LiveColumn } from "./LiveSchema.js"

const sameList = (a: ReadonlyArray<string> | undefined, b: ReadonlyArray<string> | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x) => b.includes(x))

/** The live column reads as the field, with the same bounds: length, digits, fractional seconds, literals. */
export const liveColumnFits = (introspector: Introspector, live: LiveColumn, field: Field): boolean => {
  const found = typeOf(introspector, live)
  if (found.kind !== field.kind) return false
  switch (field.kind) {
    case "string":
      return found.maxLength === field.maxLength
    case "decimal":
      return found.precision === field.precision && found.scale === field.scale
    case "date":
      return found.precision === field.fractionalDigits
    case "literal":
      return sameList(live.literals, field.literals)
    case "vector":
      return found.dimensions === field.dimensions
    case "int":
    case "bigint":
    case "number":
    case "boolean":
    case "uuid":
    case "json":
    case "bytes":
      return true
  }
}
