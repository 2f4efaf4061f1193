/**
 * Whether a column type change widens (every stored value still fits, unchanged) or narrows (a
 * value can be rejected, cut or rounded), read from the normalized live spellings of both types,
 * and what a narrowing checks existing rows for: the bound of the new type, text that is not a
 * number, or — where no portable check exists — any stored value at all.
 *
 * @since 0.1.0
 */

/** The direction of a type change. */
export type TypeChange = "same" | "widening" | "narrowing"

interface Parsed {
  readonly base: string
  readonly args: ReadonlyArray<number>
}

const parse = (t: string): Parsed | undefined => {
  const m = /^([a-z ]+?)\s*(?:\(([\d, ]*)\))?(\s+with(?:out)? time zone)?$/.exec(t.trim().toLowerCase())
  if (m === null) return undefined
  return { base: `${m[1]}${m[3] ?? ""}`, args: m[2] === undefined ? [] : m[2].split(",").map((a) => Number(a.trim())) }
}

// integer types by the largest magnitude they hold
const integerBound: Record<string, bigint> = {
  tinyint: 127n,
  smallint: 32767n,
  mediumint: 8388607n,
  int: 2147483647n,
  integer: 2147483647n,
  bigint: 9223372036854775807n
}
const integerDigits = (base: string) => String(integerBound[base]).length

const unboundedText = new Set(["text", "longtext", "mediumtext", "clob"])
const boundedString = new Set([
  "varchar",
  "character varying",
  "nvarchar",
  "char",
  "character",
  "nchar",
  "native character",
  "varying character"
])
const decimals = new Set(["numeric", "decimal"])
const floats: Record<string, number> = { real: 1, float: 1, double: 2, "double precision": 2 }

/** A string type's length bound (Infinity: none); undefined when not a string type. */
const stringLength = (p: Parsed): number | undefined => {
  if (unboundedText.has(p.base)) return Infinity
  if (p.base === "tinytext") return 255
  if (boundedString.has(p.base)) return p.args[0] ?? (p.base.includes("char") && !p.base.includes("var") ? 1 : Infinity)
  return undefined
}

/** Digits before and after the point of a decimal type (unbounded when it has no precision). */
const decimalShape = (p: Parsed): { int: number; scale: number } =>
  p.args.length === 0
    ? { int: Infinity, scale: Infinity }
    : { int: p.args[0]! - (p.args[1] ?? 0), scale: p.args[1] ?? 0 }

/** Fractional digits a timestamp keeps: its argument, else 6 for `timestamp` (PostgreSQL) and 0 for `datetime`. */
const fraction = (p: Parsed) => p.args[0] ?? (p.base.startsWith("timestamp") ? 6 : 0)

const widensIf = (ok: boolean): TypeChange => (ok ? "widening" : "narrowing")

/** Whether changing a column from `from` to `to` (normalized live spellings) widens or narrows it. */
export const typeChange = (from: string, to: string): TypeChange => {
  if (from === to) return "same"
  const f = parse(from)
  const t = parse(to)
  if (f === undefined || t === undefined) return "narrowing"
  const fs = stringLength(f)
  const ts = stringLength(t)
  if (fs !== undefined && ts !== undefined) return widensIf(ts >= fs)
  const fi = integerBound[f.base]
  const ti = integerBound[t.base]
  if (fi !== undefined && ti !== undefined) return widensIf(ti >= fi)
  if (fi !== undefined && decimals.has(t.base)) return widensIf(decimalShape(t).int >= integerDigits(f.base))
  // a double holds integers exactly up to 2^53: every INT, not every BIGINT
  if (fi !== undefined && floats[t.base] !== undefined)
    return widensIf((f.base !== "bigint" && floats[t.base] === 2) || fi <= 8388607n)
  if (decimals.has(f.base) && decimals.has(t.base)) {
    const a = decimalShape(f)
    const b = decimalShape(t)
    return widensIf(b.int >= a.int && b.scale >= a.scale)
  }
  if (floats[f.base] !== undefined && floats[t.base] !== undefined) return widensIf(floats[t.base]! >= floats[f.base]!)
  const stamp = /^(timestamp|datetime)/
  if (stamp.test(f.base) && stamp.test(t.base)) {
    const zone = (p: Parsed) => p.base.endsWith("with time zone")
    return widensIf(zone(f) === zone(t) && fraction(t) >= fraction(f))
  }
  return "narrowing"
}

