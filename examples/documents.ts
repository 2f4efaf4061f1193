/**
 * The document API: orders kept as schemaless documents beside the typed models, queried with
 * MongoDB's language on whatever `DATABASE_URL` names (SQLite by default; PostgreSQL JSONB, MariaDB
 * JSON or MongoDB alike). It asserts its own answers, then drops its collection.
 *
 *   npx tsx examples/documents.ts
 */
import { Effect } from "effect"
import { Database } from "effect-dataflow"

const check = (what: string, ok: boolean) => (ok ? Effect.void : Effect.dieMessage(`documents example: ${what}`))

const program = Effect.gen(function* () {
  const orders = yield* Database.collection("example_orders")
  yield* orders.drop()
  yield* orders.createIndex({ status: 1 })
  yield* orders.insertMany([
    { _id: "o1", status: "done", category: "books", amount: 12, tags: ["gift"] },
    { _id: "o2", status: "done", category: "games", amount: 30, tags: [] },
    { _id: "o3", status: "open", category: "books", amount: 8 },
    { _id: "o4", status: "done", category: "books", amount: 20, tags: ["gift", "rush"] }
  ])

  // equality on an array field matches any element, as on MongoDB
  const gifts = yield* orders.find({ tags: "gift" }, { sort: { amount: -1 }, projection: { amount: 1 } })
  yield* check(
    "gifts",
    JSON.stringify(gifts) ===
      JSON.stringify([
        { _id: "o4", amount: 20 },
        { _id: "o1", amount: 12 }
      ])
  )

  const { modified } = yield* orders.updateMany({ status: "open" }, { $set: { status: "done" }, $inc: { amount: 1 } })
  yield* check("updateMany", modified === 1)

  const totals = yield* orders.aggregate([
    { $match: { status: "done" } },
    { $group: { _id: "$category", total: { $sum: "$amount" }, orders: { $count: {} } } },
    { $sort: { total: -1 } }
  ])
  console.log(totals) // [ { _id: 'books', total: 41, orders: 3 }, { _id: 'games', total: 30, orders: 1 } ]
  yield* check(
    "totals",
    JSON.stringify(totals) ===
      JSON.stringify([
        { _id: "books", total: 41, orders: 3 },
        { _id: "games", total: 30, orders: 1 }
      ])
  )

  // outside the checked subset: a typed refusal naming the stage, before anything runs
  const refused = yield* Effect.flip(orders.aggregate([{ $lookup: { from: "users" } }]))
  console.log(refused._tag, refused.message)
  yield* check("refusal", refused._tag === "UnsupportedFeature")

  yield* orders.drop()
})

Effect.runPromise(program.pipe(Effect.provide(Database.layerFromEnv())))
