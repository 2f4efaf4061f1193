/**
 * Statements by key: the key condition, its parameters, the SELECT of one record by id (compiled
 * once), and a SELECT of chosen columns under a filter.
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import type { ModelInfo } from "../../model/Model.js"
import type { Expr } from "../../query/Filter.js"
import { encodeValue } from "../Codec.js"
import { type Compiled, Params, selectList, whereClause } from "../Compiler.js"
import type { Dialect } from "../Dialect.js"
import { planned } from "./Plans.js"

/** `"a" = $n AND "b" = $n+1`: the key columns equal to placeholders from `first` on. */
export const keyCondition = (d: Dialect, model: ModelInfo, first: number): string =>
  model.key
    .map((f, i) => `${d.orderedValue(d.quote(f.column), f)} = ${d.orderedParam(d.placeholder(first + i), f)}`)
    .join(" AND ")

/** The key's encoded parameters of a checked id. */
export const keyParams = (d: Dialect, model: ModelInfo, id: unknown): Array<unknown> =>
  model.key.length === 1
    ? [encodeValue(d.codec, model.key[0]!, id)]
    : model.key.map((f) => encodeValue(d.codec, f, (id as Record<string, unknown>)[f.name]))

/** The SELECT of one record by id, compiled once per model and dialect (soft-deleted rows hidden unless asked). */
export const readByIdSql = (d: Dialect, model: ModelInfo, includeDeleted: boolean): string => {
  const hidden = model.deletedAt !== undefined && !includeDeleted
  return planned(
    d,
    model,
    hidden ? "read" : "read+deleted",
    () =>
      `SELECT ${selectList(d, model.columns)} FROM ${d.quote(model.table)} WHERE ${keyCondition(d, model, 1)}${
        hidden ? ` AND ${d.quote(model.deletedAt!.column)} IS NULL` : ""
      }`
  )
}

/** SELECT of chosen columns under a filter. */
export const selectWhere = (
  db: { readonly hooks: Dialect },
  model: ModelInfo,
  expr: Expr,
  options: { readonly includeDeleted?: boolean; readonly columns?: ReadonlyArray<Field>; readonly suffix?: string } = {}
): Compiled => {
  const d = db.hooks
  const p = new Params(d)
  const where = whereClause(d, p, model, expr, options.includeDeleted === true)
  return {
    sql: `SELECT ${selectList(d, options.columns ?? model.columns)} FROM ${d.quote(model.table)}${where}${options.suffix ?? ""}`,
    params: p.values
  }
}

/** The key columns as ORDER BY terms (ascending): the tie-breaker of every search form. */
export const keyOrder = (d: Dialect, model: ModelInfo, prefix = ""): string =>
  model.key.map((f) => d.orderTerm(d.sortKey(prefix + d.quote(f.column), f), false, false)).join(", ")
