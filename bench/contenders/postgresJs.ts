/**
 * PostgreSQL through postgres.js with prepared statements (`prepare: true`, the same SQL text as
 * the node-postgres contenders).
 */
import postgres from "postgres"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { handSql } from "../handSql.js"
import { batchRows, chunks, type ItemInput } from "../model.js"
import { names } from "./names.js"

const q = handSql("postgres")
const listParams = [...q.listParams]

/** postgres.js on PostgreSQL. */
export const open = async (): Promise<ReadonlyArray<Contender>> => {
  const { host, port, user, password, database } = connection.pg
  const sql = postgres({
    host,
    port,
    user,
    database,
    ...(password ? { password } : {}),
    max: 10,
    prepare: true,
    onnotice: () => undefined,
    connection: { search_path: "bench", application_name: "bench-postgres-js" }
  })
  await sql`SELECT 1`
  const run = (text: string, params: Array<unknown>) => sql.unsafe(text, params as Array<never>, { prepare: true })
  const batches = async (tx: postgres.TransactionSql, text: (n: number) => string, rows: ReadonlyArray<ItemInput>) => {
    const now = new Date()
    for (const batch of chunks(rows, batchRows.postgres)) {
      await tx.unsafe(text(batch.length), q.flatValues(batch, now) as Array<never>, { prepare: true })
    }
  }
  return [
    {
      name: names.postgresJs,
      family: "raw",
      ops: {
        read: (id) => run(q.read, [id]).then((r) => r[0]),
        list: async () => {
          const [page, total] = await Promise.all([run(q.listPage, listParams), run(q.listCount, listParams)])
          return { rows: page, total: Number(total[0]!["n"]) }
        },
        count: () => run(q.listCount, listParams).then((r) => Number(r[0]!["n"])),
        insert: (row) => run(q.insert, q.values(row, new Date())),
        update: async (id, score) => {
          const r = await run(q.update, [score, new Date(), id])
          if (r.count !== 1) throw new Error(`no row ${id}`)
        },
        transaction: (readId, updateId, score, row) =>
          sql.begin(async (tx) => {
            await tx.unsafe(q.read, [readId], { prepare: true })
            await tx.unsafe(q.update, [score, new Date(), updateId] as Array<never>, { prepare: true })
            await tx.unsafe(q.insert, q.values(row, new Date()) as Array<never>, { prepare: true })
          }),
        bulkInsert: (rows) => sql.begin((tx) => batches(tx, q.insertMany, rows)),
        bulkUpsert: (rows) => sql.begin((tx) => batches(tx, q.upsertMany, rows)),
        bulkUpdate: (score) => run(q.bulkUpdate, q.bulkUpdateParams(score))
      },
      close: () => sql.end({ timeout: 5 })
    }
  ]
}
