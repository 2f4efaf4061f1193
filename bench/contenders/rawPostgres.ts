/**
 * PostgreSQL raw driver at its fastest: node-postgres with named (prepared) statements, COPY
 * through pg-copy-streams, `unnest` arrays.
 */
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import pg from "pg"
import { from as copyFrom } from "pg-copy-streams"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { handSql } from "../handSql.js"
import { names } from "./names.js"
import { batchRows, bulkTable, chunks, type ItemInput, selectColumns } from "../model.js"

const q = handSql("postgres")
const listParams = [...q.listParams]

const withClient = async <A>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<A>): Promise<A> => {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    const out = await f(client)
    await client.query("COMMIT")
    return out
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw e
  } finally {
    client.release()
  }
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyText = (v: string) =>
  /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!)
    : v

function* copyLines(rows: ReadonlyArray<ItemInput>, now: string): Generator<string> {
  for (const batch of chunks(rows, 1000)) {
    let text = ""
    for (const r of batch) {
      text += `${copyText(r.id)}\t${copyText(r.name)}\t${copyText(r.email)}\t${r.age}\t${r.active ? "t" : "f"}\t${r.score}\t${now}\t${now}\n`
    }
    yield text
  }
}

const unnestSql = `INSERT INTO ${bulkTable} (${selectColumns}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::float8[], $7::timestamptz[], $8::timestamptz[])`

const pgFamily = async (): Promise<ReadonlyArray<Contender>> => {
  const pool = new pg.Pool({ connectionString: connection.pgUrl, max: 10, application_name: "bench-pg" })
  await pool.query("SELECT 1")
  const named = (name: string, text: string, values: Array<unknown>) => pool.query({ name, text, values })
  const insertBatches = (
    client: pg.PoolClient,
    sql: (n: number) => string,
    tag: string,
    rows: ReadonlyArray<ItemInput>
  ) =>
    (async () => {
      const now = new Date()
      for (const batch of chunks(rows, batchRows.postgres)) {
        await client.query({
          name: `${tag}_${batch.length}`,
          text: sql(batch.length),
          values: q.flatValues(batch, now)
        })
      }
    })()
  const prepared: Contender = {
    name: names.pgPrepared,
    family: "raw",
    ops: {
      read: (id) => named("read", q.read, [id]).then((r) => r.rows[0]),
      list: async () => {
        const [page, total] = await Promise.all([
          named("list_page", q.listPage, listParams),
          named("list_count", q.listCount, listParams)
        ])
        return { rows: page.rows, total: Number(total.rows[0].n) }
      },
      count: () => named("list_count", q.listCount, listParams).then((r) => Number(r.rows[0].n)),
      insert: (row) => named("insert", q.insert, q.values(row, new Date())),
      update: async (id, score) => {
        const r = await named("update", q.update, [score, new Date(), id])
        if (r.rowCount !== 1) throw new Error(`no row ${id}`)
      },
      transaction: (readId, updateId, score, row) =>
        withClient(pool, async (c) => {
          await c.query({ name: "read", text: q.read, values: [readId] })
          await c.query({ name: "update", text: q.update, values: [score, new Date(), updateId] })
          await c.query({ name: "insert", text: q.insert, values: q.values(row, new Date()) })
        }),
      bulkInsert: (rows) => withClient(pool, (c) => insertBatches(c, q.insertMany, "bulk_insert", rows)),
      bulkUpsert: (rows) => withClient(pool, (c) => insertBatches(c, q.upsertMany, "bulk_upsert", rows)),
      bulkUpdate: (score) => named("bulk_update", q.bulkUpdate, q.bulkUpdateParams(score))
    },
    notes: {
      "bulk-insert-10k": "multi-row VALUES, 1000 rows per statement, one transaction",
      "bulk-insert-100k": "multi-row VALUES, 1000 rows per statement, one transaction"
    },
    close: async () => {}
  }
  // Rows as arrays (rowMode "array", as Drizzle reads them) turned into objects by hand
  const arrayRows = async (name: string, text: string, values: Array<unknown>) => {
    const r = await pool.query({ name, text, values, rowMode: "array" })
    const columnNames = r.fields.map((f) => f.name)
    return (r.rows as Array<Array<unknown>>).map((row) => {
      const o: Record<string, unknown> = {}
      for (let i = 0; i < columnNames.length; i++) o[columnNames[i]!] = row[i]
      return o
    })
  }
  const arrays: Contender = {
    name: names.pgArrays,
    family: "raw",
    ops: {
      read: (id) => arrayRows("read_a", q.read, [id]).then((rows) => rows[0]),
      list: async () => {
        const [rows, total] = await Promise.all([
          arrayRows("list_page_a", q.listPage, listParams),
          named("list_count", q.listCount, listParams)
        ])
        return { rows, total: Number(total.rows[0].n) }
      }
    },
    close: async () => {}
  }
  const copy: Contender = {
    name: names.pgCopy,
    family: "raw",
    ops: {
      bulkInsert: async (rows) => {
        const client = await pool.connect()
        try {
          const now = new Date().toISOString()
          await pipeline(
            Readable.from(copyLines(rows, now)),
            client.query(copyFrom(`COPY ${bulkTable} (${selectColumns}) FROM STDIN`))
          )
        } finally {
          client.release()
        }
      }
    },
    close: async () => {}
  }
  const unnest: Contender = {
    name: names.pgUnnest,
    family: "raw",
    ops: {
      bulkInsert: (rows) =>
        withClient(pool, async (c) => {
          const now = new Date()
          for (const batch of chunks(rows, 10_000)) {
            const times = batch.map(() => now)
            await c.query(unnestSql, [
              batch.map((r) => r.id),
              batch.map((r) => r.name),
              batch.map((r) => r.email),
              batch.map((r) => r.age),
              batch.map((r) => r.active),
              batch.map((r) => r.score),
              times,
              times
            ])
          }
        })
    },
    notes: { "bulk-insert-10k": "10,000 rows per statement", "bulk-insert-100k": "10,000 rows per statement" },
    close: async () => {}
  }
  return [prepared, arrays, copy, { ...unnest, close: () => pool.end() }]
}

/** node-postgres contenders on PostgreSQL. */
export const open = pgFamily
