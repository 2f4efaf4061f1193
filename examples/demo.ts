// `npm run demo`: the main job on the embedded SQLite default (./dataflow.db), no setup.
// Models, the 11 operations, a transaction that rolls back, and typed errors handled by tag.
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "effect-dataflow"

const Product = DataFlow.model("Product", {
  id: Schema.String,
  name: Schema.String,
  price: Schema.Number,
  stock: Schema.Int,
  tags: Schema.Array(Schema.String)
})

const Order = DataFlow.model(
  "Order",
  {
    id: Schema.UUID,
    productId: Schema.String,
    quantity: Schema.Int,
    status: Schema.Literal("pending", "paid", "shipped")
  },
  { indexes: [["productId"]] }
)

class OutOfStock extends Schema.TaggedError<OutOfStock>()("OutOfStock", { productId: Schema.String }) {}

/** Reads stock, creates an order and decrements stock — all or nothing. */
const checkout = (productId: string, quantity: number) =>
  Database.transaction(
    Effect.gen(function* () {
      const product = yield* Product.read({ id: productId })
      if (product.stock < quantity) return yield* new OutOfStock({ productId })
      const order = yield* Order.create({ productId, quantity, status: "pending" })
      yield* Product.update({ filter: { id: productId }, fields: { stock: product.stock - quantity } })
      return order
    })
  )

const main = Effect.gen(function* () {
  yield* Order.bulkDelete({ filter: {}, confirmed: true })
  const seeded = yield* Product.bulkUpsert({
    data: [
      { id: "p1", name: "Keyboard", price: 49.5, stock: 10, tags: ["desk", "input"] },
      { id: "p2", name: "Mouse", price: 19, stock: 2, tags: ["desk", "input"] },
      { id: "p3", name: "Lamp", price: 30, stock: 0, tags: ["desk", "light"] }
    ]
  })
  console.log("seeded products:", seeded)

  const order = yield* checkout("p1", 3)
  console.log("order:", order.id, order.status, "stock left:", (yield* Product.read({ id: "p1" })).stock)

  const refused = yield* checkout("p2", 5).pipe(
    Effect.catchTag("OutOfStock", (e) => Effect.succeed(`refused: ${e.productId} is out of stock`))
  )
  console.log(refused, "— orders for p2:", yield* Order.count({ filter: { productId: "p2" } }))

  const missing = yield* checkout("nope", 1).pipe(
    Effect.catchTag("NotFound", (e) => Effect.succeed(`no ${e.model} with that id`))
  )
  console.log(missing)

  const page = yield* Product.list({ filter: { tags: { $contains: "input" } }, orderBy: ["-price"], limit: 1 })
  console.log(
    "first page:",
    page.records.map((p) => p.name),
    "total:",
    page.total
  )
  const next = yield* Product.list({
    filter: { tags: { $contains: "input" } },
    orderBy: ["-price"],
    limit: 1,
    cursor: page.nextCursor
  })
  console.log(
    "next page:",
    next.records.map((p) => p.name),
    "nextCursor:",
    next.nextCursor
  )

  const { updated } = yield* Product.bulkUpdate({ filter: { stock: { $lte: 0 } }, fields: { tags: ["sold-out"] } })
  console.log("marked sold out:", updated)

  const everything = yield* Effect.flip(Product.bulkDelete({ filter: {} }))
  console.log("bulkDelete without a filter:", everything._tag)

  const bad = yield* Effect.flip(Product.list({ filter: { price: { $near: 3 } } as never }))
  console.log("unknown operator:", bad._tag, "-", bad.message)
})

Effect.runPromise(main.pipe(Effect.provide(Database.layerFromEnv()))).catch((e) => {
  console.error(e)
  process.exit(1)
})
