/**
 * Values in and out of SQL: one codec for every dialect, steered by its CodecFlags.
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"
import { InvalidRow } from "../Errors.js"
import { fitsDecimal, fitsPrecision, isDayOnly } from "../model/Columns.js"
import type { Field } from "../model/Field.js"
import { shortestFloat32 } from "../model/Vector.js"
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
  else if (digits.length > scale)
    text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  else text = `0.${"0".repeat(scale - digits.length)}${digits}`
  return negative ? `-${text}` : text
}

const dateText = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?))?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i

/**
 * Date text as stored in a text column: our ISO-8601 form (`2020-01-02T03:04:05.678Z`) or SQLite's
 * (`2020-01-02 03:04:05[.fff]`, `2020-01-02`). Text without a zone is UTC, never the process's local
 * time (`new Date("2020-01-02 03:04:05")` would read it in the local zone).
 */
export const dateFromText = (text: string): Date => {
  if (text.length === 24 && text.charCodeAt(23) === 90) return new Date(text) // ours: …Z
  const m = dateText.exec(text)
  if (m === null) return new Date(text)
  const zone = m[3] === undefined ? "Z" : m[3].length === 3 ? `${m[3]}:00` : m[3]
  return new Date(`${m[1]}T${m[2] ?? "00:00"}${zone}`)
}

/** A vector as the driver takes it (see `CodecFlags.vectorAs`). */
export const encodeVector = (flags: CodecFlags, value: ReadonlyArray<number>): unknown => {
  switch (flags.vectorAs) {
    case "text":
      return `[${value.join(",")}]`
    case "float32": {
      const f = Float32Array.from(value)
      return Buffer.from(f.buffer, f.byteOffset, f.byteLength)
    }
    case "json":
      // rounded as the other databases store it (32-bit floats), so every database reads back the same numbers
      return JSON.stringify(value.map((x) => shortestFloat32(Math.fround(x))))
  }
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
    case "vector":
      return encodeVector(flags, value as ReadonlyArray<number>)
    default:
      return value
  }
}

