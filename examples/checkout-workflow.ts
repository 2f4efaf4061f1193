// The checkout as a declarative workflow: the same three steps as examples/checkout-effect.ts, in one
// transaction, built with the builder — and the same definition loaded from checkout.workflow.json
// through the Definition Schema. Node types (ProductReadNode, …) resolve against the models given
// to the Database layer.
import { Effect, Schema } from "effect"
import { DataFlow, Database, Workflow } from "effect-dataflow"
import { readFileSync } from "node:fs"
import { Order, Product } from "./shop/Models.js"

const checkout = Workflow.make("checkout")
  .addNode("ProductReadNode", "check_stock", { id: "{productId}" })
  .addNode("OrderCreateNode", "create_order", { quantity: "{quantity}", status: "pending" })
  .addCompute("new_stock", { $subtract: [{ $ref: "check_stock.stock" }, "{quantity}"] })
  .addNode("ProductUpdateNode", "update_stock", { filter: { id: "{productId}" } }, { after: ["create_order"] })
  .connect("check_stock", "id", "create_order", "productId")
  .connect("new_stock", "", "update_stock", "fields.stock")
  .transactional()

const main = Effect.gen(function* () {
  yield* Order.bulkDelete({ filter: {}, confirmed: true })
  yield* Product.bulkUpsert({ data: [{ id: "p1", name: "Keyboard", stock: 10 }] })

  // the JSON file is the same definition
  const stored = yield* Workflow.fromJson(readFileSync(new URL("./checkout.workflow.json", import.meta.url), "utf8"))
  const same = (yield* Workflow.toJson(stored)) === (yield* Workflow.toJson(checkout))
  console.log("checkout.workflow.json is the builder's definition:", same)

  const { runId, results } = yield* Workflow.run(stored, { productId: "p1", quantity: 3 })
  const update = results["update_stock"] as typeof Product.Type
  console.log("run", runId.slice(0, 8), "— nodes:", Object.keys(results).join(", "), "— stock left:", update.stock)

  // the last step fails (stock may not go negative): NodeFailed names it and carries its own error
  const failed = yield* Effect.flip(Workflow.run(checkout, { productId: "p1", quantity: 30 }))
  if (failed._tag === "NodeFailed")
    console.log("failed at", failed.nodeId, "with", (failed.cause as { _tag: string })._tag)

  // problems are found before anything runs, all at once
  const bad = Workflow.make("bad")
    .addNode("ProductReadNode", "a", { id: "{missing}", extra: 1 })
    .connect("a", "nope", "b", "x")
  const invalid = yield* Effect.flip(Workflow.run(bad, {}))
  console.log(invalid._tag, invalid._tag === "WorkflowDefinitionError" ? invalid.problems.length : 0, "problems")

  console.log("stock:", (yield* Product.read({ id: "p1" })).stock, "— orders:", yield* Order.count()) // 7, 1
})

Effect.runPromise(main.pipe(Effect.provide(Database.layerFromEnv({ models: [Product, Order] })))).catch((e) => {
  console.error(e)
  process.exit(1)
})
