// The checkout written as plain Effect composition (no workflow API): read stock, create an order,
// update stock — in one transaction. Asking for more than is in stock fails at the last step (stock
// may not go negative), and the order created before it is rolled back with it.
// The same checkout as a declarative workflow: examples/checkout-workflow.ts.
import { Effect } from "effect"
import { DataFlow, Database } from "effect-dataflow"
import { Order, Product } from "./shop/Models.js"

/** Read stock, create the order, update stock: all or nothing. Fails with the operations' own typed errors. */
const checkout = (productId: string, quantity: number) =>
  Database.transaction(
    Effect.gen(function* () {
      const product = yield* Product.read({ id: productId })
      const order = yield* Order.create({ productId, quantity, status: "pending" })
      const updated = yield* Product.update({ filter: { id: productId }, fields: { stock: product.stock - quantity } })
      return { order, stock: updated.stock }
    })
  )

const main = Effect.gen(function* () {
  yield* Order.bulkDelete({ filter: {}, confirmed: true })
  yield* Product.bulkUpsert({ data: [{ id: "p1", name: "Keyboard", stock: 10 }] })

  const { order, stock } = yield* checkout("p1", 3)
  console.log("order", order.status, "for", order.quantity, "— stock left:", stock)

  const refused = yield* checkout("p1", 30).pipe(
    Effect.catchTag("ValidationError", (e) => Effect.succeed(`refused at the last step (${e.path}: ${e.reason})`))
  )
  console.log(refused)
  const missing = yield* checkout("nope", 1).pipe(
    Effect.catchTag("NotFound", (e) => Effect.succeed(`no ${e.model} with that id`))
  )
  console.log(missing)

  console.log("stock:", (yield* Product.read({ id: "p1" })).stock, "— orders:", yield* Order.count()) // 7, 1
})

Effect.runPromise(main.pipe(Effect.provide(Database.layerFromEnv({ models: [Product, Order] })))).catch((e) => {
  console.error(e)
  process.exit(1)
})