/** Why a stored value does not fit its field (thrown by `decodeValue`, turned into InvalidRow by the row decoders). */
class Misfit {
  constructor(readonly reason: string) {}
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const finite = (n: number, what: string): number => {
  if (!Number.isFinite(n)) throw new Misfit(`holds ${what} that is not a finite number`)
  return n
}

const codePointLength = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/**
 * A value the driver returned → the field's JavaScript value. A value the field's Schema would
 * refuse (outside a literal union, not a date, not an integer, longer than maxLength, …) throws.
 */
export const decodeValue = (flags: CodecFlags, field: Field, raw: unknown): unknown => {
  if (raw === null || raw === undefined) return null
  switch (field.kind) {
    case "boolean":
      if (typeof raw === "boolean") return raw
      if (raw === 1 || raw === 1n || raw === "1") return true
      if (raw === 0 || raw === 0n || raw === "0") return false
      throw new Misfit("holds a value that is neither true/1 nor false/0")
    case "date": {
      // a number (SQLite epoch seconds? Julian days?) is not read as a date: which one is unknown
      const date = raw instanceof Date ? raw : typeof raw === "string" ? dateFromText(raw) : new Date(Number.NaN)
      if (Number.isNaN(date.getTime())) throw new Misfit("holds a value that is not a valid date")
      if (field.fractionalDigits !== undefined && !fitsPrecision(date, field.fractionalDigits)) {
        throw new Misfit(
          `holds more fractional-second digits than the model's dateTime precision (${field.fractionalDigits})`
        )
      }
      if (field.dayOnly === true && !isDayOnly(date)) throw new Misfit("holds a time of day: the field is dateOnly")
      return date
    }
    case "json":
      if (flags.jsonParsedByDriver || typeof raw !== "string") return raw
      try {
        return JSON.parse(raw)
      } catch {
        throw new Misfit("holds text that is not JSON")
      }
    case "int": {
      const n = finite(typeof raw === "number" ? raw : Number(raw), "a value")
      if (!Number.isInteger(n)) throw new Misfit("holds a number that is not an integer")
      // a BIGINT beyond 2^53 would come back as a neighbouring number
      if (!Number.isSafeInteger(n))
        throw new Misfit("holds an integer beyond 2^53, which Schema.Int cannot hold exactly (declare Schema.BigInt)")
      return n
    }
    case "number":
      return finite(typeof raw === "number" ? raw : Number(raw), "a value")
    case "bigint":
      if (typeof raw === "bigint") return raw
      try {
        return BigInt(raw as string)
      } catch {
        throw new Misfit("holds a value that is not an integer")
      }
    case "decimal": {
      // NUMERIC keeps the written scale, DECIMAL(65,30) pads to 30 places: normalize so every
      // database returns the same value and scale ("1.50" → 1.5); compare with BigDecimal.equals
      const d = BigDecimal.fromString(String(raw))
      if (d._tag === "None") throw new Misfit("holds a value that is not a decimal number")
      if (field.scale !== undefined && !fitsDecimal(d.value, field.precision!, field.scale)) {
        throw new Misfit(`holds more digits than the model's decimal(${field.precision}, ${field.scale})`)
      }
      return BigDecimal.normalize(d.value)
    }
    case "bytes":
      return new Uint8Array(raw as Uint8Array)
    case "literal": {
      const text = typeof raw === "string" ? raw : String(raw)
      if (!field.literals!.includes(text)) throw new Misfit("holds a value outside the model's literal union")
      return text
    }
    case "uuid": {
      const text = typeof raw === "string" ? raw : String(raw)
      if (!uuidRe.test(text)) throw new Misfit("holds text that is not a UUID")
      return text
    }
    case "vector":
      return decodeVector(flags, field.dimensions!, raw)
    default: {
      const text = typeof raw === "string" ? raw : String(raw)
      if (field.maxLength !== undefined && text.length > field.maxLength && codePointLength(text) > field.maxLength) {
        throw new Misfit(`holds text longer than the model's maxLength (${field.maxLength})`)
      }
      return text
    }
  }
}

const float32Numbers = (raw: Uint8Array): Array<number> => {
  if (raw.byteLength % 4 !== 0) throw new Misfit("holds bytes that are not 32-bit floats")
  // copied: a driver's Buffer may start at an offset not aligned to 4
  const f = new Float32Array(new Uint8Array(raw).buffer)
  const out = new Array<number>(f.length)
  for (let i = 0; i < f.length; i++) out[i] = shortestFloat32(f[i]!)
  return out
}

/** A stored vector → its numbers (each the shortest decimal of its float32, as pgvector prints). */
const decodeVector = (flags: CodecFlags, dimensions: number, raw: unknown): ReadonlyArray<number> => {
  let numbers: unknown
  if (raw instanceof Uint8Array) numbers = float32Numbers(raw)
  else if (typeof raw === "string") {
    try {
      numbers = JSON.parse(raw)
    } catch {
      throw new Misfit("holds text that is not a vector")
    }
  } else numbers = flags.vectorAs === "json" ? raw : undefined
  if (!Array.isArray(numbers) || !numbers.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new Misfit("holds a value that is not a vector of finite numbers")
  }
  if (numbers.length !== dimensions) throw new Misfit(`holds a vector of ${numbers.length} numbers, not ${dimensions}`)
  return numbers
}

/** Who is decoding: the model (for InvalidRow) and its key fields' names (to name the row). */
export interface RowOwner {
  readonly model: string
  readonly key?: ReadonlyArray<string> | undefined
}

const nullReason =
  "is NULL in the database, but the model requires a value (declare it Schema.NullOr(...) or Schema.optional(...))"

const invalidRow = (owner: RowOwner | undefined, field: Field, reason: string, decoded: Record<string, unknown>) => {
  const names = owner?.key
  let key: unknown = undefined
  if (names !== undefined && names.every((n) => n in decoded)) {
    key = names.length === 1 ? decoded[names[0]!] : Object.fromEntries(names.map((n) => [n, decoded[n]]))
  }
  return new InvalidRow({
    model: owner?.model ?? "?",
    field: field.name,
    ...(key !== undefined ? { key } : {}),
    reason
  })
}

const decodeInto = (
  flags: CodecFlags,
  field: Field,
  raw: unknown,
  out: Record<string, unknown>,
  owner: RowOwner | undefined
): void => {
  if (raw === null || raw === undefined) {
    if (field.nullable) out[field.name] = null
    else if (!field.optional) throw invalidRow(owner, field, nullReason, out)
    return
  }
  try {
    out[field.name] = decodeValue(flags, field, raw)
  } catch (e) {
    if (e instanceof Misfit) throw invalidRow(owner, field, e.reason, out)
    throw e
  }
}

/**
 * A row → a record: every column decoded; NULL in an optional, non-nullable field leaves the
 * property absent (as it was on create), NULL in a nullable field is `null`. A row the model's
 * Schema would refuse throws InvalidRow (the key fields come first, so it names the row's key).
 */
export const decodeRow = (
  flags: CodecFlags,
  fields: ReadonlyArray<Field>,
  row: Record<string, unknown>,
  owner?: RowOwner
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (!(field.column in row)) continue
    decodeInto(flags, field, row[field.column], out, owner)
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
  values: ReadonlyArray<unknown>,
  owner?: RowOwner
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < fields.length; i++) decodeInto(flags, fields[i]!, values[i], out, owner)
  return out
}
