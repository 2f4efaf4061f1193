/**
 * Values in and out of MongoDB: a validated model value → what the driver stores, and a stored
 * document → a record of the model, with the same rules as the SQL codec (src/sql/Codec.ts): a
 * stored value the model's Schema would refuse fails `InvalidRow` (model, field, key; never the value).
 *
 * Storage per field kind: string/literal/uuid (lower case) → string, int/number → number, bigint →
 * Long, boolean → bool, date → Date, decimal → Decimal128, bytes → Binary, json → embedded, vector →
 * array of numbers (rounded to 32-bit floats, as the SQL databases store them).
 *
 * The key: a one-field key is `_id`; a composite key is `_id: { <column>: value, … }` in key order
 * (so `_id` stays the primary key and its unique index). Every other column is written on insert,
 * `null` when absent, so a stored document always holds every column of the model.
 *
 * ```ts
 * const mongo = await import("mongodb")
 * insertDocument(mongo, User.info, { id: "u1", name: "Ann" }, now) // { _id: "u1", name: "Ann", created_at: now, … }
 * ```
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"
import type * as Mongo from "mongodb"
import { InvalidRow, ValidationError } from "../Errors.js"
import { fitsDecimal, fitsPrecision, isDayOnly } from "../model/Columns.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { shortestFloat32 } from "../model/Vector.js"

/** The BSON classes the translation needs: pass the loaded `mongodb` module (or `bson`). */
export type Bson = Pick<typeof Mongo, "Decimal128" | "Long" | "Binary">

/** A stored document (a plain object as the driver reads and writes it). */
export type Doc = Record<string, unknown>

/** Where a field's value lives in a stored document: `_id`, `_id.<column>` (composite key) or its column. */
export const pathOf = (model: ModelInfo, field: Field): string =>
  model.key.includes(field) ? (model.key.length === 1 ? "_id" : `_id.${field.column}`) : field.column

/**
 * A validated value of a field → the value the driver stores (null/undefined → null). Throws
 * ValidationError for a decimal of more than 34 significant digits (Decimal128 would round it).
 */
export const encodeValue = (bson: Bson, field: Field, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  switch (field.kind) {
    case "bigint":
      return bson.Long.fromBigInt(typeof value === "bigint" ? value : BigInt(value as number))
    case "decimal": {
      // digits and exponent of the normalized value ("1.50" → 15E-1, 10^35 → 1E+35): exact whenever
      // it has at most 34 significant digits (Decimal128's); a longer one throws ValidationError
      const { scale, value: digits } = BigDecimal.normalize(value as BigDecimal.BigDecimal)
      if ((digits < 0n ? -digits : digits).toString().length > 34) {
        throw new ValidationError({
          path: field.name,
          reason: "has more than 34 significant digits, which MongoDB's Decimal128 cannot hold exactly"
        })
      }
      return bson.Decimal128.fromString(`${digits}E${scale <= 0 ? "+" : "-"}${Math.abs(scale)}`)
    }
    case "bytes": {
      const u = value as Uint8Array
      return new bson.Binary(new Uint8Array(u.buffer, u.byteOffset, u.byteLength))
    }
    case "uuid":
      // lower case, as the SQL codec stores it, so reads and equality agree
      return (value as string).toLowerCase()
    case "vector":
      return (value as ReadonlyArray<number>).map((x) => shortestFloat32(Math.fround(x)))
    default:
      return value
  }
}

/** A checked id (a key value, or an object of the composite key's fields) → the stored `_id`. */
export const encodeId = (bson: Bson, model: ModelInfo, id: unknown): unknown => {
  if (model.key.length === 1) return encodeValue(bson, model.key[0]!, id)
  const given = id as Record<string, unknown>
  return Object.fromEntries(model.key.map((f) => [f.column, encodeValue(bson, f, given[f.name])]))
}

/** The `_id` of a record (its key fields' values). */
export const idOfRow = (bson: Bson, model: ModelInfo, row: Record<string, unknown>): unknown =>
  model.key.length === 1 ? encodeValue(bson, model.key[0]!, row[model.key[0]!.name]) : encodeId(bson, model, row)

/**
 * The document `insert` writes: `_id`, every other column (null when absent), created_at and
 * updated_at = `now`, deleted_at = null (explicitly: a stored document always holds every column).
 */
