/**
 * PostgreSQL side of the vector scenario: its own database `bv_vec` (pgvector created there, the
 * database dropped at the end), the table made by our DDL, loaded by binary COPY (untimed), indexes
 * built and dropped by hand (timed), and the raw contender: the statements `Model.vectorSearch`
 * issues (src/sql/backend/VectorSearch.ts), hand-written, as named prepared statements on node-postgres.
 */
import { defaultEfSearch } from "../../src/model/Search.js"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { performance } from "node:perf_hooks"
import pg from "pg"
import { from as copyFrom } from "pg-copy-streams"
import { connection } from "../config.js"
import { row, type Vectors } from "./data.js"
import { type IndexVariant, table } from "./model.js"

export const pgDatabase = "bv_vec"

/** The bench server's URL on database `bv_vec`. */
export const pgVecUrl = (): string => {
  const u = new URL(connection.pgAdminUrl)
  u.pathname = `/${pgDatabase}`
  return u.toString()
}

/** Drops and creates database bv_vec with pgvector (untimed). */
export const freshDatabase = async (): Promise<void> => {
  const admin = new pg.Client({ connectionString: connection.pgAdminUrl, application_name: "bv-admin" })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${pgDatabase}`)
  } finally {
    await admin.end()
  }
  const c = await connect()
  await c.query("CREATE EXTENSION IF NOT EXISTS vector")
  await c.end()
}

export const dropDatabase = async (): Promise<void> => {
  const admin = new pg.Client({ connectionString: connection.pgAdminUrl, application_name: "bv-admin" })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`).finally(() => admin.end())
}

export const connect = async (): Promise<pg.Client> => {
  // the session settings ours opens its connections with (src/dialects/postgres/Layer.ts vectorSessionOptions)
  const c = new pg.Client({
    connectionString: pgVecUrl(),
    application_name: "bv-raw",
    options: `-c hnsw.ef_search=${defaultEfSearch} -c hnsw.iterative_scan=relaxed_order -c ivfflat.iterative_scan=relaxed_order`
  })
  await c.connect()
  return c
}

const copyHeader = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)])

/** One COPY BINARY tuple: id int4, category int4, embedding (pgvector's binary form: dim, unused, float4s). */
const tuple = (id: number, category: number, v: Float32Array): Buffer => {
  const b = Buffer.allocUnsafe(2 + 8 + 8 + 4 + 4 + 4 * v.length)
  let o = b.writeInt16BE(3, 0)
  o = b.writeInt32BE(4, o)
  o = b.writeInt32BE(id, o)
  o = b.writeInt32BE(4, o)
  o = b.writeInt32BE(category, o)
  o = b.writeInt32BE(4 + 4 * v.length, o)
  o = b.writeInt16BE(v.length, o)
  o = b.writeInt16BE(0, o)
  for (let j = 0; j < v.length; j++) o = b.writeFloatBE(v[j]!, o)
  return b
}

/** Loads every row by COPY BINARY (untimed) and analyzes the table. */
export const load = async (c: pg.Client, vectors: Vectors, categoryOf: (id: number) => number): Promise<void> => {
  async function* chunks() {
    yield copyHeader
    const batch: Array<Buffer> = []
    for (let i = 0; i < vectors.n; i++) {
      batch.push(tuple(i, categoryOf(i), row(vectors, i)))
      if (batch.length === 1000) yield Buffer.concat(batch.splice(0))
    }
    batch.push(Buffer.from([0xff, 0xff]))
    yield Buffer.concat(batch)
  }
  await pipeline(
    Readable.from(chunks()),
    c.query(copyFrom(`COPY "${table}" ("id", "category", "embedding") FROM STDIN (FORMAT binary)`))
  )
  await c.query(`VACUUM ANALYZE "${table}"`)
}

export interface Built {
  readonly name: string
  readonly seconds: number
  readonly indexBytes: number
}

/** Settings of every index build (2 cores: the leader and one worker; the graph fits in memory). */
export const buildSettings = { maintenance_work_mem: "1GB", max_parallel_maintenance_workers: 1 }

/** Creates the variant's index as our migration would (timed). */
export const buildIndex = async (c: pg.Client, name: string, v: IndexVariant): Promise<Built> => {
  await c.query(`SET maintenance_work_mem = '${buildSettings.maintenance_work_mem}'`)
  await c.query(`SET max_parallel_maintenance_workers = ${buildSettings.max_parallel_maintenance_workers}`)
  const using =
    v.method === "hnsw"
      ? `hnsw ("embedding" vector_cosine_ops) WITH (m = ${v.m}, ef_construction = ${v.efConstruction})`
      : `ivfflat ("embedding" vector_cosine_ops) WITH (lists = ${v.lists})`
  const t0 = performance.now()
  await c.query(`CREATE INDEX "${name}" ON "${table}" USING ${using}`)
  const seconds = (performance.now() - t0) / 1000
  await c.query(`ANALYZE "${table}"`)
  const r = await c.query(`SELECT pg_relation_size($1::regclass) AS n`, [`"${name}"`])
  return { name, seconds, indexBytes: Number(r.rows[0].n) }
}

