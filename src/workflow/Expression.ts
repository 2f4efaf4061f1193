/**
 * The JSON-expressible parts of a workflow: a condition's predicate over earlier results and a
 * compute node's expression.
 *
 * ```json
 * { "path": "check_stock.stock", "op": "$gte", "value": "{quantity}" }
 * { "$subtract": [{ "$ref": "check_stock.stock" }, "{quantity}"] }
 * ```
 *
 * Comparisons never coerce: ordering a number against a string, or a missing value, fails the
 * node with ValidationError instead of quietly being false.
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import { getPath, isPlainObject, parsePath } from "./Path.js"

/** A value: a JSON literal (strings may be templates), an array of values, a reference or arithmetic. */
export type Expression =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<Expression>
  | { readonly $ref: string }
  | { readonly $add: ReadonlyArray<Expression> }
  | { readonly $subtract: readonly [Expression, Expression] }
  | { readonly $multiply: ReadonlyArray<Expression> }
  | { readonly $concat: ReadonlyArray<Expression> }

/** Comparison operators of a predicate. */
export type Comparison = "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte" | "$in" | "$nin" | "$exists"

/** A predicate over earlier results: `path` is `<nodeId>.<output path>`. */
export type Predicate =
  | { readonly path: string; readonly op: Comparison; readonly value?: Expression }
  | { readonly $and: ReadonlyArray<Predicate> }
  | { readonly $or: ReadonlyArray<Predicate> }
  | { readonly $not: Predicate }

/** A reference to an earlier node's output. */
export interface Ref {
  readonly node: string
  readonly output: ReadonlyArray<string>
  readonly where: string
}

const comparisons = new Set<string>(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"])
const arithmetic: Record<string, { readonly min: number; readonly max: number }> = {
  $add: { min: 1, max: Infinity },
  $subtract: { min: 2, max: 2 },
  $multiply: { min: 1, max: Infinity },
  $concat: { min: 1, max: Infinity }
}

const refOf = (path: unknown, where: string, problems: Array<string>, refs: Array<Ref>) => {
  if (typeof path !== "string") return void problems.push(`${where}: must be a string "<nodeId>.<output path>"`)
  const segments = parsePath(path)
  if (typeof segments === "string") return void problems.push(`${where}: ${segments}`)
  if (segments.length === 0) return void problems.push(`${where}: must start with a node id`)
  refs.push({ node: segments[0]!, output: segments.slice(1), where })
}

/** Checks an expression; collects problems and the references it makes. */
export const checkExpression = (expr: unknown, where: string, problems: Array<string>, refs: Array<Ref>): void => {
  if (expr === null || typeof expr === "boolean" || typeof expr === "string") return
  if (typeof expr === "number") {
    if (!Number.isFinite(expr)) problems.push(`${where}: numbers must be finite`)
    return
  }
  if (Array.isArray(expr)) return expr.forEach((e, i) => checkExpression(e, `${where}[${i}]`, problems, refs))
  if (!isPlainObject(expr)) return void problems.push(`${where}: is not a JSON expression`)
  const keys = Object.keys(expr)
  if (keys.length !== 1)
    return void problems.push(
      `${where}: an expression object has exactly one operator ($ref, $add, $subtract, $multiply, $concat)`
    )
  const op = keys[0]!
  if (op === "$ref") return refOf(expr[op], `${where}.$ref`, problems, refs)
  const arity = arithmetic[op]
  if (arity === undefined)
    return void problems.push(
      `${where}: unknown operator ${op.slice(0, 32)} (use $ref, $add, $subtract, $multiply, $concat)`
    )
  const args = expr[op]
  if (!Array.isArray(args) || args.length < arity.min || args.length > arity.max) {
    return void problems.push(
      `${where}.${op}: takes ${arity.min === arity.max ? arity.min : `at least ${arity.min}`} arguments in an array`
    )
  }
  args.forEach((a, i) => checkExpression(a, `${where}.${op}[${i}]`, problems, refs))
}

/** Checks a predicate; collects problems and the references it makes. */
export const checkPredicate = (p: unknown, where: string, problems: Array<string>, refs: Array<Ref>): void => {
  if (!isPlainObject(p))
    return void problems.push(`${where}: a predicate is { path, op, value } or { $and | $or | $not }`)
  if ("$and" in p || "$or" in p) {
    const op = "$and" in p ? "$and" : "$or"
    const list = p[op]
    if (Object.keys(p).length !== 1 || !Array.isArray(list))
      return void problems.push(`${where}: ${op} takes an array of predicates, alone`)
    return list.forEach((q, i) => checkPredicate(q, `${where}.${op}[${i}]`, problems, refs))
  }
  if ("$not" in p) {
    if (Object.keys(p).length !== 1) return void problems.push(`${where}: $not takes one predicate, alone`)
    return checkPredicate(p["$not"], `${where}.$not`, problems, refs)
  }
  const extra = Object.keys(p).filter((k) => k !== "path" && k !== "op" && k !== "value")
  if (extra.length > 0)
    problems.push(`${where}: unknown key ${extra[0]!.slice(0, 32)} (a comparison has path, op, value)`)
  refOf(p["path"], `${where}.path`, problems, refs)
  const op = p["op"]
  if (typeof op !== "string" || !comparisons.has(op)) {
    return void problems.push(`${where}.op: must be one of ${[...comparisons].join(" ")}`)
  }
  if (op === "$exists") {
    if (p["value"] !== undefined && typeof p["value"] !== "boolean")
      problems.push(`${where}.value: $exists takes true or false`)
    return
  }
  if (!("value" in p)) return void problems.push(`${where}.value: is required for ${op}`)
  checkExpression(p["value"], `${where}.value`, problems, refs)
}

type Result<A> = Either.Either<A, string>

const kindOf = (v: unknown) =>
  v === null ? "null" : v instanceof Date ? "date" : Array.isArray(v) ? "array" : typeof v

/** Evaluates an expression (templates already filled) against the results so far. */
export const evaluate = (expr: unknown, results: ReadonlyMap<string, unknown>): Result<unknown> => {
  if (Array.isArray(expr)) return Either.all(expr.map((e) => evaluate(e, results)))
  if (!isPlainObject(expr)) return Either.right(expr)
  const [op, arg] = Object.entries(expr)[0]!
  if (op === "$ref") {
    const [node, ...rest] = (arg as string).split(".")
    return Either.right(getPath(results.get(node!), rest))
  }
  return Either.flatMap(Either.all((arg as ReadonlyArray<unknown>).map((e) => evaluate(e, results))), (values) => {
    if (op === "$concat") {
      if (!values.every((v) => typeof v === "string" || typeof v === "number"))
        return Either.left(`$concat needs strings or numbers`)
      return Either.right(values.join(""))
    }
    const numbers = values.every((v) => typeof v === "number")
    const bigints = values.every((v) => typeof v === "bigint")
    if (!numbers && !bigints)
      return Either.left(`${op} needs numbers (or bigints), not ${[...new Set(values.map(kindOf))].join(" and ")}`)
    const nums = values as Array<any>
    if (op === "$subtract") return Either.right(nums[0] - nums[1])
    if (op === "$add") return Either.right(nums.reduce((a, b) => a + b))
    return Either.right(nums.reduce((a, b) => a * b))
  })
}

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]))
  }
  return a === b
}

