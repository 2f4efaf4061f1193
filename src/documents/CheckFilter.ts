/**
 * `checkFilter`: a MongoDB query document of the supported subset (docs/documents.md, "Filters")
 * checked into the filter IR (src/documents/FilterIR.ts). Outside the subset: UnsupportedFeature
 * naming the operator; malformed: ValidationError naming the path.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { portableRegex, RegexError } from "../query/Regex.js"
import { type CheckError, documentLimits, fail, isPlainObject, kindOf, run, unsupported } from "./CheckValues.js"
import { type FieldTest, type FilterIR, type Scalar, toMongoQuery } from "./FilterIR.js"
import { foldCase } from "./FoldCase.js"

export type { FieldTest, FilterIR, Scalar } from "./FilterIR.js"

interface Ctx {
  readonly dialect: string
  nodes: number
}

const fieldOps = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex"])
const moreFieldOps = new Set(["$options", "$size", "$all", "$not"])

/** A dot path split into segments: non-empty, no `$` start, no NUL, no quote or backslash. */
export const splitPath = (path: string, at: string = path): ReadonlyArray<string> => {
  const segments = path.split(".")
  for (const s of segments) {
    if (s === "") fail(at, "is a path with an empty segment")
    if (s.startsWith("$")) fail(at, "is a path with a segment starting with $")
    if (/["\\\0]/.test(s)) fail(at, "is a path with a quote, backslash or NUL")
  }
  if (segments.length > documentLimits.queryDepth) fail(at, `is a path deeper than ${documentLimits.queryDepth}`)
  return segments
}

const count = (ctx: Ctx, at: string, n = 1) => {
  ctx.nodes += n
  if (ctx.nodes > documentLimits.queryNodes) fail(at, `the filter holds more than ${documentLimits.queryNodes} nodes`)
}

const scalar = (ctx: Ctx, at: string, op: string, v: unknown): Scalar => {
  if (typeof v === "string") return v.includes("\0") ? fail(at, `${op} value holds NUL`) : v
  if (typeof v === "number") return Number.isFinite(v) ? v : fail(at, `${op} expects a finite number`)
  if (typeof v === "boolean" || v === null) return v
  if (Array.isArray(v)) return unsupported(ctx.dialect, `${op} with an array value`)
  if (isPlainObject(v)) return unsupported(ctx.dialect, `${op} with an object value`)
  return fail(at, `${op} expects a JSON scalar, got ${kindOf(v)}`)
}

const list = (ctx: Ctx, at: string, op: string, v: unknown): ReadonlyArray<Scalar> => {
  if (!Array.isArray(v)) return fail(at, `${op} expects an array, got ${kindOf(v)}`)
  if (v.length > documentLimits.inValues) fail(at, `${op} takes at most ${documentLimits.inValues} values`)
  count(ctx, at, v.length)
  return v.map((x) => scalar(ctx, at, op, x))
}

const regexTest = (ctx: Ctx, at: string, pattern: unknown, options: unknown): FieldTest => {
  if (pattern instanceof RegExp) return unsupported(ctx.dialect, "$regex as a RegExp object (give a string)")
  if (typeof pattern !== "string") return fail(at, `$regex expects a string, got ${kindOf(pattern)}`)
  if (pattern.length > documentLimits.patternLength)
    fail(at, `$regex pattern is longer than ${documentLimits.patternLength}`)
  if (options !== undefined && typeof options !== "string") fail(at, "$options expects a string")
  const opts = (options as string | undefined) ?? ""
  for (const o of opts) if (o !== "i") unsupported(ctx.dialect, `$regex option ${o}`)
  try {
    portableRegex(pattern)
    return { op: "regex", pattern: portableRegex(opts.includes("i") ? foldCase(pattern) : pattern) }
  } catch (e) {
    if (e instanceof RegexError) return fail(at, `$regex pattern ${e.message}`)
    throw e
  }
}

const operatorTest = (ctx: Ctx, at: string, op: string, v: unknown, all: Record<string, unknown>): FieldTest => {
  count(ctx, at)
  switch (op) {
    case "$eq":
      return { op: "eq", value: scalar(ctx, at, op, v) }
    case "$ne":
      return { op: "not", test: { op: "eq", value: scalar(ctx, at, op, v) } }
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      if (typeof v === "string" && !v.includes("\0")) return { op: op.slice(1) as "gt", value: v }
      if (typeof v === "number" && Number.isFinite(v)) return { op: op.slice(1) as "gt", value: v }
      return fail(at, `${op} expects a string or a finite number, got ${kindOf(v)}`)
    case "$in":
      return { op: "in", values: list(ctx, at, op, v) }
    case "$nin":
      return { op: "not", test: { op: "in", values: list(ctx, at, op, v) } }
    case "$exists":
      return typeof v === "boolean" ? { op: "exists", value: v } : fail(at, "$exists expects a boolean")
    case "$regex":
      return regexTest(ctx, at, v, all["$options"])
    case "$options":
      return "$regex" in all ? { op: "and", tests: [] } : fail(at, "$options without $regex")
    case "$size":
      return typeof v === "number" && Number.isInteger(v) && v >= 0
        ? { op: "size", value: v }
        : fail(at, "$size expects a non-negative integer")
    case "$all": {
      const values = list(ctx, at, op, v)
      return values.length === 0
        ? { op: "in", values: [] }
        : { op: "and", tests: values.map((value) => ({ op: "eq", value })) }
    }
    case "$not":
      if (!isPlainObject(v) || Object.keys(v).length === 0 || !Object.keys(v).every((k) => k.startsWith("$"))) {
        return fail(at, "$not expects an object of operators")
      }
      return { op: "not", test: operatorsTest(ctx, at, v) }
    default:
      return unsupported(ctx.dialect, `filter operator ${op}`)
  }
}

const operatorsTest = (ctx: Ctx, at: string, ops: Record<string, unknown>): FieldTest => {
  const tests = Object.entries(ops)
    .filter(([op]) => op !== "$options" || !("$regex" in ops))
    .map(([op, v]) =>
      fieldOps.has(op) || moreFieldOps.has(op)
        ? operatorTest(ctx, at, op, v, ops)
        : unsupported(ctx.dialect, `filter operator ${op}`)
    )
  return tests.length === 1 ? tests[0]! : { op: "and", tests }
}

const fieldFilter = (ctx: Ctx, path: string, v: unknown): FilterIR => {
  const segments = splitPath(path)
  if (isPlainObject(v)) {
    const keys = Object.keys(v)
    const ops = keys.filter((k) => k.startsWith("$"))
    if (ops.length > 0 && ops.length < keys.length) fail(path, "mixes operators and fields in one object")
    if (ops.length === 0) return unsupported(ctx.dialect, "equality with an object value")
    return { _tag: "Field", path: segments, test: operatorsTest(ctx, path, v) }
  }
  if (v instanceof RegExp) return unsupported(ctx.dialect, "a RegExp value (use $regex)")
  count(ctx, path)
  return { _tag: "Field", path: segments, test: { op: "eq", value: scalar(ctx, path, "equality", v) } }
}

const logical = (ctx: Ctx, at: string, op: "$and" | "$or" | "$nor", v: unknown, depth: number): FilterIR => {
  if (!Array.isArray(v) || v.length === 0) return fail(at, `${op} expects a non-empty array of filters`)
  const items = v.map((f, i) => document(ctx, `${at}.${i}`, f, depth + 1))
  return { _tag: op === "$and" ? "And" : op === "$or" ? "Or" : "Nor", items }
}

const document = (ctx: Ctx, at: string, filter: unknown, depth: number): FilterIR => {
  if (depth > documentLimits.queryDepth) fail(at, `nests deeper than ${documentLimits.queryDepth}`)
  if (!isPlainObject(filter)) return fail(at, `must be an object, got ${kindOf(filter)}`)
  const items = Object.entries(filter).flatMap(([key, v]): ReadonlyArray<FilterIR> => {
    if (v === undefined) return []
    const here = at === "filter" ? key : `${at}.${key}`
    if (key === "$and" || key === "$or" || key === "$nor") return [logical(ctx, here, key, v, depth)]
    if (key.startsWith("$")) return unsupported(ctx.dialect, `filter operator ${key}`)
    return [fieldFilter(ctx, key, v)]
  })
  return items.length === 0 ? { _tag: "Const", value: true } : items.length === 1 ? items[0]! : { _tag: "And", items }
}

/** The pure form of `checkFilter`: throws. */
export const checkFilterSync = (filter: unknown, dialect = "any"): FilterIR =>
  filter === undefined ? { _tag: "Const", value: true } : document({ dialect, nodes: 0 }, "filter", filter, 1)

/**
 * Checks a MongoDB query document of the subset: implicit equality, `$eq $ne $gt $gte $lt $lte $in
 * $nin $exists $regex` (portable patterns, option `i` only) `$size $all $and $or $nor $not`, dot
 * paths. Returns the filter IR and its normalized MongoDB query document.
 *
 * ```ts
 * const { ir, query } = yield* checkFilter({ status: "done", amount: { $gte: 10 } })
 * ```
 */
export const checkFilter = (
  filter: unknown,
  dialect = "any"
): Effect.Effect<{ readonly ir: FilterIR; readonly query: Record<string, unknown> }, CheckError> =>
  run(() => {
    const ir = checkFilterSync(filter, dialect)
    return { ir, query: toMongoQuery(ir) }
  })
