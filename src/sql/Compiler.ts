/**
 * The one SQL compiler: filter IR and operation shapes → statement text and bound parameters.
 * Identifiers come only from models (checked when the model is defined); values are always bound.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { OrderKey } from "../backend/Backend.js"
import type { Expr, PathAs, Target } from "../query/Filter.js"
import { encodeValue } from "./Codec.js"
import type { Dialect } from "./Dialect.js"

/** A statement ready for the driver. */
export interface Compiled {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

/** Collects bound parameters and hands out the dialect's placeholders. */
export class Params {
  readonly values: Array<unknown> = []
  constructor(readonly dialect: Dialect) {}
  bind(value: unknown): string {
    this.values.push(value)
    return this.dialect.placeholder(this.values.length)
  }
  field(field: Field, value: unknown): string {
    return this.bind(encodeValue(this.dialect.codec, field, value))
  }
}

/** An ORDER BY key (the backend contract's, src/backend/Backend.ts). */
export type { OrderKey } from "../backend/Backend.js"

const encodeAs = (d: Dialect, as: PathAs, v: unknown) => (as === "boolean" && d.codec.booleanAsInt ? (v ? 1 : 0) : v)

const targetSql = (d: Dialect, p: Params, t: Target, as: PathAs | "present" | "raw"): string => {
  const column = d.quote(t.field.column)
  if (t.path === undefined) return as === "text" ? d.textOf(column, t.field) : column
  const path = t.path
  return d.jsonValue(
    column,
    (prefix = path.length) => p.bind(d.jsonPath(path.slice(0, prefix))),
    as === "raw" ? "text" : as,
    path
  )
}

/** Compiles a filter expression to a boolean SQL condition. */
export const compileExpr = (d: Dialect, p: Params, e: Expr): string => {
  switch (e._tag) {
    case "Const":
      return e.value ? "1=1" : "1=0"
    case "And":
      return e.items.length === 0
        ? "1=1"
        : e.items.length === 1
          ? compileExpr(d, p, e.items[0]!)
          : `(${e.items.map((x) => compileExpr(d, p, x)).join(" AND ")})`
    case "Or":
      return e.items.length === 1
        ? compileExpr(d, p, e.items[0]!)
        : `(${e.items.map((x) => compileExpr(d, p, x)).join(" OR ")})`
    case "Not":
      // two-valued NOT: a row whose condition is unknown (NULL) is "not matching", so NOT selects it
      return `NOT COALESCE(${compileExpr(d, p, e.item)}, FALSE)`
    case "IsNull":
      return `${targetSql(d, p, e.target, "present")} IS NULL`
    case "Cmp": {
      if (e.as !== undefined) return `${targetSql(d, p, e.target, e.as)} ${e.op} ${p.bind(encodeAs(d, e.as, e.value))}`
      const f = e.target.field
      const range = e.op !== "=" && e.op !== "<>"
      return `${d.orderedValue(targetSql(d, p, e.target, "raw"), f, range)} ${e.op} ${d.orderedParam(p.field(f, e.value), f)}`
    }
    case "In": {
      const as = e.as
      const f = e.target.field
      const lhs = targetSql(d, p, e.target, as ?? "raw")
      if (as !== undefined) return `${lhs} IN (${e.values.map((v) => p.bind(encodeAs(d, as, v))).join(", ")})`
      return `${d.orderedValue(lhs, f)} IN (${e.values.map((v) => d.orderedParam(p.field(f, v), f)).join(", ")})`
    }
    case "Like":
      return d.like(targetSql(d, p, e.target, "text"), p.bind(e.pattern), e.caseInsensitive)
    case "Regex":
      return d.regex(targetSql(d, p, e.target, "text"), p.bind(e.pattern))
    case "JsonHas":
      return d.jsonHas(d.quote(e.target.field.column), p.bind(d.jsonHasParam(e.value)))
  }
}

/** WHERE clause text (with leading " WHERE ") for a filter plus the soft-delete rule. */
export const whereClause = (d: Dialect, p: Params, model: ModelInfo, e: Expr, includeDeleted: boolean): string => {
  const parts: Array<string> = []
  if (model.deletedAt !== undefined && !includeDeleted) parts.push(`${d.quote(model.deletedAt.column)} IS NULL`)
  const cond = compileExpr(d, p, e)
  if (cond !== "1=1") parts.push(cond)
  return parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`
}

/** Column list of a SELECT. */
export const selectList = (d: Dialect, fields: ReadonlyArray<Field>): string =>
  fields.map((f) => d.quote(f.column)).join(", ")

/** ORDER BY clause text. */
export const orderClause = (d: Dialect, keys: ReadonlyArray<OrderKey>): string =>
  keys.length === 0
    ? ""
    : ` ORDER BY ${keys.map((k) => d.orderTerm(d.sortKey(d.quote(k.field.column), k.field), k.descending, k.field.optional || k.field.nullable)).join(", ")}`

/**
 * LIMIT/OFFSET text. Both are checked non-negative safe integers before they get here, and are
 * written inline because MySQL rejects some bound LIMIT forms in prepared statements.
 */
export const pageClause = (limit: number | undefined, offset: number): string =>
  `${limit !== undefined ? ` LIMIT ${limit}` : offset > 0 ? ` LIMIT ${Number.MAX_SAFE_INTEGER}` : ""}${offset > 0 ? ` OFFSET ${offset}` : ""}`

/**
 * The keyset condition "after this row" for an ordering (NULLs last ascending, first descending):
 * OR over i of (k1 = v1 AND … AND k(i-1) = v(i-1) AND ki beyond vi).
 */
export const keysetCondition = (
  d: Dialect,
  p: Params,
  keys: ReadonlyArray<OrderKey>,
  values: ReadonlyArray<unknown>
): string => {
  const same = (k: OrderKey, v: unknown) =>
    v === null
      ? `${d.quote(k.field.column)} IS NULL`
      : `${d.orderedValue(d.quote(k.field.column), k.field)} = ${d.orderedParam(p.field(k.field, v), k.field)}`
  const beyond = (k: OrderKey, v: unknown): string | undefined => {
    const col = d.quote(k.field.column)
    if (v === null) return k.descending ? `${col} IS NOT NULL` : undefined
    const cmp = `${d.orderedValue(col, k.field, true)} ${k.descending ? "<" : ">"} ${d.orderedParam(p.field(k.field, v), k.field)}`
    return k.descending ? cmp : `(${cmp} OR ${col} IS NULL)`
  }
  const ors: Array<string> = []
  keys.forEach((k, i) => {
    if (values[i] === null && !k.descending) return // nothing sorts after NULL on this key
    // bind in text order: "?" placeholders are positional
    const prefix = keys.slice(0, i).map((pk, j) => same(pk, values[j]))
    const b = beyond(k, values[i])!
    ors.push(prefix.length === 0 ? b : `(${[...prefix, b].join(" AND ")})`)
  })
  return ors.length === 0 ? "1=0" : `(${ors.join(" OR ")})`
}

/** Multi-row INSERT of `rows` (values already in column order, not yet encoded). */
export const insertRows = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  suffix: string | ((p: Params) => string),
  returning: boolean
): Compiled => {
  const p = new Params(d)
  const tuples = rows.map((row) => `(${columns.map((c, i) => p.field(c, row[i])).join(", ")})`).join(", ")
  const tail = typeof suffix === "string" ? suffix : suffix(p)
  const ret = returning && d.returning ? ` RETURNING ${selectList(d, model.columns)}` : ""
  return {
    sql: `INSERT INTO ${d.quote(model.table)} (${selectList(d, columns)}) VALUES ${tuples}${tail}${ret}`,
    params: p.values
  }
}

/**
 * The text of a multi-row INSERT with a string suffix, its placeholders numbered row by row: the
 * same text for every batch of the same shape, so callers compile it once (see sql/backend/Plans.ts)
 * and bind `encodeRows(...)`.
 */
export const insertSql = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rowCount: number,
  suffix: string,
  returning: boolean
): string => {
  let n = 0
  const tuple = () => `(${columns.map(() => d.placeholder(++n)).join(", ")})`
  const tuples = Array.from({ length: rowCount }, tuple).join(", ")
  const ret = returning && d.returning ? ` RETURNING ${selectList(d, model.columns)}` : ""
  return `INSERT INTO ${d.quote(model.table)} (${selectList(d, columns)}) VALUES ${tuples}${suffix}${ret}`
}

/** The bound parameters of `insertSql`: every row's columns, encoded, row by row. */
export const encodeRows = (
  d: Dialect,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>
): Array<unknown> => {
  const out = new Array<unknown>(rows.length * columns.length)
  let i = 0
  for (const row of rows) for (const c of columns) out[i++] = encodeValue(d.codec, c, row[c.name])
  return out
}

/** How many rows of `width` columns fit under the dialect's parameter limit (capped by `batchSize`). */
export const rowsPerStatement = (d: Dialect, width: number, batchSize: number): number =>
  Math.max(1, Math.min(batchSize, Math.floor(d.maxParams / Math.max(1, width))))