const order = (a: unknown, b: unknown): Result<number> => {
  const ka = kindOf(a)
  if (a === undefined || a === null || b === undefined || b === null)
    return Either.left("cannot order a missing or null value")
  if (ka !== kindOf(b) || !["number", "string", "bigint", "date"].includes(ka)) {
    return Either.left(`cannot order ${ka} against ${kindOf(b)}`)
  }
  const x = ka === "date" ? (a as Date).getTime() : (a as number)
  const y = ka === "date" ? (b as Date).getTime() : (b as number)
  return Either.right(x < y ? -1 : x > y ? 1 : 0)
}

/** Tests a predicate (templates already filled) against the results so far. */
export const test = (p: Predicate, results: ReadonlyMap<string, unknown>): Result<boolean> => {
  if ("$and" in p) return Either.map(Either.all(p.$and.map((q) => test(q, results))), (bs) => bs.every(Boolean))
  if ("$or" in p) return Either.map(Either.all(p.$or.map((q) => test(q, results))), (bs) => bs.some(Boolean))
  if ("$not" in p) return Either.map(test(p.$not, results), (b) => !b)
  const [node, ...rest] = p.path.split(".")
  const actual = getPath(results.get(node!), rest)
  if (p.op === "$exists") return Either.right((actual !== undefined && actual !== null) === (p.value ?? true))
  return Either.flatMap(evaluate(p.value, results), (expected): Result<boolean> => {
    switch (p.op) {
      case "$eq":
        return Either.right(same(actual, expected))
      case "$ne":
        return Either.right(!same(actual, expected))
      case "$in":
      case "$nin":
        if (!Array.isArray(expected)) return Either.left(`${p.op} needs an array value`)
        return Either.right(expected.some((e) => same(actual, e)) === (p.op === "$in"))
      default: {
        const op = p.op
        return Either.map(order(actual, expected), (c) =>
          op === "$gt" ? c > 0 : op === "$gte" ? c >= 0 : op === "$lt" ? c < 0 : c <= 0
        )
      }
    }
  })
}
