/**
 * Filters checked into the intermediate representation the compiler reads (src/query/Expr.ts); the
 * typed input users write is src/query/FilterTypes.ts (the public `Filter` namespace).
 *
 * ```ts
 * User.list({ filter: { age: { $gte: 18 }, $or: [{ name: { $startsWith: "A" } }, { active: false }] } })
 * ```
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"
import { ValidationError } from "../Errors.js"
import type { Field } from "../model/Field.js"
import { storageLimits } from "../model/Storable.js"
import type { Expr, PathAs, Target } from "./Expr.js"
import { portableRegex, RegexError } from "./Regex.js"

export type { FieldFilter, Filter, Operators } from "./FilterTypes.js"

export type { Expr, PathAs, Target } from "./Expr.js"

/** Caps that keep one filter from becoming an unbounded statement. */
export const limits = { depth: 16, nodes: 512, inValues: 10_000, patternLength: 1_000 } as const

const operators = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$like",
  "$ilike",
  "$regex",
  "$exists",
  "$null",
  "$contains",
  "$startsWith"
])
const cmpOps = { $eq: "=", $ne: "<>", $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" } as const
const pathSegment = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}|\d{1,6})$/

/** Escapes `%`, `_` and `\` so a value matches literally inside a LIKE pattern with `\` as escape. */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The range of an Int column (INTEGER / INT are 32-bit on PostgreSQL and MySQL). */
const int32 = { min: -2_147_483_648, max: 2_147_483_647 } as const
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n } as const
/** The instants every dialect stores and compares alike (0001-01-01 to 9999-12-31, UTC). */
const dateRange = {
  min: new Date("0001-01-01T00:00:00.000Z").getTime(),
  max: new Date("9999-12-31T23:59:59.999Z").getTime()
} as const
const uuidRe = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
/** A user-given key as it may appear in an error path. */
const shown = (key: string) => (key.length > 64 ? `${key.slice(0, 64)}…` : key)

interface Ctx {
  readonly model: string
  readonly fields: ReadonlyMap<string, Field>
  nodes: number
}

