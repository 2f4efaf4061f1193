// The checkout with the typed builder: node parameters are functions of earlier results, and the
// type checker knows them (`check_stock.stock` is a number; a wrong field or node does not compile).
// A condition routes: out of stock, the order and stock update are skipped instead of failing.
import { Effect, Schema } from "effect"
import { DataFlow, Database, Workflow } from "effect-dataflow"
import { Order, Product } from "./shop/Models.js"

const checkout = Workflow.typed("checkout", {
  models: [Product, Order],
  inputs: { productId: Schema.String, quantity: Schema.Int }
})
  .node("check_stock", "ProductReadNode", { params: (_, input) => ({ id: input.productId }) })
  .condition("in_stock", {
    after: ["check_stock"],
    when: ({ check_stock }, input) => check_stock.stock >= input.quantity
  })
  .node("create_order", "OrderCreateNode", {
    after: ["check_stock"],
    if: "in_stock",
    params: ({ check_stock }, input) => ({
      productId: check_stock.id,
      quantity: input.quantity,
      status: "pending" as const
    })
  })
  .node("update_stock", "ProductUpdateNode", {
    after: ["check_stock", "create_order"],
    params: ({ check_stock, create_order }) => ({
      filter: { id: check_stock.id },
      fields: { stock: check_stock.stock - create_order.quantity }
    })
  })
  .transactional()

const main = Effect.gen(function* () {
  yield* Order.bulkDelete({ filter: {}, confirmed: true })
  yield* Product.bulkUpsert({ data: [{ id: "p1", name: "Keyboard", stock: 10 }] })

  const ok = yield* Workflow.run(checkout, { productId: "p1", quantity: 3 })
  const updated = ok.results.update_stock // Product record | Skipped
  console.log("stock left:", Workflow.isSkipped(updated) ? "(skipped)" : updated.stock)

  const routed = yield* Workflow.run(checkout, { productId: "p1", quantity: 30 })
  console.log(
    "out of stock:",
    routed.results.in_stock.branch,
    "— create_order:",
    Workflow.isSkipped(routed.results.create_order) ? "skipped" : "ran"
  )

  console.log("stock:", (yield* Product.read({ id: "p1" })).stock, "— orders:", yield* Order.count()) // 7, 1
})

Effect.runPromise(main.pipe(Effect.provide(Database.layerFromEnv({ models: [Product, Order] })))).catch((e) => {
  console.error(e)
  process.exit(1)
})