/** Whether changing `from` to `to` can lose or reject stored values. */
export const isNarrowing = (from: string, to: string): boolean => typeChange(from, to) === "narrowing"

/** The values a type admits, where what a narrowing rejects can be found portably. */
export type TypeBound =
  /** Strings of at most `max` characters. */
  | { readonly kind: "length"; readonly max: number }
  /** Integers from `-(max + 1)` to `max`. */
  | { readonly kind: "integer"; readonly max: bigint }
  /** Decimals with at most `integerDigits` digits before the point. */
  | { readonly kind: "decimal"; readonly integerDigits: number }

/**
 * The bound of `type` a narrowing to it checks existing rows against: longer strings, integers or
 * decimals out of range. Undefined otherwise (a change of family is refused as destructive;
 * allowDestructive takes the risk).
 */
export const typeBound = (type: string): TypeBound | undefined => {
  const t = parse(type)
  if (t === undefined) return undefined
  const len = stringLength(t)
  if (len !== undefined) return Number.isFinite(len) ? { kind: "length", max: len } : undefined
  const bound = integerBound[t.base]
  if (bound !== undefined) return { kind: "integer", max: bound }
  if (decimals.has(t.base)) {
    const { int } = decimalShape(t)
    return Number.isFinite(int) ? { kind: "decimal", integerDigits: int } : undefined
  }
  return undefined
}

/** What a type's values are, as far as converting them goes. */
type Family = "string" | "integer" | "decimal" | "float" | "timestamp" | "other"

const familyOf = (p: Parsed | undefined): Family => {
  if (p === undefined) return "other"
  if (stringLength(p) !== undefined) return "string"
  if (integerBound[p.base] !== undefined) return "integer"
  if (decimals.has(p.base)) return "decimal"
  if (floats[p.base] !== undefined) return "float"
  return /^(timestamp|datetime)/.test(p.base) ? "timestamp" : "other"
}

/**
 * What a narrowing from one type to another must find among the stored values before it runs, so
 * that it never fails half-way (src/sql/migrations/Precheck.ts turns it into a condition).
 */
export type Conversion =
  /** Every value converts (perhaps rounded or cut: that makes the change destructive, not a failure). */
  | { readonly kind: "converts" }
  /** Values outside `bound` fail; `fromText`: the values are text already (else their text form is measured). */
  | { readonly kind: "bounded"; readonly bound: TypeBound; readonly fromText: boolean }
  /** Text that is not a number (`literal`) fails, and so does a number outside `bound`. */
  | { readonly kind: "numericText"; readonly literal: "integer" | "decimal" | "float"; readonly bound?: TypeBound }
  /** A value may fail, and which cannot be known portably: any stored value is one the change cannot be trusted with. */
  | { readonly kind: "unchecked" }

const converts: Conversion = { kind: "converts" }
const unchecked: Conversion = { kind: "unchecked" }

/** What the stored values must be checked for before a column changes from `from` to `to` (normalized live spellings). */
export const conversionOf = (from: string, to: string): Conversion => {
  const f = familyOf(parse(from))
  const t = familyOf(parse(to))
  const bound = typeBound(to)
  const numeric = f === "integer" || f === "decimal" || f === "float"
  switch (t) {
    case "string":
      return bound !== undefined ? { kind: "bounded", bound, fromText: f === "string" } : converts
    case "integer":
    case "decimal":
      if (numeric) return bound !== undefined ? { kind: "bounded", bound, fromText: false } : converts
      return f === "string" ? { kind: "numericText", literal: t, ...(bound !== undefined ? { bound } : {}) } : unchecked
    case "float":
      return numeric ? converts : f === "string" ? { kind: "numericText", literal: "float" } : unchecked
    case "timestamp":
      return f === "timestamp" ? converts : unchecked
    case "other":
      // PostgreSQL's json to jsonb: any stored json is valid jsonb
      return from.trim().toLowerCase() === "json" && to.trim().toLowerCase() === "jsonb" ? converts : unchecked
  }
}