export const insertDocument = (bson: Bson, model: ModelInfo, row: Record<string, unknown>, now: Date): Doc => {
  const doc: Doc = { _id: idOfRow(bson, model, row) }
  for (const f of model.columns) {
    if (model.key.includes(f)) continue
    if (f === model.createdAt || f === model.updatedAt) doc[f.column] = now
    else if (f === model.deletedAt) doc[f.column] = null
    else doc[f.column] = encodeValue(bson, f, row[f.name])
  }
  return doc
}

/** Why a stored value does not fit its field (turned into InvalidRow by `decodeDocument`). */
class Misfit {
  constructor(readonly reason: string) {}
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const int32 = { min: -2_147_483_648, max: 2_147_483_647 } as const
const bsonType = (raw: unknown): string | undefined =>
  typeof raw === "object" && raw !== null ? (raw as { _bsontype?: string })._bsontype : undefined

const kindOf = (raw: unknown): string =>
  Array.isArray(raw) ? "an array" : raw instanceof Date ? "a date" : (bsonType(raw) ?? `a ${typeof raw}`)

const misfit = (raw: unknown, expected: string): never => {
  throw new Misfit(`holds ${kindOf(raw)}, not ${expected}`)
}

const codePointLength = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** A JSON value (as JSON.parse gives): no BSON types, no non-finite numbers. */
const isJson = (raw: unknown, depth = 0): boolean => {
  if (depth > 200) return false
  if (raw === null || typeof raw === "string" || typeof raw === "boolean") return true
  if (typeof raw === "number") return Number.isFinite(raw)
  if (Array.isArray(raw)) return raw.every((x) => isJson(x, depth + 1))
  if (typeof raw !== "object" || bsonType(raw) !== undefined || raw instanceof Date || raw instanceof Uint8Array) {
    return false
  }
  return Object.values(raw).every((x) => isJson(x, depth + 1))
}

const decodeInteger = (raw: unknown): bigint | undefined => {
  if (typeof raw === "bigint") return raw
  if (typeof raw === "number") return Number.isInteger(raw) ? BigInt(raw) : undefined
  return bsonType(raw) === "Long" ? BigInt(String(raw)) : undefined
}

const decodeNumber = (field: Field, raw: unknown): number => {
  const n = typeof raw === "number" ? raw : bsonType(raw) === "Long" ? Number(String(raw)) : misfit(raw, "a number")
  if (!Number.isFinite(n)) throw new Misfit("holds a number that is not finite")
  if (field.kind === "int" && (!Number.isInteger(n) || n < int32.min || n > int32.max)) {
    throw new Misfit("holds a number that is not a 32-bit integer")
  }
  return n
}

const decodeString = (field: Field, raw: unknown): string => {
  if (typeof raw !== "string") return misfit(raw, "a string")
  if (field.kind === "literal" && !field.literals!.includes(raw)) {
    throw new Misfit("holds a value outside the model's literal union")
  }
  if (field.kind === "uuid" && !uuidRe.test(raw)) throw new Misfit("holds text that is not a UUID")
  if (field.maxLength !== undefined && raw.length > field.maxLength && codePointLength(raw) > field.maxLength) {
    throw new Misfit(`holds text longer than the model's maxLength (${field.maxLength})`)
  }
  return raw
}

const decodeDecimal = (field: Field, raw: unknown): BigDecimal.BigDecimal => {
  if (bsonType(raw) !== "Decimal128") return misfit(raw, "a Decimal128")
  const d = BigDecimal.fromString(String(raw))
  if (d._tag === "None") throw new Misfit("holds a decimal that is not a finite number")
  if (field.scale !== undefined && !fitsDecimal(d.value, field.precision!, field.scale)) {
    throw new Misfit(`holds more digits than the model's decimal(${field.precision}, ${field.scale})`)
  }
  return BigDecimal.normalize(d.value)
}

const decodeDate = (field: Field, raw: unknown): Date => {
  if (!(raw instanceof Date) || Number.isNaN(raw.getTime())) return misfit(raw, "a valid date")
  if (field.fractionalDigits !== undefined && !fitsPrecision(raw, field.fractionalDigits)) {
    throw new Misfit(
      `holds more fractional-second digits than the model's dateTime precision (${field.fractionalDigits})`
    )
  }
  if (field.dayOnly === true && !isDayOnly(raw)) throw new Misfit("holds a time of day: the field is dateOnly")
  return raw
}

const decodeVector = (field: Field, raw: unknown): ReadonlyArray<number> => {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new Misfit("holds a value that is not a vector of finite numbers")
  }
  if (raw.length !== field.dimensions)
    throw new Misfit(`holds a vector of ${raw.length} numbers, not ${field.dimensions}`)
  return raw as ReadonlyArray<number>
}