const fail = (ctx: Ctx, path: string, reason: string): never => {
  throw new ValidationError({ model: ctx.model, path, reason })
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" &&
  u !== null &&
  !Array.isArray(u) &&
  !(u instanceof Date) &&
  !(u instanceof Uint8Array) &&
  !BigDecimal.isBigDecimal(u)

const kindOfValue = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : v instanceof Date ? "date" : typeof v

/** Checks a value against the column kind; names the kind, never the value. */
const checkValue = (ctx: Ctx, path: string, op: string, field: Field, v: unknown, as?: PathAs): unknown => {
  const bad = (expected: string) => fail(ctx, path, `${op} expects ${expected}, got ${kindOfValue(v)}`)
  if (as !== undefined) {
    if (typeof v !== (as === "text" ? "string" : as)) bad(`a ${as === "text" ? "string" : as}`)
    if (as === "number" && !Number.isFinite(v)) bad("a finite number")
    return as === "text" ? noNul(ctx, path, op, v as string) : v
  }
  switch (field.kind) {
    case "string":
    case "literal":
      return typeof v === "string" ? noNul(ctx, path, op, v) : bad("a string")
    case "uuid":
      // PostgreSQL's uuid type would fail the statement on anything else; MySQL/SQLite would not match
      return typeof v === "string" && uuidRe.test(v) ? v : bad("a UUID (8-4-4-4-12 hex digits)")
    case "int":
      return typeof v === "number" && Number.isInteger(v) && v >= int32.min && v <= int32.max
        ? v
        : bad(`an integer from ${int32.min} to ${int32.max}`)
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? v : bad("a finite number")
    case "bigint": {
      // BIGINT is 64-bit everywhere; PostgreSQL and SQLite would fail the statement, MySQL would not
      const b = typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined
      return b !== undefined && b >= int64.min && b <= int64.max ? b : bad("a bigint from -2^63 to 2^63-1")
    }
    case "boolean":
      return typeof v === "boolean" ? v : bad("a boolean")
    case "date":
      // outside years 1–9999 SQLite's ISO text no longer sorts, PostgreSQL rejects it, MySQL errs or wraps
      return v instanceof Date && v.getTime() >= dateRange.min && v.getTime() <= dateRange.max
        ? v
        : bad("a valid Date from year 1 to 9999")
    case "decimal":
      return BigDecimal.isBigDecimal(v) ? withinStorable(v) : bad("a BigDecimal")
    case "bytes":
      return v instanceof Uint8Array ? v : bad("a Uint8Array")
    case "json":
      return fail(ctx, path, `${op} cannot compare a whole JSON field; filter on a path such as "${field.name}.key"`)
    case "vector":
      return fail(ctx, path, `${op} cannot compare vectors; search them with vectorSearch`)
  }
}

// A stored decimal has at most 35 digits before the point (storageLimits), so it lies strictly
// between -10^35 and 10^35: a bound beyond that compares with every stored value as ±10^35 does,
// for every operator. Clamping it keeps numbers no database reads back (MySQL truncated a
// 100,001-digit bound to nonsense, SQLite's sort key had no room for it) out of the SQL.
const storableEdge = BigDecimal.make(10n ** BigInt(storageLimits.decimal.integerDigits), 0)
const withinStorable = (v: BigDecimal.BigDecimal): BigDecimal.BigDecimal =>
  BigDecimal.greaterThan(BigDecimal.abs(v), storableEdge)
    ? BigDecimal.isNegative(v)
      ? BigDecimal.negate(storableEdge)
      : storableEdge
    : v

/** PostgreSQL text cannot hold U+0000 (the statement would fail there and run elsewhere). */
const noNul = (ctx: Ctx, path: string, op: string, v: string): string =>
  v.includes("\u0000") ? fail(ctx, path, `${op} values cannot contain U+0000`) : v

const pathAsOf = (v: unknown): PathAs | undefined =>
  typeof v === "string" ? "text" : typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : undefined

/** `key` is the filter key (`name`, `profile.city`); `at` is where it sits in the filter, for errors. */
const resolveTarget = (ctx: Ctx, key: string, at: string): Target => {
  const dot = key.indexOf(".")
  const name = dot === -1 ? key : key.slice(0, dot)
  const field = ctx.fields.get(name)
  if (field === undefined) return fail(ctx, at, "is not a field of the model")
  if (dot === -1) return { field }
  if (field.kind !== "json") return fail(ctx, at, "a dotted path needs a JSON field")
  const path = key.slice(dot + 1).split(".")
  if (path.length > 16 || !path.every((s) => pathSegment.test(s))) {
    return fail(ctx, at, "path segments must be identifiers or array indexes")
  }
  return { field, path }
}

const stringOnly = (ctx: Ctx, at: string, op: string, target: Target, v: unknown): string => {
  const k = target.field.kind
  if (target.path === undefined && k !== "string" && k !== "uuid" && k !== "literal") {
    fail(ctx, at, `${op} needs a string field, not ${k}`)
  }
  if (typeof v !== "string") fail(ctx, at, `${op} expects a string, got ${kindOfValue(v)}`)
  if ((v as string).length > limits.patternLength) fail(ctx, at, `${op} pattern is longer than ${limits.patternLength}`)
  return noNul(ctx, at, op, v as string)
}

/** A LIKE pattern with `\` as escape: a trailing lone `\` is an error on PostgreSQL, literal on MySQL. */
const likePattern = (ctx: Ctx, at: string, op: string, pattern: string): string => {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") {
      if (i === pattern.length - 1) fail(ctx, at, `${op} pattern ends with a lone escape character \\`)
      i++
    }
  }
  return pattern
}

const fieldExpr = (ctx: Ctx, key: string, at: string, spec: unknown): Expr => {
  const target = resolveTarget(ctx, key, at)
  if (spec === null) return { _tag: "IsNull", target }
  if (!isPlainObject(spec)) return opExpr(ctx, at, target, "$eq", spec)
  const ops = Object.keys(spec)
  if (ops.length === 0) return fail(ctx, at, "has an empty operator object")
  if (target.field.kind === "json" && target.path === undefined && ops.some((op) => !op.startsWith("$"))) {
    return fail(ctx, at, `cannot compare a whole JSON field; filter on a path such as "${target.field.name}.key"`)
  }
  const items = ops.map((op) => {
    const opAt = `${at}.${shown(op)}`
    if (!operators.has(op)) return fail(ctx, opAt, "is not a filter operator")
    return opExpr(ctx, opAt, target, op, spec[op])
  })
  return items.length === 1 ? items[0]! : { _tag: "And", items }
}

