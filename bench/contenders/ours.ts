/**
 * effect-dataflow: the model's own operations, each run with `runtime.runPromise` on one
 * ManagedRuntime built once from `Database.layer({ url })` (the layer is never rebuilt per call).
 */
import { Effect, ManagedRuntime } from "effect"
import { Database } from "../../src/index.js"
import { connection, type DialectName } from "../config.js"
import type { Contender } from "../contender.js"
import { BulkItem, bulkUpdateFilter, Item, listFilter, listLimit } from "../model.js"

export const urlFor = (dialect: DialectName): string =>
  dialect === "postgres" ? connection.pgUrl : dialect === "mysql" ? connection.mysqlUrl : connection.sqliteUrl

/** Our runtime: the Database layer with both bench models (their tables are created at start). */
export const makeRuntime = (dialect: DialectName) =>
  // SQLite in WAL mode, as the raw driver contenders set it
  ManagedRuntime.make(
    Database.layer({ url: urlFor(dialect), models: [Item, BulkItem], sqlite: { journalMode: "wal" } })
  )

export type OursRuntime = ReturnType<typeof makeRuntime>

export const oursName = "effect-dataflow"

export const oursContender = (runtime: OursRuntime): Contender => {
  const run = runtime.runPromise
  return {
    name: oursName,
    family: "ours",
    ops: {
      read: (id) => run(Item.read({ id })),
      list: () =>
        run(Item.list({ filter: listFilter, orderBy: ["age"], limit: listLimit })).then((page) => ({
          rows: page.records,
          total: page.total
        })),
      count: () => run(Item.count({ filter: listFilter })),
      insert: (row) => run(Item.create(row)),
      update: (id, score) => run(Item.update({ filter: { id }, fields: { score } })),
      transaction: (readId, updateId, score, row) =>
        run(
          Database.transaction(
            Effect.gen(function* () {
              yield* Item.read({ id: readId })
              yield* Item.update({ filter: { id: updateId }, fields: { score } })
              return yield* Item.create(row)
            })
          )
        ),
      bulkInsert: (rows) => run(BulkItem.bulkCreate({ data: rows })),
      bulkUpsert: (rows) => run(BulkItem.bulkUpsert({ data: rows })),
      bulkUpdate: (score) => run(BulkItem.bulkUpdate({ filter: bulkUpdateFilter, fields: { score } }))
    },
    notes: {
      list: "returns the page and the total (PostgreSQL: a window count in the same statement; MariaDB, SQLite: a COUNT beside the page)",
      insert: "returns the stored record",
      update: "returns the updated record",
      "bulk-insert-100k": "validates every row first; PostgreSQL: one COPY FROM STDIN per call",
      "bulk-upsert-10k":
        "counts inserted vs updated exactly (PostgreSQL: xmax = 0; MariaDB: the info line's Duplicates; SQLite: rowids above the max before)"
    },
    // the runtime is shared with setup; main.ts disposes it
    close: async () => {}
  }
}