/** A stored (non-null) value → the field's JavaScript value; throws Misfit when it does not fit. */
const decodeValue = (field: Field, raw: unknown): unknown => {
  switch (field.kind) {
    case "string":
    case "literal":
    case "uuid":
      return decodeString(field, raw)
    case "int":
    case "number":
      return decodeNumber(field, raw)
    case "bigint": {
      const b = decodeInteger(raw)
      if (b === undefined) return misfit(raw, "an integer")
      if (b < -(2n ** 63n) || b > 2n ** 63n - 1n) throw new Misfit("holds an integer outside 64 bits")
      return b
    }
    case "boolean":
      return typeof raw === "boolean" ? raw : misfit(raw, "a boolean")
    case "date":
      return decodeDate(field, raw)
    case "decimal":
      return decodeDecimal(field, raw)
    case "bytes":
      if (bsonType(raw) === "Binary") return new Uint8Array((raw as Mongo.Binary).value())
      return raw instanceof Uint8Array ? new Uint8Array(raw) : misfit(raw, "binary data")
    case "json":
      if (!isJson(raw)) throw new Misfit("holds a value JSON cannot hold")
      return raw
    case "vector":
      return decodeVector(field, raw)
  }
}

const nullReason =
  "is null or missing in the database, but the model requires a value (declare it Schema.NullOr(...) or Schema.optional(...))"

const keyOf = (model: ModelInfo, out: Record<string, unknown>): unknown => {
  if (!model.key.every((f) => f.name in out)) return undefined
  return model.key.length === 1
    ? out[model.key[0]!.name]
    : Object.fromEntries(model.key.map((f) => [f.name, out[f.name]]))
}

const rawOf = (model: ModelInfo, doc: Doc, field: Field): unknown => {
  if (!model.key.includes(field)) return doc[field.column]
  if (model.key.length === 1) return doc["_id"]
  const id = doc["_id"]
  return typeof id === "object" && id !== null ? (id as Doc)[field.column] : undefined
}

/** Decodes one stored document (see `documentDecoder`). */
export type DocumentDecoder = (doc: Doc) => Record<string, unknown>

/**
 * A decoder of stored documents → records of `fields` (default: every column), planned once per
 * model and field list: the key from `_id`, the rest from their columns. Null or missing in an
 * optional, non-nullable field leaves the property absent, in a nullable field is `null`, elsewhere
 * InvalidRow; so is a value of the wrong type, outside a literal union, longer than maxLength, …
 * (as the SQL codec). The key fields are decoded first so InvalidRow names the document's key; a
 * key field not among `fields` is left out of the record.
 */
export const documentDecoder = (model: ModelInfo, fields: ReadonlyArray<Field> = model.columns): DocumentDecoder => {
  const ordered = [...model.key, ...fields.filter((f) => !model.key.includes(f))]
  const unread = model.key.filter((f) => !fields.includes(f))
  return (doc) => {
    const out: Record<string, unknown> = {}
    for (const field of ordered) {
      const raw = rawOf(model, doc, field)
      if (raw === null || raw === undefined) {
        if (field.nullable) out[field.name] = null
        else if (!field.optional) throw invalidRow(model, field, nullReason, out)
        continue
      }
      try {
        out[field.name] = decodeValue(field, raw)
      } catch (e) {
        if (e instanceof Misfit) throw invalidRow(model, field, e.reason, out)
        throw e
      }
    }
    for (const f of unread) delete out[f.name]
    return out
  }
}

/** One stored document → a record of `fields` (see `documentDecoder`, which plans once for many documents). */
export const decodeDocument = (
  model: ModelInfo,
  doc: Doc,
  fields: ReadonlyArray<Field> = model.columns
): Record<string, unknown> => documentDecoder(model, fields)(doc)

const invalidRow = (model: ModelInfo, field: Field, reason: string, decoded: Record<string, unknown>) => {
  const key = keyOf(model, decoded)
  return new InvalidRow({ model: model.name, field: field.name, ...(key !== undefined ? { key } : {}), reason })
}