/** `$eq` / `$ne`: a comparison, or IS NULL for null. */
const equalityExpr = (ctx: Ctx, key: string, target: Target, op: "$eq" | "$ne", v: unknown): Expr => {
  if (v === null) {
    const isNull: Expr = { _tag: "IsNull", target }
    return op === "$eq" ? isNull : { _tag: "Not", item: isNull }
  }
  const as =
    target.path !== undefined
      ? (pathAsOf(v) ?? fail(ctx, key, `${op} on a path expects a string, number or boolean`))
      : undefined
  const value = checkValue(ctx, key, op, target.field, v, as)
  const cmp: Expr = { _tag: "Cmp", target, op: "=", value, ...(as ? { as } : {}) }
  // $ne is NOT (=); Not is two-valued (see the compiler): rows where the column is NULL are "not equal" too
  return op === "$eq" ? cmp : { _tag: "Not", item: cmp }
}

/** `$in` / `$nin`: at most `limits.inValues` values; an empty list is a constant. */
const inExpr = (ctx: Ctx, key: string, target: Target, op: "$in" | "$nin", v: unknown): Expr => {
  if (!Array.isArray(v)) return fail(ctx, key, `${op} expects an array, got ${kindOfValue(v)}`)
  if (v.length > limits.inValues) return fail(ctx, key, `${op} takes at most ${limits.inValues} values`)
  if (v.length === 0) return { _tag: "Const", value: op === "$nin" }
  const as =
    target.path !== undefined
      ? (pathAsOf(v[0]) ?? fail(ctx, key, `${op} on a path expects strings, numbers or booleans`))
      : undefined
  const values = v.map((x) => checkValue(ctx, key, op, target.field, x, as))
  const expr: Expr = { _tag: "In", target, values, ...(as ? { as } : {}) }
  return op === "$in" ? expr : { _tag: "Not", item: expr }
}

/** `$regex`: the portable subset only (src/query/Regex.ts). */
const regexExpr = (ctx: Ctx, key: string, target: Target, op: string, v: unknown): Expr => {
  const source = stringOnly(ctx, key, op, target, v)
  let pattern: string
  try {
    pattern = portableRegex(source)
  } catch (e) {
    return fail(ctx, key, `$regex ${e instanceof RegexError ? e.message : "is not a valid regular expression"}`)
  }
  return { _tag: "Regex", target, pattern }
}

/** `$contains`: an element of a JSON array field, else a substring. */
const containsExpr = (ctx: Ctx, key: string, target: Target, op: string, v: unknown): Expr => {
  if (target.field.kind === "json" && target.path === undefined) {
    if (target.field.jsonArray !== true) return fail(ctx, key, "$contains needs an array field")
    if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) {
      return fail(ctx, key, `$contains on an array expects a string or number element, got ${kindOfValue(v)}`)
    }
    return { _tag: "JsonHas", target, value: v }
  }
  return {
    _tag: "Like",
    target,
    pattern: `%${escapeLike(stringOnly(ctx, key, op, target, v))}%`,
    caseInsensitive: false
  }
}