export const dropIndex = (c: pg.Client, name: string) => c.query(`DROP INDEX IF EXISTS "${name}"`)

/** Heap (with TOAST and free-space/visibility maps) of the table, without its indexes; and its primary key. */
export const tableBytes = async (c: pg.Client): Promise<{ table: number; primaryKey: number }> => {
  const r = await c.query(`SELECT pg_table_size($1::regclass) AS t, pg_indexes_size($1::regclass) AS i`, [`"${table}"`])
  return { table: Number(r.rows[0].t), primaryKey: Number(r.rows[0].i) }
}

export const serverVersions = async (c: pg.Client): Promise<string> => {
  const r = await c.query(
    "SELECT current_setting('server_version') AS s, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS v"
  )
  return `PostgreSQL ${r.rows[0].s}, pgvector ${r.rows[0].v}`
}

const select = `SELECT "id", "category", ("embedding" <=> $1::vector)`
const where = (filtered: boolean) => `${filtered ? ` WHERE "category" = $2 AND` : " WHERE"} "embedding" IS NOT NULL`
const keyOrder = `"id" ASC NULLS LAST`

/** The statements of `Model.vectorSearch` (src/sql/backend/VectorSearch.ts), by hand. */
export const sql = {
  tuning: (probes: boolean) =>
    "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), " +
    `set_config('ivfflat.iterative_scan', 'relaxed_order', true)${probes ? ", set_config('ivfflat.probes', $2, true)" : ""}`,
  index: (k: number, filtered: boolean) =>
    `WITH df_s AS MATERIALIZED (${select} AS df_distance FROM "${table}"${where(filtered)} ORDER BY df_distance LIMIT ${k})` +
    ` SELECT * FROM df_s ORDER BY df_distance, ${keyOrder}`,
  exact: (k: number, filtered: boolean) =>
    `${select} + 0 AS df_distance FROM "${table}"${where(filtered)} ORDER BY df_distance, ${keyOrder} LIMIT ${k}`
}

export interface RawQuery {
  readonly text: string
  readonly k: number
  readonly category: number | undefined
  /** Index search settings; undefined = exact scan (no index: ours issues the exact statement alone). */
  readonly tuning: { readonly efSearch: number; readonly probes: number | undefined } | undefined
}

type Row = { id: number }

/** The raw contender: the same statement sequence, named prepared statements. */
export const rawSearch = async (c: pg.Client, q: RawQuery): Promise<Array<number>> => {
  const filtered = q.category !== undefined
  const params = filtered ? [q.text, q.category] : [q.text]
  const suffix = `${q.k}${filtered ? "f" : ""}`
  if (q.tuning === undefined) {
    const r = await c.query<Row>({ name: `bv_exact_${suffix}`, text: sql.exact(q.k, filtered), values: params })
    return r.rows.map((x) => x.id)
  }
  const probes = q.tuning.probes !== undefined
  if (q.tuning.efSearch === defaultEfSearch && !probes) {
    // at the session's settings ours issues the index statement alone (and the exact one if fewer than k)
    let r = await c.query<Row>({ name: `bv_index_${suffix}`, text: sql.index(q.k, filtered), values: params })
    if (r.rows.length < q.k)
      r = await c.query<Row>({ name: `bv_exact_${suffix}`, text: sql.exact(q.k, filtered), values: params })
    return r.rows.map((x) => x.id)
  }
  await c.query("BEGIN")
  try {
    await c.query({
      name: `bv_tuning${probes ? "_p" : ""}`,
      text: sql.tuning(probes),
      values: probes ? [String(q.tuning.efSearch), String(q.tuning.probes)] : [String(q.tuning.efSearch)]
    })
    let r = await c.query<Row>({ name: `bv_index_${suffix}`, text: sql.index(q.k, filtered), values: params })
    if (r.rows.length < q.k)
      r = await c.query<Row>({ name: `bv_exact_${suffix}`, text: sql.exact(q.k, filtered), values: params })
    await c.query("COMMIT")
    return r.rows.map((x) => x.id)
  } catch (e) {
    await c.query("ROLLBACK")
    throw e
  }
}
