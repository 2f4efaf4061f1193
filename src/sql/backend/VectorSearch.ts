/**
 * The SQL backend's `vectorSearch`: one statement under the model's filter, in one of three forms —
 * an exact scan (`ORDER BY distance, key LIMIT k`), an approximate index (pgvector: the index's
 * `ORDER BY distance LIMIT k` with iterative scans, re-sorted by key on ties, exact fallback when it
 * returns fewer than k), or an index table (sqlite-vec's vec0 KNN over the filter's keys).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, VectorQuery } from "../../backend/Backend.js"
import * as Errors from "../../Errors.js"
import type { ModelInfo } from "../../model/Model.js"
import { vecTableName } from "../../model/Search.js"
import { type Compiled, Params, selectList, whereClause } from "../Compiler.js"
import type { Dialect, VectorHooks } from "../Dialect.js"
import { contextOf, decodeAll } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { keyOrder } from "./Selects.js"

const distanceAlias = "df_distance"

/** `WHERE` with the filter, the vector present and the distance bound (the vector bound again: `?` placeholders are positional). */
const conditions = (d: Dialect, v: VectorHooks, p: Params, model: ModelInfo, q: VectorQuery): string => {
  const where = whereClause(d, p, model, q.expr, q.includeDeleted)
  const parts = [`${d.quote(q.field.column)} IS NOT NULL`]
  // a zero vector has no direction: its cosine distance is undefined (SQLite NULL, PostgreSQL NaN), never a result
  if (q.distance === "cosine" && v.defined !== undefined) {
    parts.push(v.defined(v.distance(d.quote(q.field.column), p.field(q.field, q.vector), q.distance)))
  }
  if (q.maxDistance !== undefined) {
    const distance = v.distance(d.quote(q.field.column), p.field(q.field, q.vector), q.distance)
    parts.push(`${distance} <= ${p.bind(q.maxDistance)}`)
  }
  return where === "" ? ` WHERE ${parts.join(" AND ")}` : `${where} AND ${parts.join(" AND ")}`
}

/** Exact: every matching row's distance, sorted. `+ 0` keeps an approximate index from serving the order. */
const exactScan = (d: Dialect, v: VectorHooks, model: ModelInfo, q: VectorQuery): Compiled => {
  const p = new Params(d)
  const raw = v.distance(d.quote(q.field.column), p.field(q.field, q.vector), q.distance)
  const distance = v.tuning !== undefined ? `(${raw}) + 0` : raw
  const where = conditions(d, v, p, model, q)
  const sql =
    `SELECT ${selectList(d, q.fields)}, ${distance} AS ${distanceAlias} FROM ${d.quote(model.table)}${where}` +
    ` ORDER BY ${distanceAlias}, ${keyOrder(d, model)} LIMIT ${q.k}`
  return { sql, params: p.values }
}

/** Approximate index: the index's own order and limit inside, ties by key outside. */
export const indexScan = (d: Dialect, v: VectorHooks, model: ModelInfo, q: VectorQuery): Compiled => {
  const p = new Params(d)
  const distance = v.distance(d.quote(q.field.column), p.field(q.field, q.vector), q.distance)
  const where = conditions(d, v, p, model, q)
  const inner =
    `SELECT ${selectList(d, q.fields)}, ${distance} AS ${distanceAlias} FROM ${d.quote(model.table)}${where}` +
    ` ORDER BY ${distanceAlias} LIMIT ${q.k}`
  // MATERIALIZED: iterative scans return a relaxed order, which a subquery would pass on as sorted
  // (PostgreSQL would then only "incrementally" sort ties); a materialized CTE is sorted for real
  return {
    sql: `WITH df_s AS MATERIALIZED (${inner}) SELECT * FROM df_s ORDER BY ${distanceAlias}, ${keyOrder(d, model)}`,
    params: p.values
  }
}

