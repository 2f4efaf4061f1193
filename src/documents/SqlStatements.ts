/**
 * The SQL statements of the document API on one table (docs/documents.md, "The table on SQL"):
 * pure builders from checked input to SQL text and parameters, through the dialect's document
 * hooks. src/documents/SqlCollection.ts runs them.
 *
 * @since 0.1.0
 */
import { type Compiled, pageClause } from "../sql/Compiler.js"
import type { Dialect } from "../sql/Dialect.js"
import type { SortKeys } from "./CheckPipeline.js"
import type { FilterIR } from "./FilterIR.js"
import { compileFilter, compileSort, Params } from "./SqlFilter.js"
import type { DocumentHooks } from "./SqlHooks.js"

/** A dialect's quoting and placeholders with its document hooks. */
export interface DocumentDialect {
  readonly sql: Pick<Dialect, "name" | "quote" | "placeholder" | "forUpdate" | "documents">
  readonly docs: DocumentHooks
}

const cols = { id: "id", doc: "doc" } as const

/** SELECT id, doc of the matching rows, sorted (ties by id), paged. */
export const selectDocs = (
  d: DocumentDialect,
  table: string,
  filter: FilterIR,
  options: { readonly sort?: SortKeys; readonly skip?: number; readonly limit?: number; readonly lock?: boolean } = {}
): Compiled => {
  const params = new Params(d.sql.placeholder)
  const where = compileFilter(d.docs, cols, filter, params)
  const order = compileSort(d.docs, cols.doc, cols.id, options.sort ?? [])
  const lock = options.lock === true && d.sql.forUpdate.trim() !== "" ? ` ${d.sql.forUpdate.trim()}` : ""
  return {
    sql: `SELECT id, doc FROM ${d.sql.quote(table)} WHERE ${where} ORDER BY ${order}${pageClause(options.limit !== undefined && options.limit > 0 ? options.limit : undefined, options.skip ?? 0)}${lock}`,
    params: params.values
  }
}

/** SELECT COUNT(*) AS n of the matching rows. */
export const countDocs = (d: DocumentDialect, table: string, filter: FilterIR): Compiled => {
  const params = new Params(d.sql.placeholder)
  const where = compileFilter(d.docs, cols, filter, params)
  return { sql: `SELECT COUNT(*) AS n FROM ${d.sql.quote(table)} WHERE ${where}`, params: params.values }
}

/** DELETE the matching rows (with `id`: only that row, if it still matches). */
export const deleteDocs = (d: DocumentDialect, table: string, filter: FilterIR, id?: string): Compiled => {
  const params = new Params(d.sql.placeholder)
  const one = id === undefined ? "" : `id = ${params.add(id)} AND `
  const where = compileFilter(d.docs, cols, filter, params)
  return { sql: `DELETE FROM ${d.sql.quote(table)} WHERE ${one}${where}`, params: params.values }
}

/** INSERT rows of (id, JSON text of the document without `_id`). */
export const insertDocs = (
  d: DocumentDialect,
  table: string,
  rows: ReadonlyArray<{ readonly id: string; readonly json: string }>
): Compiled => {
  const params = new Params(d.sql.placeholder)
  const values = rows.map((r) => `(${params.add(r.id)}, ${d.docs.docParam(params.add(r.json))})`)
  return { sql: `INSERT INTO ${d.sql.quote(table)} (id, doc) VALUES ${values.join(", ")}`, params: params.values }
}

/** UPDATE one row's document. */
export const updateDoc = (d: DocumentDialect, table: string, id: string, json: string): Compiled => {
  const params = new Params(d.sql.placeholder)
  const doc = d.docs.docParam(params.add(json))
  return { sql: `UPDATE ${d.sql.quote(table)} SET doc = ${doc} WHERE id = ${params.add(id)}`, params: params.values }
}

/** The SQL name of an index: the table's name, then the index's own (index names are per schema on PostgreSQL). */
export const indexName = (table: string, name: string): string => `${table}__${name}`.slice(0, 63)

/** The statements creating an index of `keys` (MongoDB's key pattern). */
export const createIndexStatements = (
  d: DocumentDialect,
  table: string,
  name: string,
  keys: ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly descending: boolean }>,
  unique: boolean
): ReadonlyArray<string> =>
  d.docs.createIndex(
    d.sql.quote(table),
    indexName(table, name),
    keys.map((k) => ({
      expr: k.path.length === 1 && k.path[0] === "_id" ? "id" : d.docs.indexKey("doc", k.path),
      descending: k.descending
    })),
    unique
  )
