/**
 * Workflows on every database: the checkout (read stock, create order, update stock, in one
 * transaction) written as Effect.gen, as a declarative workflow, as the JSON definition in
 * examples/checkout.workflow.json and with the typed builder gives the same rows; a failure in the
 * last step leaves nothing behind; node types resolve against the layer in use. Rows are read back
 * from the database.
 */
import { expect } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { readFileSync } from "node:fs"
import { DataFlow, Database, Errors, Workflow } from "../../src/index.js"
import { forEachDialect, freshUrl, reset } from "../support/Dialects.js"

const Product = DataFlow.model("Product", {
  id: Schema.String,
  name: Schema.String,
  stock: Schema.Int.pipe(Schema.nonNegative())
})
const Order = DataFlow.model(
  "Order",
  {
    id: Schema.UUID,
    productId: Schema.String,
    quantity: Schema.Int.pipe(Schema.positive()),
    status: Schema.Literal("pending", "paid")
  },
  { indexes: [["productId"]] }
)

/** The Effect.gen way (examples/checkout-effect.ts). */
const checkoutEffect = (productId: string, quantity: number) =>
  Database.transaction(
    Effect.gen(function* () {
      const product = yield* Product.read({ id: productId })
      const order = yield* Order.create({ productId, quantity, status: "pending" })
      const updated = yield* Product.update({ filter: { id: productId }, fields: { stock: product.stock - quantity } })
      return { order, stock: updated.stock }
    })
  )

/** The declarative way (examples/checkout-workflow.ts). */
const checkoutWorkflow = Workflow.make("checkout")
  .addNode("ProductReadNode", "check_stock", { id: "{productId}" })
  .addNode("OrderCreateNode", "create_order", { quantity: "{quantity}", status: "pending" })
  .addCompute("new_stock", { $subtract: [{ $ref: "check_stock.stock" }, "{quantity}"] })
  .addNode("ProductUpdateNode", "update_stock", { filter: { id: "{productId}" } }, { after: ["create_order"] })
  .connect("check_stock", "id", "create_order", "productId")
  .connect("new_stock", "", "update_stock", "fields.stock")
  .transactional()

const checkoutJson = readFileSync(new URL("../../examples/checkout.workflow.json", import.meta.url), "utf8")

