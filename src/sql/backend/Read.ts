/**
 * The SQL backend's reads: one record by id (compiled once), a page with its total, a count.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, FindQuery } from "../../backend/Backend.js"
import type { ModelInfo } from "../../model/Model.js"
import type { Expr } from "../../query/Filter.js"
import { keysetCondition, orderClause, pageClause, Params, selectList, whereClause } from "../Compiler.js"
import { contextOf, decodeAll } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { keyParams, readByIdSql } from "./Selects.js"

const totalAlias = "df_total"

const countStatement = (db: SqlDeps, model: ModelInfo, expr: Expr, includeDeleted: boolean) => {
  const d = db.hooks
  const p = new Params(d)
  const sql = `SELECT COUNT(*) AS ${d.quote("n")} FROM ${d.quote(model.table)}${whereClause(d, p, model, expr, includeDeleted)}`
  return { sql, params: p.values }
}

/** `Backend.count`. */
export const count =
  (db: SqlDeps): Backend["count"] =>
  (model, expr, includeDeleted, operation) =>
    Effect.map(db.query(countStatement(db, model, expr, includeDeleted), contextOf(model, operation)), (rows) =>
      Number(rows[0]?.["n"] ?? 0)
    )

/** `Backend.readById`: the statement compiled once per model and dialect. */
export const readById = (db: SqlDeps): Backend["readById"] => {
  const d = db.hooks
  return (model, id, includeDeleted, operation) =>
    db.queryOne(
      { sql: readByIdSql(d, model, includeDeleted), params: keyParams(d, model, id) },
      model.columns,
      contextOf(model, operation)
    )
}

/** `Backend.find`: one page (limit + 1 rows, to know whether more follow) and the total. */
export const find = (db: SqlDeps): Backend["find"] => {
  const d = db.hooks
  const counter = count(db)
  return (model: ModelInfo, q: FindQuery) => {
    const ctx = contextOf(model, "list")
    const p = new Params(d)
    let where = whereClause(d, p, model, q.expr, q.includeDeleted)
    if (q.after !== undefined) {
      const keyset = keysetCondition(d, p, q.orderBy, q.after)
      where = where === "" ? ` WHERE ${keyset}` : `${where} AND ${keyset}`
    }
    // without a cursor the total rides along in the same statement (a window count is taken over
    // every match before LIMIT applies): one round trip. A cursor narrows the rows, so its total is
    // a second statement; so is a page past the end, which has no row to carry the total; so is
    // every total where the dialect's window count is slow (a COUNT beside the page, at once).
    const windowTotal = q.after === undefined && d.windowTotal
    const totalColumn = windowTotal ? `, COUNT(*) OVER () AS ${d.quote(totalAlias)}` : ""
    const sql = `SELECT ${selectList(d, q.fields)}${totalColumn} FROM ${d.quote(model.table)}${where}${orderClause(d, q.orderBy)}${pageClause(q.limit + 1, q.offset)}`
    const page = (rows: ReadonlyArray<Record<string, unknown>>, total: number) =>
      Effect.map(decodeAll(d, model, rows.slice(0, q.limit)), (records) => ({
        records,
        more: rows.length > q.limit,
        total
      }))
    if (!windowTotal) {
      return Effect.flatMap(
        db.queryAll([{ sql, params: p.values }, countStatement(db, model, q.expr, q.includeDeleted)], ctx),
        ([rows, counted]) => page(rows!, Number(counted![0]?.["n"] ?? 0))
      )
    }
    return Effect.flatMap(db.query({ sql, params: p.values }, ctx), (rows) =>
      rows.length > 0
        ? page(rows, Number(rows[0]![totalAlias]))
        : q.offset === 0
          ? page(rows, 0)
          : Effect.flatMap(counter(model, q.expr, q.includeDeleted, "count"), (total) => page(rows, total))
    )
  }
}
