/**
 * The SQL backend's `textSearch`: one statement under the model's filter, in the dialect's form —
 * a match condition and score over the row's own document (PostgreSQL: the GIN index's expression
 * `@@ websearch_to_tsquery`, `ts_rank_cd`), or an index table's matches among the keys the filter
 * admits, joined back to the table (SQLite: FTS5, −bm25). Best first, ties by key, at most k.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, TextQuery } from "../../backend/Backend.js"
import * as Errors from "../../Errors.js"
import type { ModelInfo } from "../../model/Model.js"
import { ftsTableName, type TextSearchSpec } from "../../model/Search.js"
import { type Compiled, Params, selectList, whereClause } from "../Compiler.js"
import type { Dialect, TextHooks } from "../Dialect.js"
import { contextOf, decodeAll } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { keyOrder } from "./Selects.js"

const scoreAlias = "df_score"

/** Row form: the score and the match over the row's document, the filter beside them. */
export const rowSearch = (d: Dialect, t: TextHooks, model: ModelInfo, spec: TextSearchSpec, q: TextQuery): Compiled => {
  const match = t.rowMatch!
  const text = t.queryText(q.query)
  const p = new Params(d)
  const score = match.score(spec, p.bind(text))
  const where = whereClause(d, p, model, q.expr, q.includeDeleted)
  const condition = match.condition(spec, p.bind(text))
  const sql =
    `SELECT ${selectList(d, q.fields)}, ${score} AS ${scoreAlias} FROM ${d.quote(model.table)}` +
    `${where === "" ? " WHERE" : `${where} AND`} ${condition}` +
    ` ORDER BY ${scoreAlias} DESC, ${keyOrder(d, model)} LIMIT ${q.k}`
  return { sql, params: p.values }
}

/** Index-table form: its matches among the keys the filter admits, joined back to the table. */
export const tableSearch = (d: Dialect, t: TextHooks, model: ModelInfo, q: TextQuery): Compiled => {
  const p = new Params(d)
  const param = p.bind(t.queryText(q.query))
  const key = d.quote(model.key[0]!.column)
  const table = d.quote(model.table)
  const where = whereClause(d, p, model, q.expr, q.includeDeleted)
  const keys = where === "" ? undefined : `SELECT ${key} FROM ${table}${where}`
  const matches = t.matchTable!(d.quote(ftsTableName(model.table)), param, keys)
  const columns = q.fields.map((f) => `${table}.${d.quote(f.column)}`).join(", ")
  const sql =
    `SELECT ${columns}, df_t.${scoreAlias} AS ${scoreAlias} FROM (${matches}) df_t JOIN ${table} ON ${table}.${key} = df_t.df_key` +
    ` ORDER BY df_t.${scoreAlias} DESC, ${keyOrder(d, model, `${table}.`)} LIMIT ${q.k}`
  return { sql, params: p.values }
}

/** `Backend.textSearch` of one SQL layer. */
export const textSearch = (db: SqlDeps): Backend["textSearch"] => {
  const d = db.hooks
  return (model, q) => {
    const t = d.text
    if (t === undefined) {
      return Effect.fail(
        new Errors.UnsupportedFeature({
          dialect: d.name,
          feature: "text search (this database has no text index here; use PostgreSQL or SQLite)"
        })
      )
    }
    const spec = model.textSearch
    if (spec === undefined) {
      return Effect.fail(
        new Errors.ValidationError({
          model: model.name,
          path: "textSearch",
          reason: "the model declares no textSearch fields"
        })
      )
    }
    const statement = t.rowMatch !== undefined ? rowSearch(d, t, model, spec, q) : tableSearch(d, t, model, q)
    return Effect.flatMap(db.query(statement, contextOf(model, "textSearch")), (rows) =>
      Effect.map(decodeAll(d, model, rows), (records) =>
        records.map((record, i) => ({ record, score: Number(rows[i]![scoreAlias]) }))
      )
    )
  }
}
