/**
 * Values every supported database stores exactly: the limits, and the check that refuses a value
 * outside them before any SQL.
 *
 * @since 0.1.0
 */
import { BigDecimal, Either } from "effect"
import { ValidationError } from "../Errors.js"
import type { Field } from "./Field.js"

/**
 * What every supported database stores exactly. A value outside these limits is refused with
 * ValidationError on every database (before any SQL), rather than being stored on one database,
 * rejected by another and silently altered by a third.
 */
export const storageLimits = {
  /** Int is INTEGER/INT: 32-bit. */
  int: { min: -2_147_483_648, max: 2_147_483_647 },
  /** BigInt is BIGINT: 64-bit. */
  bigint: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  /** MySQL's DATETIME range; SQLite's ISO-8601 text orders correctly only with 4-digit years. */
  date: { min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) },
  /** MySQL's DECIMAL(65,30): 35 digits before the point, 30 after (more would be rounded silently). */
  decimal: { integerDigits: 35, fractionDigits: 30 },
  /** A string in a key or index without Schema.maxLength is VARCHAR(255) on MySQL (code points). */
  keyedStringLength: 255,
  /** MariaDB refuses JSON nested deeper than this many arrays/objects. */
  jsonDepth: 31
} as const

interface Problem {
  readonly path: string
  readonly reason: string
}

const nul = "\u0000"
const nulReason =
  "contains the character U+0000, which PostgreSQL cannot store in text; use a Uint8Array field for binary data"

const jsonProblem = (value: unknown, path: string, depth: number): Problem | undefined => {
  switch (typeof value) {
    case "string":
      return value.includes(nul) ? { path, reason: nulReason } : undefined
    case "number":
      return Number.isFinite(value)
        ? undefined
        : { path, reason: "must be a finite number: JSON has no NaN or Infinity" }
    case "boolean":
      return undefined
    case "object": {
      if (value === null) return undefined
      if (depth >= storageLimits.jsonDepth) {
        return {
          path,
          reason: `nests arrays/objects more than ${storageLimits.jsonDepth} levels deep (MariaDB's JSON limit)`
        }
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = jsonProblem(value[i], `${path}.${i}`, depth + 1)
          if (p !== undefined) return p
        }
        return undefined
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        return {
          path,
          reason: "must be a plain object, array or JSON scalar (a class instance does not read back as itself)"
        }
      }
      for (const [k, v] of Object.entries(value)) {
        if (k.includes(nul)) return { path, reason: nulReason }
        if (v === undefined) continue
        const p = jsonProblem(v, `${path}.${k}`, depth + 1)
        if (p !== undefined) return p
      }
      return undefined
    }
    default:
      return { path, reason: `a ${typeof value} cannot be stored in JSON` }
  }
}

const codePoints = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff || i + 1 === s.length) n++
    else {
      const d = s.charCodeAt(i + 1)
      n++
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
  }
  return n
}

/**
 * Why a (schema-valid, non-null) value cannot be stored exactly in the field's column on every
 * database, or undefined. `keyed`: the field is the id or part of a unique key or index.
 */
export const storageProblem = (field: Field, value: unknown, keyed: boolean): Problem | undefined => {
  const path = field.name
  switch (field.kind) {
    case "string":
    case "literal":
    case "uuid": {
      const s = value as string
      if (s.includes(nul)) return { path, reason: nulReason }
      if (
        keyed &&
        field.kind === "string" &&
        field.maxLength === undefined &&
        s.length > storageLimits.keyedStringLength &&
        codePoints(s) > storageLimits.keyedStringLength
      ) {
        return {
          path,
          reason:
            `is longer than ${storageLimits.keyedStringLength} characters, the most a key or indexed string holds; ` +
            "declare Schema.maxLength(n) for more"
        }
      }
      return undefined
    }
    case "int": {
      const n = value as number
      return n < storageLimits.int.min || n > storageLimits.int.max
        ? { path, reason: "is outside the 32-bit range of an Int column; use Schema.BigInt for larger integers" }
        : undefined
    }
    case "bigint": {
      const n = value as bigint
      return n < storageLimits.bigint.min || n > storageLimits.bigint.max
        ? { path, reason: "is outside the 64-bit range of a BIGINT column" }
        : undefined
    }
    case "number":
      return Number.isFinite(value as number)
        ? undefined
        : { path, reason: "must be a finite number: NaN and Infinity cannot be stored on every database" }
    case "date": {
      const t = (value as Date).getTime()
      if (Number.isNaN(t)) return { path, reason: "is an invalid Date" }
      return t < storageLimits.date.min || t > storageLimits.date.max
        ? { path, reason: "must be from 1000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z" }
        : undefined
    }
    case "decimal": {
      const d = BigDecimal.normalize(value as BigDecimal.BigDecimal)
      const digits = (d.value < 0n ? -d.value : d.value).toString().length
      const fraction = Math.max(0, d.scale)
      const integer = Math.max(0, digits - d.scale)
      return fraction > storageLimits.decimal.fractionDigits ||
        (d.value !== 0n && integer > storageLimits.decimal.integerDigits)
        ? {
            path,
            reason:
              `must have at most ${storageLimits.decimal.integerDigits} digits before the point and ` +
              `${storageLimits.decimal.fractionDigits} after it (MySQL's DECIMAL(65,30))`
          }
        : undefined
    }
    case "json":
      return jsonProblem(value, path, 0)
    case "boolean":
    case "bytes":
      return undefined
  }
}

/**
 * Wraps a Schema validator so that values no database could store exactly fail ValidationError too
 * (see `storageLimits`). `keyed`: names of the id and of fields in unique keys or indexes.
 */
export const checkStorable =
  <A extends Record<string, unknown>>(
    model: string,
    fields: ReadonlyArray<Field>,
    keyed: ReadonlySet<string>,
    validate: (input: unknown) => Either.Either<A, ValidationError>
  ) =>
  (input: unknown): Either.Either<A, ValidationError> =>
    Either.flatMap(validate(input), (value) => {
      for (const field of fields) {
        const v = value[field.name]
        if (v === undefined || v === null) continue
        const problem = storageProblem(field, v, keyed.has(field.name))
        if (problem !== undefined)
          return Either.left(new ValidationError({ model, path: problem.path, reason: problem.reason }))
      }
      return Either.right(value)
    })
