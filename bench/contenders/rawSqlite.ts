/**
 * SQLite raw driver at its fastest: better-sqlite3 prepared statements (cached), multi-row
 * inserts of 100 rows per statement inside `db.transaction`.
 */
import Sqlite from "better-sqlite3"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { handSql } from "../handSql.js"
import { names } from "./names.js"
import { batchRows, chunks, type ItemInput } from "../model.js"

const q = handSql("sqlite")
const listParams = [...q.listParams]

const open = async (): Promise<ReadonlyArray<Contender>> => {
  const db = new Sqlite(connection.sqliteFile)
  db.pragma("journal_mode = WAL")
  db.pragma("busy_timeout = 10000")
  const cache = new Map<string, Sqlite.Statement>()
  const stmt = (sql: string) => {
    let s = cache.get(sql)
    if (s === undefined) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  const read = stmt(q.read)
  const listPage = stmt(q.listPage)
  const listCount = stmt(q.listCount)
  const insert = stmt(q.insert)
  const update = stmt(q.update)
  const bulkUpdate = stmt(q.bulkUpdate)
  const batches = (sql: (n: number) => string) =>
    db.transaction((rows: ReadonlyArray<ItemInput>) => {
      const now = new Date().toISOString()
      for (const batch of chunks(rows, batchRows.sqlite)) stmt(sql(batch.length)).run(q.flatValues(batch, now))
    })
  const insertMany = batches(q.insertMany)
  const upsertMany = batches(q.upsertMany)
  const updateOne = (id: string, score: number) => {
    if (update.run(score, new Date().toISOString(), id).changes !== 1) throw new Error(`no row ${id}`)
  }
  const transaction = db.transaction((readId: string, updateId: string, score: number, row: ItemInput) => {
    read.get(readId)
    updateOne(updateId, score)
    insert.run(q.values(row, new Date().toISOString()))
  })
  // Rows as arrays (`.raw(true)`) turned into objects by hand: what Drizzle does; sometimes faster
  const readRaw = db.prepare(q.read).raw(true)
  const pageRaw = db.prepare(q.listPage).raw(true)
  const columnNames = readRaw.columns().map((c) => c.name)
  const toObject = (row: Array<unknown>) => {
    const o: Record<string, unknown> = {}
    for (let i = 0; i < columnNames.length; i++) o[columnNames[i]!] = row[i]
    return o
  }
  const arrays: Contender = {
    name: names.sqliteArrays,
    family: "raw",
    ops: {
      read: async (id) => {
        const row = readRaw.get(id) as Array<unknown> | undefined
        return row === undefined ? undefined : toObject(row)
      },
      list: async () => ({
        rows: (pageRaw.all(listParams) as Array<Array<unknown>>).map(toObject),
        total: Number((listCount.get(listParams) as { n: number }).n)
      })
    },
    close: async () => {}
  }
  return [
    {
      name: names.sqlitePrepared,
      family: "raw",
      ops: {
        read: async (id) => read.get(id),
        list: async () => ({
          rows: listPage.all(listParams),
          total: Number((listCount.get(listParams) as { n: number }).n)
        }),
        count: async () => Number((listCount.get(listParams) as { n: number }).n),
        insert: async (row) => insert.run(q.values(row, new Date().toISOString())),
        update: async (id, score) => updateOne(id, score),
        transaction: async (readId, updateId, score, row) => transaction(readId, updateId, score, row),
        bulkInsert: async (rows) => insertMany(rows),
        bulkUpsert: async (rows) => upsertMany(rows),
        bulkUpdate: async (score) => bulkUpdate.run(q.bulkUpdateParams(score))
      },
      notes: {
        "bulk-insert-10k": "100 rows per statement, one transaction",
        "bulk-insert-100k": "100 rows per statement, one transaction"
      },
      close: async () => void db.close()
    },
    arrays
  ]
}

export { open }
