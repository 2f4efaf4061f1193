/**
 * MariaDB raw driver at its fastest: mysql2 `execute` (server-side prepared statements, cached per
 * connection) for single rows and multi-row inserts; mysql2 `query` with client-side escaping
 * (`VALUES ?`) as the other multi-row form.
 */
import mysql from "mysql2/promise"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { handSql } from "../handSql.js"
import { names } from "./names.js"
import { batchRows, bulkTable, chunks, type ItemInput, selectColumns } from "../model.js"

const q = handSql("mysql")
const listParams = [...q.listParams]

type Result = mysql.ResultSetHeader

const inTransaction = async <A>(pool: mysql.Pool, f: (c: mysql.PoolConnection) => Promise<A>): Promise<A> => {
  const conn = await pool.getConnection()
  try {
    await conn.query("START TRANSACTION")
    const out = await f(conn)
    await conn.query("COMMIT")
    return out
  } catch (e) {
    await conn.query("ROLLBACK").catch(() => undefined)
    throw e
  } finally {
    conn.release()
  }
}

const open = async (): Promise<ReadonlyArray<Contender>> => {
  const { host, port, user, password, database } = connection.mysql
  const pool = mysql.createPool({
    host,
    port,
    user,
    database,
    ...(password ? { password } : {}),
    connectionLimit: 10,
    timezone: "Z",
    charset: "utf8mb4"
  })
  await pool.query("SELECT 1")
  const exec = (sql: string, params: Array<unknown>) => pool.execute(sql, params as Array<never>)
  const executeBatches = (c: mysql.PoolConnection, sql: (n: number) => string, rows: ReadonlyArray<ItemInput>) =>
    (async () => {
      const now = new Date()
      for (const batch of chunks(rows, batchRows.mysql))
        await c.execute(sql(batch.length), q.flatValues(batch, now) as Array<never>)
    })()
  const execute: Contender = {
    name: names.mysqlExecute,
    family: "raw",
    ops: {
      read: (id) => exec(q.read, [id]).then(([rows]) => (rows as Array<unknown>)[0]),
      list: async () => {
        const [[page], [total]] = await Promise.all([exec(q.listPage, listParams), exec(q.listCount, listParams)])
        return { rows: page as Array<unknown>, total: Number((total as Array<{ n: number }>)[0]!.n) }
      },
      count: () => exec(q.listCount, listParams).then(([rows]) => Number((rows as Array<{ n: number }>)[0]!.n)),
      insert: (row) => exec(q.insert, q.values(row, new Date())),
      update: async (id, score) => {
        const [r] = await exec(q.update, [score, new Date(), id])
        if ((r as Result).affectedRows !== 1) throw new Error(`no row ${id}`)
      },
      transaction: (readId, updateId, score, row) =>
        inTransaction(pool, async (c) => {
          await c.execute(q.read, [readId])
          await c.execute(q.update, [score, new Date(), updateId])
          await c.execute(q.insert, q.values(row, new Date()) as Array<never>)
        }),
      bulkInsert: (rows) => inTransaction(pool, (c) => executeBatches(c, q.insertMany, rows)),
      bulkUpsert: (rows) => inTransaction(pool, (c) => executeBatches(c, q.upsertMany, rows)),
      bulkUpdate: (score) => exec(q.bulkUpdate, q.bulkUpdateParams(score))
    },
    notes: {
      "bulk-insert-10k": "multi-row prepared INSERT, 1000 rows per statement, one transaction",
      "bulk-insert-100k": "multi-row prepared INSERT, 1000 rows per statement, one transaction"
    },
    close: async () => {}
  }
  const upsertTail = q.upsertMany(1).slice(q.insertMany(1).length)
  const queryBatches = (c: mysql.PoolConnection, tail: string, rows: ReadonlyArray<ItemInput>) =>
    (async () => {
      const now = new Date()
      for (const batch of chunks(rows, batchRows.mysql)) {
        await c.query(`INSERT INTO ${bulkTable} (${selectColumns}) VALUES ?${tail}`, [
          batch.map((r) => q.values(r, now))
        ])
      }
    })()
  const query: Contender = {
    name: names.mysqlQuery,
    family: "raw",
    ops: {
      bulkInsert: (rows) => inTransaction(pool, (c) => queryBatches(c, "", rows)),
      bulkUpsert: (rows) => inTransaction(pool, (c) => queryBatches(c, upsertTail, rows))
    },
    notes: {
      "bulk-insert-10k": "client-escaped VALUES ?, 1000 rows per statement, one transaction",
      "bulk-insert-100k": "client-escaped VALUES ?, 1000 rows per statement, one transaction"
    },
    close: () => pool.end()
  }
  return [execute, query]
}

export { open }
