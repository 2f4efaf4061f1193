/**
 * The filter IR (src/query/Expr.ts) → a MongoDB query document with the meaning the SQL compiler
 * (src/sql/Compiler.ts) gives it. A document matches exactly when the SQL condition is TRUE, so:
 *
 * - `Not` is `$nor` (SQL's `NOT COALESCE(…, FALSE)`: a row whose condition is unknown is "not
 *   matching", so its negation selects it): `$ne`/`$nin` match null and missing fields, as on SQL;
 * - comparisons (`$gt` …, `=`, `<>`) never match null or missing fields; `IsNull` is `{f: null}`;
 * - equality and ordering of text are binary (no collation), as SQL's `COLLATE "C"`/binary;
 * - LIKE is an anchored regular expression (`%` → `[\s\S]*`, `_` → `[\s\S]`, everything else
 *   literal, `\z` for the very end); `$regex` takes the portable pattern (src/query/Regex.ts) with
 *   the `s` flag, so `.` matches newlines whatever newline convention the server's PCRE uses;
 * - a JSON path is read with `$getField`/`$arrayElemAt` in `$expr` (never a dotted query path: the
 *   query language would match inside arrays, SQL does not), a digit segment indexes arrays only,
 *   and a comparison matches only a value of its JSON type (as the SQL dialects' `jsonValue`).
 *
 * ```ts
 * toQuery(mongo, User.info, toExpr("User", User.info.columnMap, { age: { $gte: 18 } })) // { age: { $gte: 18 } }
 * ```
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import type { Expr, PathAs, Target } from "../query/Expr.js"
import { type Bson, type Doc, encodeId, encodeValue, pathOf } from "./Values.js"

/** A query that matches no document. */
export const matchNothing: Doc = { $expr: false }

/** Characters a regular expression reads as syntax (escaped to match literally). */
const regexSyntax = /[\\^$.|?*+()[\]{}-]/g

/**
 * A LIKE pattern (with `\` as escape, as src/query/Filter.ts checks it) → an anchored regular
 * expression with the same meaning: `%` any run of characters (newlines too), `_` one character.
 */
export const likeRegex = (pattern: string): string => {
  let out = "^"
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === "\\" && i + 1 < chars.length) out += chars[++i]!.replace(regexSyntax, (x) => `\\${x}`)
    else if (c === "%") out += "[\\s\\S]*"
    else if (c === "_") out += "[\\s\\S]"
    else out += c.replace(regexSyntax, (x) => `\\${x}`)
  }
  return `${out}\\z`
}

/** The soft-delete condition "live" (deleted_at null or missing). */
export const liveCondition = (model: ModelInfo): Doc => (model.deletedAt ? { [model.deletedAt.column]: null } : {})

const isEmptyQuery = (q: Doc): boolean => Object.keys(q).length === 0

/** `$and` of several queries, without the empty ones; `{}` when none is left. */
export const andQueries = (queries: ReadonlyArray<Doc>): Doc => {
  const parts = queries.filter((q) => !isEmptyQuery(q))
  return parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts }
}

/** The value at a JSON path, as an aggregation expression (null where SQL's path reads NULL). */
const pathValue = (model: ModelInfo, t: Target): unknown => {
  let expr: unknown = `$${pathOf(model, t.field)}`
  for (const segment of t.path ?? []) {
    const inner = /^\d+$/.test(segment)
      ? { $cond: [{ $isArray: "$$v" }, { $arrayElemAt: ["$$v", Number(segment)] }, null] }
      : { $cond: [{ $eq: [{ $type: "$$v" }, "object"] }, { $getField: { field: segment, input: "$$v" } }, null] }
    expr = { $let: { vars: { v: expr }, in: inner } }
  }
  return expr
}

const typeCheck = (as: PathAs, v: string): Doc =>
  as === "number" ? { $isNumber: v } : { $eq: [{ $type: v }, as === "text" ? "string" : "bool"] }