/** Index table: its KNN over the keys the filter admits, joined back to the table. */
const knnScan = (d: Dialect, v: VectorHooks, model: ModelInfo, q: VectorQuery): Compiled => {
  const p = new Params(d)
  const vector = p.field(q.field, q.vector)
  const k = p.bind(q.k)
  const key = d.quote(model.key[0]!.column)
  const table = d.quote(model.table)
  const where = whereClause(d, p, model, q.expr, q.includeDeleted)
  const keys = where === "" ? undefined : `SELECT ${key} FROM ${table}${where}`
  const knn = v.knnTable!(d.quote(vecTableName(model.table, q.field)), vector, k, keys)
  const bound =
    q.maxDistance !== undefined
      ? ` WHERE df_v.${distanceAlias} <= ${p.bind(q.maxDistance)}`
      : // `+ 0`: a bare condition on the distance would be handed to vec0, which refuses IS NOT NULL
        ` WHERE df_v.${distanceAlias} + 0 IS NOT NULL`
  const columns = q.fields.map((f) => `${table}.${d.quote(f.column)}`).join(", ")
  const sql =
    `SELECT ${columns}, df_v.${distanceAlias} AS ${distanceAlias} FROM (${knn}) df_v JOIN ${table} ON ${table}.${key} = df_v.df_key` +
    `${bound} ORDER BY df_v.${distanceAlias}, ${keyOrder(d, model, `${table}.`)}`
  return { sql, params: p.values }
}

/** sqlite-vec not loaded: the functions and the vec0 module are missing. */
const missingExtension = (e: Errors.QueryError): boolean =>
  e._tag === "DatabaseError" && /no such (function: vec_|module: vec0)/.test(e.reason ?? "")

/** `Backend.vectorSearch` of one SQL layer. */
export const vectorSearch = (db: SqlDeps): Backend["vectorSearch"] => {
  const d = db.hooks
  return (model, q) => {
    const v = d.vectors
    if (v === undefined) {
      return Effect.fail(
        new Errors.UnsupportedFeature({
          dialect: d.name,
          feature: "vector search (this database has no vector type; use PostgreSQL with pgvector or SQLite)"
        })
      )
    }
    const ctx = contextOf(model, "vectorSearch")
    const index = model.vectorIndexes.find((i) => i.field === q.field && i.distance === q.distance)
    const decode = (rows: ReadonlyArray<Record<string, unknown>>) =>
      Effect.map(decodeAll(d, model, rows), (records) =>
        records.map((record, i) => ({ record, distance: Number(rows[i]![distanceAlias]) }))
      )
    let run: Effect.Effect<ReadonlyArray<Record<string, unknown>>, Errors.QueryError>
    if (index !== undefined && v.tuning !== undefined) {
      // fewer than k from the index (a filter it did not get past): the exact scan answers
      const search = Effect.flatMap(db.query(indexScan(d, v, model, q), ctx), (rows) =>
        rows.length < q.k ? db.query(exactScan(d, v, model, q), ctx) : Effect.succeed(rows)
      )
      const atSessionDefaults = v.sessionTuning?.efSearch === q.efSearch && q.probes === undefined
      run = atSessionDefaults
        ? search
        : db.transaction(
            Effect.zipRight(db.query(v.tuning({ efSearch: q.efSearch ?? 40, probes: q.probes }), ctx), search)
          )
    } else if (index !== undefined && v.knnTable !== undefined && v.knnDistances?.includes(q.distance) === true) {
      // a declared index that is not there (a table this library did not create: autoMigrate only
      // warns, the plan is a person's to apply) is searched by the exact scan, which gives the same answer
      const vecTable = vecTableName(model.table, q.field)
      // fewer than k (a zero vector's undefined distance took a place among the k): the exact scan answers
      run = Effect.catchIf(
        Effect.flatMap(db.query(knnScan(d, v, model, q), ctx), (rows) =>
          rows.length < q.k ? db.query(exactScan(d, v, model, q), ctx) : Effect.succeed(rows)
        ),
        (e) => e._tag === "DatabaseError" && (e.reason ?? "").includes(`no such table: ${vecTable}`),
        () => db.query(exactScan(d, v, model, q), ctx)
      )
    } else run = db.query(exactScan(d, v, model, q), ctx)
    return Effect.flatMap(
      Effect.catchIf(run, missingExtension, () =>
        Effect.fail(
          new Errors.UnsupportedFeature({
            dialect: d.name,
            feature: "vector search without the sqlite-vec extension (npm install sqlite-vec)"
          })
        )
      ),
      decode
    )
  }
}
