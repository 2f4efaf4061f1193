/** Our side: `Database.collection(name)` on one ManagedRuntime built once (never per call). */
import { Effect, ManagedRuntime } from "effect"
import { Database } from "../../src/index.js"
import type { DialectName } from "../config.js"
import { urlFor } from "../contenders/ours.js"
import { chosenStatus, collectionName, type DocOps, findLimit } from "./ops.js"

/** Opens the collection (dropped and created anew: its table is our DDL) and returns our operations. */
export const openOurs = async (dialect: DialectName): Promise<DocOps> => {
  const runtime = ManagedRuntime.make(Database.layer({ url: urlFor(dialect), sqlite: { journalMode: "wal" } }))
  const open = Effect.flatMap(Database.Database, (db) => db.collection(collectionName))
  const first = await runtime.runPromise(open)
  await runtime.runPromise(first.drop())
  const c = await runtime.runPromise(open)
  const run = runtime.runPromise
  return {
    insertOne: (doc) => run(c.insertOne({ ...doc })),
    find: () => run(c.find({ status: chosenStatus }, { sort: { _id: 1 }, limit: findLimit })),
    updateOne: (id, n) => run(c.updateOne({ _id: id }, { $set: { n } })),
    count: () => run(c.count({ status: chosenStatus })),
    aggregate: () =>
      run(
        c.aggregate([
          { $match: { status: chosenStatus } },
          { $group: { _id: "$category", total: { $sum: "$amount" } } },
          { $sort: { _id: 1 } }
        ])
      ) as Promise<ReadonlyArray<{ _id: unknown; total: unknown }>>,
    close: () => runtime.dispose()
  }
}

/** Seeds through our insertMany (all-or-nothing, in batches of 1000). */
export const seedOurs = async (dialect: DialectName, docs: ReadonlyArray<{ readonly _id: string }>) => {
  const runtime = ManagedRuntime.make(Database.layer({ url: urlFor(dialect) }))
  try {
    const c = await runtime.runPromise(Effect.flatMap(Database.Database, (db) => db.collection(collectionName)))
    for (let i = 0; i < docs.length; i += 1000) await runtime.runPromise(c.insertMany(docs.slice(i, i + 1000) as never))
  } finally {
    await runtime.dispose()
  }
}