const exprOps = { "=": "$eq", "<>": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte" } as const

/** A JSON path, or a JSON or vector field (the query language would look inside its arrays). */
const holdsArrays = (t: Target): boolean => t.path !== undefined || t.field.kind === "json" || t.field.kind === "vector"

/** `$expr` over the value at a target's JSON path, bound to `$$v`. */
const onPath = (model: ModelInfo, t: Target, cond: unknown): Doc => ({
  $expr: { $let: { vars: { v: pathValue(model, t) }, in: cond } }
})

const regexOn = (model: ModelInfo, t: Target, regex: string, options: string): Doc => {
  if (t.path === undefined)
    return { [pathOf(model, t.field)]: options ? { $regex: regex, $options: options } : { $regex: regex } }
  const match = { $regexMatch: { input: "$$v", regex, ...(options ? { options } : {}) } }
  return onPath(model, t, { $cond: [typeCheck("text", "$$v"), match, false] })
}

const cmpQuery = (bson: Bson, model: ModelInfo, e: Extract<Expr, { _tag: "Cmp" }>): Doc => {
  if (e.as !== undefined) {
    return onPath(model, e.target, {
      $and: [typeCheck(e.as, "$$v"), { [exprOps[e.op]]: ["$$v", { $literal: e.value }] }]
    })
  }
  const path = pathOf(model, e.target.field)
  const value = encodeValue(bson, e.target.field, e.value)
  switch (e.op) {
    case "=":
      return { [path]: value }
    case "<>":
      // SQL's `<>` is unknown (not matching) on NULL; MongoDB's `$ne` would match null and missing
      return { [path]: { $nin: [value, null] } }
    default:
      return { [path]: { [exprOps[e.op]]: value } }
  }
}

const inQuery = (bson: Bson, model: ModelInfo, e: Extract<Expr, { _tag: "In" }>): Doc => {
  if (e.as !== undefined) {
    return onPath(model, e.target, { $and: [typeCheck(e.as, "$$v"), { $in: ["$$v", { $literal: e.values }] }] })
  }
  return { [pathOf(model, e.target.field)]: { $in: e.values.map((v) => encodeValue(bson, e.target.field, v)) } }
}

/** `Not` of one condition: `$nor`, written as `$ne`/`$nin` where that is the same (and can use an index). */
const notQuery = (bson: Bson, model: ModelInfo, item: Expr): Doc => {
  if (item._tag === "Const") return item.value ? matchNothing : {}
  if ((item._tag === "IsNull" || item._tag === "Cmp" || item._tag === "In") && !holdsArrays(item.target)) {
    const path = pathOf(model, item.target.field)
    const field = item.target.field
    if (item._tag === "IsNull") return { [path]: { $ne: null } }
    if (item._tag === "In") return { [path]: { $nin: item.values.map((v) => encodeValue(bson, field, v)) } }
    if (item.op === "=") return { [path]: { $ne: encodeValue(bson, field, item.value) } }
  }
  return { $nor: [toQuery(bson, model, item)] }
}

/** The IR → a MongoDB query document (see the module comment for the rules). */
export const toQuery = (bson: Bson, model: ModelInfo, e: Expr): Doc => {
  switch (e._tag) {
    case "Const":
      return e.value ? {} : matchNothing
    case "And":
      return e.items.some((x) => x._tag === "Const" && !x.value)
        ? matchNothing
        : andQueries(e.items.map((x) => toQuery(bson, model, x)))
    case "Or": {
      if (e.items.length === 0) return matchNothing
      const parts = e.items.map((x) => toQuery(bson, model, x))
      return parts.some(isEmptyQuery) ? {} : parts.length === 1 ? parts[0]! : { $or: parts }
    }
    case "Not":
      return notQuery(bson, model, e.item)
    case "IsNull":
      // `{f: null}` would also match an array holding null: JSON and vector fields test the type
      return !holdsArrays(e.target)
        ? { [pathOf(model, e.target.field)]: null }
        : onPath(model, e.target, { $in: [{ $type: "$$v" }, ["missing", "null"]] })
    case "Cmp":
      return cmpQuery(bson, model, e)
    case "In":
      return inQuery(bson, model, e)
    case "Like":
      return regexOn(model, e.target, likeRegex(e.pattern), e.caseInsensitive ? "i" : "")
    case "Regex":
      return regexOn(model, e.target, e.pattern, "s")
    case "JsonHas":
      // only an element of an array (a scalar field equal to the value is not "containing" it)
      return { [pathOf(model, e.target.field)]: { $elemMatch: { $eq: e.value } } }
  }
}

/** The query of a filter plus the soft-delete rule (live records only unless `includeDeleted`). */
export const whereQuery = (bson: Bson, model: ModelInfo, e: Expr, includeDeleted: boolean): Doc =>
  andQueries([includeDeleted ? {} : liveCondition(model), toQuery(bson, model, e)])

/** The query of one record by a checked id (live only unless `includeDeleted`). */
export const byIdQuery = (bson: Bson, model: ModelInfo, id: unknown, includeDeleted: boolean): Doc =>
  andQueries([{ _id: encodeId(bson, model, id) }, includeDeleted ? {} : liveCondition(model)])
