/**
 * The SQL family's implementation of the backend contract (src/backend/Backend.ts), built once per
 * Database layer over its executor: every statement text comes from src/sql (compiled once per model
 * and shape where a hot path needs it, src/sql/backend/Plans.ts).
 *
 * @since 0.1.0
 */
import type { Backend } from "../../backend/Backend.js"
import { batchRows, bulkInsert, insertBatch } from "./BulkInsert.js"
import { bulkUpsert } from "./BulkUpsert.js"
import type { SqlDeps } from "./Deps.js"
import { count, find, readById } from "./Read.js"
import { textSearch } from "./TextSearch.js"
import { upsert } from "./Upsert.js"
import { vectorSearch } from "./VectorSearch.js"
import { deleteWhere, insert, updateById, updateWhere } from "./Write.js"

export type { SqlDeps } from "./Deps.js"

/** The backend of one SQL Database layer. */
export const makeSqlBackend = (db: SqlDeps): Backend => ({
  readById: readById(db),
  find: find(db),
  count: count(db),
  insert: insert(db),
  updateById: updateById(db),
  updateWhere: updateWhere(db),
  deleteWhere: deleteWhere(db),
  upsert: upsert(db),
  batchRows: batchRows(db),
  insertBatch: insertBatch(db),
  bulkInsert: bulkInsert(db),
  bulkUpsert: bulkUpsert(db),
  vectorSearch: vectorSearch(db),
  textSearch: textSearch(db),
  transaction: (effect) => db.transaction(effect)
})
