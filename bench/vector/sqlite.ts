/**
 * SQLite side of the vector scenario: file /tmp/bv_vec.db (deleted at the end), the table made by
 * our DDL, loaded by prepared inserts in one transaction (untimed), the vec0 index table made with
 * the exact statements our migration runs (CREATE VIRTUAL TABLE, sync triggers, backfill; timed),
 * and the raw contender: `Model.vectorSearch`'s statement (src/sql/backend/VectorSearch.ts) by hand
 * on better-sqlite3 with sqlite-vec loaded.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import Sqlite from "better-sqlite3"
import * as sqliteVec from "sqlite-vec"
import { sqliteSearch } from "../../src/dialects/sqlite/SearchTables.js"
import { row, type Vectors } from "./data.js"
import { sqliteIndexedModel, table } from "./model.js"

export const sqliteFile = path.join(os.tmpdir(), "bv_vec.db")
export const vecTable = `${table}__vec_embedding`

export const removeFile = () => {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(sqliteFile + suffix, { force: true })
}

export const open = (): Sqlite.Database => {
  const db = new Sqlite(sqliteFile)
  db.pragma("journal_mode = WAL")
  db.pragma("busy_timeout = 10000")
  sqliteVec.load(db)
  return db
}

export const versions = (db: Sqlite.Database): string => {
  const r = db.prepare("SELECT sqlite_version() AS s, vec_version() AS v").get() as { s: string; v: string }
  return `SQLite ${r.s}, sqlite-vec ${r.v}`
}

const blob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength)

/** Loads every row (untimed). */
export const load = (db: Sqlite.Database, vectors: Vectors, categoryOf: (id: number) => number) => {
  const insert = db.prepare(`INSERT INTO "${table}" ("id", "category", "embedding") VALUES (?, ?, ?)`)
  db.transaction(() => {
    for (let i = 0; i < vectors.n; i++) insert.run(i, categoryOf(i), blob(row(vectors, i)))
  })()
  db.pragma("wal_checkpoint(TRUNCATE)")
}

/** Bytes of the file (after a checkpoint) and of the vec0 table's shadow tables (dbstat). */
export const sizes = (db: Sqlite.Database): { file: number; vec0: number } => {
  db.pragma("wal_checkpoint(TRUNCATE)")
  const file = fs.statSync(sqliteFile).size
  const r = db
    .prepare(`SELECT COALESCE(SUM(pgsize), 0) AS n FROM dbstat WHERE name LIKE ? ESCAPE '\\'`)
    .get(`${vecTable.replace(/_/g, "\\_")}\\_%`) as { n: number }
  return { file, vec0: Number(r.n) }
}

/** The vec0 table as our migration makes it (timed): create, triggers, backfill, in one transaction. */
export const buildVec0 = (db: Sqlite.Database): number => {
  const info = sqliteIndexedModel.info
  const shape = sqliteSearch((id) => `"${id.replace(/"/g, '""')}"`).vector(info, info.vectorIndexes[0]!)
  if (shape === undefined) throw new Error("sqlite: no vec0 statements for the bench model")
  const t0 = performance.now()
  db.transaction(() => {
    for (const s of shape.up) db.exec(s)
  })()
  return (performance.now() - t0) / 1000
}

export const dropVec0 = (db: Sqlite.Database) => {
  for (const t of ["_ai", "_au", "_ad"]) db.exec(`DROP TRIGGER IF EXISTS "${vecTable}${t}"`)
  db.exec(`DROP TABLE IF EXISTS "${vecTable}"`)
}

/** `Model.vectorSearch`'s statements on SQLite, by hand: vec0 KNN over the admitted keys, or an exact scan. */
export const sql = {
  knn: (filtered: boolean) =>
    `SELECT "${table}"."id", "${table}"."category", df_v.df_distance AS df_distance FROM ` +
    `(SELECT "id" AS df_key, distance AS df_distance FROM "${vecTable}" WHERE "embedding" MATCH ? AND k = ?` +
    `${filtered ? ` AND "id" IN (SELECT "id" FROM "${table}" WHERE "category" = ?)` : ""}) df_v ` +
    `JOIN "${table}" ON "${table}"."id" = df_v.df_key ORDER BY df_v.df_distance, "${table}"."id" ASC`,
  exact: (k: number, filtered: boolean) =>
    `SELECT "id", "category", vec_distance_cosine("embedding", ?) AS df_distance FROM "${table}"` +
    `${filtered ? ` WHERE "category" = ? AND` : " WHERE"} "embedding" IS NOT NULL ORDER BY df_distance, "id" ASC LIMIT ${k}`
}

export interface RawSqliteQuery {
  readonly vector: Float32Array
  readonly k: number
  readonly category: number | undefined
  readonly knn: boolean
}

/** The raw contender: better-sqlite3 prepared statements (cached per shape). */
export const rawSearcher = (db: Sqlite.Database) => {
  const cache = new Map<string, Sqlite.Statement>()
  const prepared = (text: string) => {
    let s = cache.get(text)
    if (s === undefined) cache.set(text, (s = db.prepare(text)))
    return s
  }
  return (q: RawSqliteQuery): Array<number> => {
    const filtered = q.category !== undefined
    const v = blob(q.vector)
    const rows = (
      q.knn
        ? prepared(sql.knn(filtered)).all(v, q.k, ...(filtered ? [q.category] : []))
        : prepared(sql.exact(q.k, filtered)).all(v, ...(filtered ? [q.category] : []))
    ) as Array<{ id: number }>
    return rows.map((r) => r.id)
  }
}