/** The typed way. */
const checkoutTyped = Workflow.typed("checkout", {
  models: [Product, Order],
  inputs: { productId: Schema.String, quantity: Schema.Int }
})
  .node("check_stock", "ProductReadNode", { params: (_, input) => ({ id: input.productId }) })
  .node("create_order", "OrderCreateNode", {
    after: ["check_stock"],
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

const seed = Effect.gen(function* () {
  yield* reset(Order, Product)
  yield* Product.bulkCreate({
    data: [
      { id: "p1", name: "Keyboard", stock: 10 },
      { id: "p2", name: "Mouse", stock: 2 }
    ]
  })
})

/** What the database holds, read back (generated ids and timestamps left out). */
const state = Effect.gen(function* () {
  const products = (yield* Product.list({ orderBy: ["id"] })).records.map((p) => [p.id, p.stock])
  const orders = (yield* Order.list({ orderBy: ["productId", "quantity"] })).records.map((o) => [
    o.productId,
    o.quantity,
    o.status
  ])
  return { products, orders }
})

const after = <A, E, R>(steps: Effect.Effect<A, E, R>) => Effect.zipRight(seed, Effect.zipRight(steps, state))

forEachDialect(
  "workflows",
  (it, dialect) => {
    it.effect("the registry holds the 11 node types of every model given to the layer", () =>
      Effect.gen(function* () {
        const types = yield* Workflow.nodeTypes
        expect(types.filter((t) => t.startsWith("Product"))).toEqual([
          "ProductBulkCreateNode",
          "ProductBulkDeleteNode",
          "ProductBulkUpdateNode",
          "ProductBulkUpsertNode",
          "ProductCountNode",
          "ProductCreateNode",
          "ProductDeleteNode",
          "ProductListNode",
          "ProductReadNode",
          "ProductUpdateNode",
          "ProductUpsertNode"
        ])
        expect(types).toHaveLength(22)
      })
    )

    it.effect("checkout: Effect.gen, builder, JSON definition and typed builder leave the same rows", () =>
      Effect.gen(function* () {
        const steps = (
          run: (productId: string, quantity: number) => Effect.Effect<unknown, unknown, Database.Database>
        ) => Effect.zipRight(run("p1", 3), run("p2", 2))
        const stored = yield* Workflow.fromJson(checkoutJson)
        const expected = {
          products: [
            ["p1", 7],
            ["p2", 0]
          ],
          orders: [
            ["p1", 3, "pending"],
            ["p2", 2, "pending"]
          ]
        }
        expect(yield* after(steps(checkoutEffect))).toEqual(expected)
        expect(
          yield* after(steps((productId, quantity) => Workflow.run(checkoutWorkflow, { productId, quantity })))
        ).toEqual(expected)
        expect(yield* after(steps((productId, quantity) => Workflow.run(stored, { productId, quantity })))).toEqual(
          expected
        )
        expect(
          yield* after(steps((productId, quantity) => Workflow.run(checkoutTyped, { productId, quantity })))
        ).toEqual(expected)
      })
    )

    it.effect("the JSON file is exactly the builder's definition", () =>
      Effect.gen(function* () {
        const stored = yield* Workflow.fromJson(checkoutJson)
        expect(yield* Workflow.toJson(stored)).toBe(yield* Workflow.toJson(checkoutWorkflow))
      })
    )

    it.effect("results are keyed by node id: records, computed values", () =>
      Effect.gen(function* () {
        yield* seed
        const { runId, results } = yield* Workflow.run(checkoutWorkflow, { productId: "p1", quantity: 4 })
        expect(runId).toMatch(/^[0-9a-f-]{36}$/)
        expect(Object.keys(results)).toEqual(["check_stock", "create_order", "new_stock", "update_stock"])
        expect(results["check_stock"]).toMatchObject({ id: "p1", stock: 10 })
        expect(results["create_order"]).toMatchObject({ productId: "p1", quantity: 4, status: "pending" })
        expect(results["new_stock"]).toBe(6)
        expect(results["update_stock"]).toMatchObject({ id: "p1", stock: 6 })
        expect((results["update_stock"] as typeof Product.Type).updated_at).toBeInstanceOf(Date)
      })
    )

    it.effect("a failure in the last step leaves nothing behind, whichever way the checkout is written", () =>
      Effect.gen(function* () {
        const untouched = {
          products: [
            ["p1", 10],
            ["p2", 2]
          ],
          orders: []
        }
        const stored = yield* Workflow.fromJson(checkoutJson)

        const direct = yield* Effect.flip(Effect.zipRight(seed, checkoutEffect("p1", 11)))
        expect(direct).toMatchObject({ _tag: "ValidationError", path: "stock" })
        expect(yield* state).toEqual(untouched)

        for (const wf of [checkoutWorkflow, stored]) {
          const failed = yield* Effect.flip(Effect.zipRight(seed, Workflow.run(wf, { productId: "p1", quantity: 11 })))
          expect(failed).toBeInstanceOf(Errors.NodeFailed)
          expect(failed).toMatchObject({
            _tag: "NodeFailed",
            nodeId: "update_stock",
            cause: { _tag: "ValidationError", path: "stock" }
          })
          expect(yield* state).toEqual(untouched)
        }
        const typed = yield* Effect.flip(
          Effect.zipRight(seed, Workflow.run(checkoutTyped, { productId: "p1", quantity: 11 }))
        )
        expect(typed).toMatchObject({ _tag: "NodeFailed", nodeId: "update_stock", cause: { _tag: "ValidationError" } })
        expect(yield* state).toEqual(untouched)
      })
    )

    it.effect("a database error in the last step (unique violation) rolls back every earlier write", () =>
      Effect.gen(function* () {
        yield* seed
        const wf = Workflow.make("dup")
          .addNode("OrderCreateNode", "o1", { productId: "p1", quantity: 1, status: "paid" })
          .addNode("ProductUpdateNode", "u", { filter: { id: "p1" }, fields: { stock: 0 } }, { after: ["o1"] })
          .addNode("ProductCreateNode", "dup", { id: "p2", name: "again", stock: 1 }, { after: ["u"] })
          .transactional()
        const error = yield* Effect.flip(Workflow.run(wf))
        expect(error).toMatchObject({
          _tag: "NodeFailed",
          nodeId: "dup",
          cause: { _tag: "UniqueViolation", fields: ["id"] }
        })
        expect(yield* state).toEqual({
          products: [
            ["p1", 10],
            ["p2", 2]
          ],
          orders: []
        })
      })
    )

    it.effect("the failing node's typed error is its own: catch it by tag through NodeFailed", () =>
      Effect.gen(function* () {
        yield* seed
        const missing = yield* Workflow.run(checkoutWorkflow, { productId: "nope", quantity: 1 }).pipe(
          Effect.catchTag("NodeFailed", (e) =>
            e.cause._tag === "NotFound" ? Effect.succeed(`${e.nodeId}: no ${e.cause.model}`) : Effect.fail(e)
          )
        )
        expect(missing).toBe("check_stock: no Product")
        expect(yield* state).toEqual({
          products: [
            ["p1", 10],
            ["p2", 2]
          ],
          orders: []
        })
      })
    )

    it.effect(
      "without transactional(), nodes that finished before a failure keep their writes and later ones never run",
      () =>
        Effect.gen(function* () {
          yield* seed
          const wf = Workflow.make("loose")
            .addNode("OrderCreateNode", "o1", { productId: "p1", quantity: 1, status: "paid" })
            .addNode("ProductCreateNode", "dup", { id: "p2", name: "again", stock: 1 }, { after: ["o1"] })
            .addNode("OrderCreateNode", "o2", { productId: "p2", quantity: 1, status: "paid" }, { after: ["dup"] })
          const error = yield* Effect.flip(Workflow.run(wf))
          expect(error).toMatchObject({ _tag: "NodeFailed", nodeId: "dup", cause: { _tag: "UniqueViolation" } })
          expect((yield* state).orders).toEqual([["p1", 1, "paid"]])
        })
    )

    it.effect("a workflow run inside the caller's transaction joins it and rolls back with it", () =>
      Effect.gen(function* () {
        yield* seed
        class Abort extends Schema.TaggedError<Abort>()("Abort", {}) {}
        const error = yield* Effect.flip(
          Database.transaction(
            Effect.gen(function* () {
              yield* Workflow.run(
                checkoutWorkflow.transactional(false),
                { productId: "p1", quantity: 1 },
                { concurrency: 8 }
              )
              yield* Workflow.run(checkoutWorkflow, { productId: "p2", quantity: 1 }) // its transaction is a savepoint
              return yield* new Abort()
            })
          )
        )
        expect(error._tag).toBe("Abort")
        expect(yield* state).toEqual({
          products: [
            ["p1", 10],
            ["p2", 2]
          ],
          orders: []
        })
      })
    )

    it.effect("an invalid workflow writes nothing, not even its valid nodes", () =>
      Effect.gen(function* () {
        yield* seed
        const wf = Workflow.make("half")
          .addNode("OrderCreateNode", "fine", { productId: "p1", quantity: 1, status: "paid" })
          .addNode("ProductUpdateNode", "broken", { filter: { id: "p1" }, fields: { stok: 1 } })
        const error = yield* Effect.flip(Workflow.run(wf))
        expect(error).toMatchObject({
          _tag: "WorkflowDefinitionError",
          problems: ["node broken (ProductUpdateNode): fields has no stok (accepted: name, stock)"]
        })
        expect(yield* Effect.flip(Workflow.validate(wf))).toEqual(error)
        expect((yield* state).orders).toEqual([])
      })
    )

    it.effect("two databases in one program: the same node type resolves to each layer's own model", () =>
      Effect.gen(function* () {
        // two different models named Gadget, each given to its own layer (this dialect and a SQLite file)
        const GadgetA = DataFlow.model("Gadget", { id: Schema.String, color: Schema.String })
        const GadgetB = DataFlow.model("Gadget", { id: Schema.String, size: Schema.Int })
        const a = Layer.fresh(
          Database.layer({ url: yield* Effect.promise(() => freshUrl(dialect, "df_wf_two_a")), models: [GadgetA] })
        )
        const b = Layer.fresh(
          Database.layer({ url: yield* Effect.promise(() => freshUrl("sqlite", "df_wf_two_b")), models: [GadgetB] })
        )
        const colored = Workflow.make("g").addNode("GadgetCreateNode", "g", { id: "g1", color: "red" })
        const sized = Workflow.make("g").addNode("GadgetCreateNode", "g", { id: "g1", size: 3 })

        expect((yield* Workflow.run(colored).pipe(Effect.provide(a))).results["g"]).toMatchObject({
          id: "g1",
          color: "red"
        })
        expect((yield* Workflow.run(sized).pipe(Effect.provide(b))).results["g"]).toMatchObject({ id: "g1", size: 3 })
        const wrongA = yield* Effect.flip(Workflow.run(sized).pipe(Effect.provide(a)))
        expect(wrongA).toMatchObject({
          _tag: "WorkflowDefinitionError",
          problems: [
            "node g (GadgetCreateNode): unknown parameter size (accepted: id, color)",
            "node g (GadgetCreateNode): missing required parameter color"
          ]
        })
        const wrongB = yield* Effect.flip(Workflow.run(colored).pipe(Effect.provide(b)))
        expect(wrongB).toMatchObject({ _tag: "WorkflowDefinitionError" })
        // and the layer under test knows no Gadget at all
        expect(yield* Effect.flip(Workflow.run(colored))).toMatchObject({
          problems: [expect.stringContaining("no model Gadget in this Database layer")]
        })

        const rows = (layer: typeof a, model: typeof GadgetA | typeof GadgetB) =>
          Effect.provide(
            Effect.map((model as typeof GadgetA).list({ orderBy: ["id"] }), (p) =>
              p.records.map((r) => ({ ...r, created_at: 0, updated_at: 0 }))
            ),
            layer
          )
        expect(yield* rows(a, GadgetA)).toEqual([{ id: "g1", color: "red", created_at: 0, updated_at: 0 }])
        expect(yield* rows(b, GadgetB)).toEqual([{ id: "g1", size: 3, created_at: 0, updated_at: 0 }])

        // the typed builder refuses a layer whose model of that name is another one
        const typed = Workflow.typed("t", { models: [GadgetA] }).node("g", "GadgetReadNode", { params: { id: "g1" } })
        expect((yield* Workflow.run(typed, {}).pipe(Effect.provide(a))).results.g.color).toBe("red")
        expect(yield* Effect.flip(Workflow.run(typed, {}).pipe(Effect.provide(b)))).toMatchObject({
          problems: [
            "node g: GadgetReadNode resolves to another Gadget model in this Database layer than the one the workflow was typed with"
          ]
        })
      })
    )
  },
  { models: [Product, Order] }
)