/** `key` here is the error path of the operator (`age.$gt`, or `age` for a bare value). */
const opExpr = (ctx: Ctx, key: string, target: Target, op: string, v: unknown): Expr => {
  ctx.nodes++
  const onPath = target.path !== undefined
  switch (op) {
    case "$eq":
    case "$ne":
      return equalityExpr(ctx, key, target, op, v)
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const as = onPath ? (pathAsOf(v) ?? fail(ctx, key, `${op} on a path expects a string or number`)) : undefined
      if (as === "boolean" || (!onPath && (target.field.kind === "boolean" || target.field.kind === "bytes"))) {
        fail(ctx, key, `${op} does not apply to ${as ?? target.field.kind} values`)
      }
      const value = checkValue(ctx, key, op, target.field, v, as)
      return { _tag: "Cmp", target, op: cmpOps[op], value, ...(as ? { as } : {}) }
    }
    case "$in":
    case "$nin":
      return inExpr(ctx, key, target, op, v)
    case "$null":
    case "$exists": {
      if (typeof v !== "boolean") return fail(ctx, key, `${op} expects a boolean, got ${kindOfValue(v)}`)
      const isNull: Expr = { _tag: "IsNull", target }
      return (op === "$null") === v ? isNull : { _tag: "Not", item: isNull }
    }
    case "$like":
    case "$ilike": {
      const pattern = likePattern(ctx, key, op, stringOnly(ctx, key, op, target, v))
      return { _tag: "Like", target, pattern, caseInsensitive: op === "$ilike" }
    }
    case "$startsWith":
      return {
        _tag: "Like",
        target,
        pattern: `${escapeLike(stringOnly(ctx, key, op, target, v))}%`,
        caseInsensitive: false
      }
    case "$regex":
      return regexExpr(ctx, key, target, op, v)
    case "$contains":
      return containsExpr(ctx, key, target, op, v)
  }
  return fail(ctx, key, "is not a filter operator")
}

const filterExpr = (ctx: Ctx, filter: unknown, path: string, depth: number): Expr => {
  if (depth > limits.depth) return fail(ctx, path, `nests deeper than ${limits.depth}`)
  if (!isPlainObject(filter)) return fail(ctx, path, `a filter must be an object, got ${kindOfValue(filter)}`)
  const items: Array<Expr> = []
  for (const key of Object.keys(filter)) {
    if (++ctx.nodes > limits.nodes) fail(ctx, path, `has more than ${limits.nodes} conditions`)
    const value = filter[key]
    if (value === undefined) continue
    const here = path ? `${path}.${shown(key)}` : shown(key)
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) fail(ctx, here, `${key} expects an array of filters`)
      const parts = (value as Array<unknown>).map((f, i) => filterExpr(ctx, f, `${here}[${i}]`, depth + 1))
      items.push(
        parts.length === 0
          ? { _tag: "Const", value: key === "$and" }
          : { _tag: key === "$and" ? "And" : "Or", items: parts }
      )
    } else if (key === "$not") {
      items.push({ _tag: "Not", item: filterExpr(ctx, value, here, depth + 1) })
    } else if (key.startsWith("$")) {
      fail(ctx, here, "is not a filter operator")
    } else {
      items.push(fieldExpr(ctx, key, here, value))
    }
  }
  return items.length === 1 ? items[0]! : { _tag: "And", items }
}

/** Checks one value against a column's kind (as a filter would); throws ValidationError. */
export const checkFieldValue = (model: string, field: Field, value: unknown): unknown =>
  checkValue({ model, fields: noFields, nodes: 0 }, field.name, "$eq", field, value)

const noFields: ReadonlyMap<string, Field> = new Map()

/**
 * Checks a user filter against a model's fields and returns its IR.
 * Throws ValidationError (unknown field or operator, wrong value kind); callers wrap it in an Effect.
 */
export const toExpr = (model: string, fields: ReadonlyMap<string, Field>, filter: unknown): Expr =>
  filter === undefined ? { _tag: "And", items: [] } : filterExpr({ model, fields, nodes: 0 }, filter, "", 0)

/** True when the filter matches every row (no conditions). */
export const isEmpty = (expr: Expr): boolean => {
  switch (expr._tag) {
    case "Const":
      return expr.value
    case "And":
      return expr.items.every(isEmpty)
    case "Or":
      return expr.items.some(isEmpty)
    case "Not":
      return matchesNothing(expr.item)
    default:
      return false
  }
}

/** True when the filter can match no row whatever the data ({ $in: [] }, { $or: [] }, …). */
const matchesNothing = (expr: Expr): boolean => {
  switch (expr._tag) {
    case "Const":
      return !expr.value
    case "And":
      return expr.items.some(matchesNothing)
    case "Or":
      return expr.items.every(matchesNothing)
    case "Not":
      return isEmpty(expr.item)
    default:
      return false
  }
}
