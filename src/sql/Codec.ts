/**
 * Values in and out of SQL: one codec for every dialect, steered by its CodecFlags.
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"
import type { Field } from "../model/Field.js"
import type { CodecFlags } from "./Dialect.js"

/**
 * A BigDecimal as plain decimal text, never in exponent notation (BigDecimal.format switches to
 * "1e-18" from 16 places on): the same canonical text for SQLite's TEXT column and the driver params.
 */
export const plainDecimal = (value: BigDecimal.BigDecimal): string => {
  const { scale, value: n } = BigDecimal.normalize(value)
  const negative = n < 0n
  const digits = (negative ? -n : n).toString()
  let text: string
  if (scale <= 0) text = n === 0n ? "0" : digits + "0".repeat(-scale)
  else if (digits.length > scale) text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  else text = `0.${"0".repeat(scale - digits.length)}${digits}`
  return negative ? `-${text}` : text
}

/** A JavaScript value of a field → the bound parameter the driver takes. */
export const encodeValue = (flags: CodecFlags, field: Field, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  switch (field.kind) {
    case "boolean":
      return flags.booleanAsInt ? (value ? 1 : 0) : value
    case "date":
      return flags.dateAsText ? (value as Date).toISOString() : value
    case "json":
      return JSON.stringify(value)
    case "bigint":
      return flags.bigintNative ? value : String(value)
    case "decimal":
      return plainDecimal(value as BigDecimal.BigDecimal)
    case "bytes": {
      const u = value as Uint8Array
      return Buffer.from(u.buffer, u.byteOffset, u.byteLength)
    }
    case "uuid":
      // PostgreSQL's uuid type prints lower case; store lower case everywhere so reads agree
      return (value as string).toLowerCase()
    default:
      return value
  }
}

/** A value the driver returned → the field's JavaScript value. */
export const decodeValue = (flags: CodecFlags, field: Field, raw: unknown): unknown => {
  if (raw === null || raw === undefined) return null
  switch (field.kind) {
    case "boolean":
      return typeof raw === "boolean" ? raw : raw === 1 || raw === 1n || raw === "1"
    case "date":
      return raw instanceof Date ? raw : new Date(raw as string)
    case "json":
      return flags.jsonParsedByDriver || typeof raw !== "string" ? raw : JSON.parse(raw)
    case "int":
    case "number":
      return typeof raw === "number" ? raw : Number(raw)
    case "bigint":
      return typeof raw === "bigint" ? raw : BigInt(raw as string)
    case "decimal":
      // NUMERIC keeps the written scale, DECIMAL(65,30) pads to 30 places: normalize so every
      // database returns the same value and scale ("1.50" → 1.5); compare with BigDecimal.equals
      return BigDecimal.normalize(BigDecimal.unsafeFromString(String(raw)))
    case "bytes":
      return new Uint8Array(raw as Uint8Array)
    default:
      return typeof raw === "string" ? raw : String(raw)
  }
}

/**
 * A row → a record: every column decoded; NULL in an optional, non-nullable field leaves the
 * property absent (as it was on create), NULL in a nullable field is `null`.
 */
export const decodeRow = (
  flags: CodecFlags,
  fields: ReadonlyArray<Field>,
  row: Record<string, unknown>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (!(field.column in row)) continue
    const raw = row[field.column]
    if (raw === null || raw === undefined) {
      if (field.nullable || !field.optional) out[field.name] = null
      continue
    }
    out[field.name] = decodeValue(flags, field, raw)
  }
  return out
}

/**
 * A row of values in `fields` order (a driver's array row) → a record, with `decodeRow`'s rules:
 * no intermediate object per row.
 */
export const decodeValues = (
  flags: CodecFlags,
  fields: ReadonlyArray<Field>,
  values: ReadonlyArray<unknown>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!
    const raw = values[i]
    if (raw === null || raw === undefined) {
      if (field.nullable || !field.optional) out[field.name] = null
      continue
    }
    out[field.name] = decodeValue(flags, field, raw)
  }
  return out
}
