/**
 * Type-level proofs of the typed workflow builder: node types, parameters and references to
 * earlier results are checked; a wrong reference does not compile (one expected error per line,
 * each failing for the reason its comment names). Run by `vitest run test/types` (typecheck mode)
 * and by `tsc --noEmit -p .`.
 */
import { Effect, Schedule, Schema } from "effect"
import { describe, expectTypeOf, test } from "vitest"
import { type Database, DataFlow, Errors, Workflow } from "../../src/index.js"

const Product = DataFlow.model("Product", { id: Schema.String, name: Schema.String, stock: Schema.Int })
const Order = DataFlow.model("Order", { id: Schema.UUID, productId: Schema.String, quantity: Schema.Int, status: Schema.Literal("pending", "paid") })
const Counter = DataFlow.model("Counter", { id: Schema.Int, label: Schema.String })
const Passage = DataFlow.model(
  "Passage",
  { id: Schema.String, body: Schema.String, embedding: DataFlow.vector(3) },
  { textSearch: { fields: ["body"] } }
)
const Chunk = DataFlow.model("Chunk", { id: Schema.String, embedding: DataFlow.vector(3) })
const search = Workflow.typed("search", { models: [Passage, Chunk, Product], inputs: { q: Schema.String } })

const base = Workflow.typed("checkout", { models: [Product, Order], inputs: { productId: Schema.String, quantity: Schema.Int } })
const withStock = base.node("check_stock", "ProductReadNode", { params: (_, input) => ({ id: input.productId }) })

type Results<W> = W extends Workflow.Typed<any, any, infer R, any, any> ? R : never
type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : never
type SuccessOf<T> = T extends Effect.Effect<infer A, any, any> ? A : never

describe("what compiles, and the types it gives", () => {
  test("results are typed per node id; parameters see typed earlier results and inputs", () => {
    const wf = withStock
      .node("order", "OrderCreateNode", {
        after: ["check_stock"],
        params: ({ check_stock }, input) => ({ productId: check_stock.id, quantity: input.quantity, status: "pending" as const })
      })
      .node("update_stock", "ProductUpdateNode", {
        after: ["check_stock", "order"],
        params: ({ check_stock, order }) => ({ filter: { id: check_stock.id }, fields: { stock: check_stock.stock - order.quantity } }),
        retry: Schedule.recurs(2)
      })
      .node("page", "OrderListNode", { params: { filter: { status: "pending" }, orderBy: ["-created_at"], limit: 5 } })
      .node("n", "OrderCountNode", { params: {} })
      .compute("left", { after: ["update_stock"], value: ({ update_stock }) => update_stock.stock })
      .transactional()
    const run = Workflow.run(wf, { productId: "p1", quantity: 2 })
    type R = SuccessOf<typeof run>["results"]
    expectTypeOf<R["check_stock"]>().toEqualTypeOf<typeof Product.Type>()
    expectTypeOf<R["order"]>().toEqualTypeOf<typeof Order.Type>()
    expectTypeOf<R["update_stock"]["stock"]>().toEqualTypeOf<number>()
    expectTypeOf<R["page"]>().toEqualTypeOf<DataFlow.Page<typeof Order.Type>>()
    expectTypeOf<R["n"]>().toEqualTypeOf<number>()
    expectTypeOf<R["left"]>().toEqualTypeOf<number>()
    expectTypeOf<SuccessOf<typeof run>["runId"]>().toEqualTypeOf<string>()
    expectTypeOf(run).toExtend<Effect.Effect<any, any, Database.Database>>()
  })

  test("errors: NodeFailed carries the union of the nodes' own errors", () => {
    const run = Workflow.run(withStock, { productId: "p1", quantity: 1 })
    type E = ErrorOf<typeof run>
    expectTypeOf<Errors.NodeFailed<Errors.ReadError>>().toExtend<E>()
    expectTypeOf<Errors.WorkflowDefinitionError>().toExtend<E>()
    expectTypeOf<Extract<E, { _tag: "NodeFailed" }>["cause"]>().toEqualTypeOf<Errors.ReadError>()
  })

  test("a node on a condition's branch may be Skipped; its dependents see it unskipped", () => {
    const wf = withStock
      .condition("in_stock", { after: ["check_stock"], when: ({ check_stock }, input) => check_stock.stock >= input.quantity })
      .node("order", "OrderCreateNode", {
        after: ["check_stock"],
        if: "in_stock",
        params: ({ check_stock }) => ({ productId: check_stock.id, quantity: 1, status: "pending" as const })
      })
      .compute("qty", { after: ["order"], value: ({ order }) => order.quantity })
      .node("always", "ProductCountNode", { unless: "in_stock", params: {} })
    type R = Results<typeof wf>
    expectTypeOf<R["in_stock"]>().toEqualTypeOf<Workflow.ConditionResult>()
    expectTypeOf<R["order"]>().toEqualTypeOf<typeof Order.Type | Workflow.Skipped>()
    expectTypeOf<R["qty"]>().toEqualTypeOf<number | Workflow.Skipped>()
    expectTypeOf<R["always"]>().toEqualTypeOf<number | Workflow.Skipped>()
    expectTypeOf<R["check_stock"]>().toEqualTypeOf<typeof Product.Type>()
  })

  test("search nodes: typed parameters and results", () => {
    const wf = search
      .node("hits", "PassageHybridSearchNode", { params: (_, input) => ({ text: input.q, vector: [1, 0, 0], k: 5 }) })
      .node("near", "ChunkVectorSearchNode", { params: { vector: [1, 0, 0], k: 3, select: ["id"], distance: "l2" } })
      .node("words", "PassageTextSearchNode", { params: (_, input) => ({ text: input.q, k: 3, filter: { body: "x" } }) })
      .node("best", "PassageReadNode", { after: ["hits"], params: ({ hits }) => ({ id: hits.records[0]!.record.id }) })
    type R = Results<typeof wf>
    expectTypeOf<R["hits"]>().toEqualTypeOf<DataFlow.HybridSearchResult<typeof Passage.Type>>()
    expectTypeOf<R["hits"]["records"][number]["textRank"]>().toEqualTypeOf<number | null>()
    expectTypeOf<R["near"]["records"][number]["distance"]>().toEqualTypeOf<number>()
    expectTypeOf<R["words"]["records"][number]["rank"]>().toEqualTypeOf<number>()
    const run = Workflow.run(wf, { q: "apple" })
    expectTypeOf<Errors.NodeFailed<Errors.SearchError | Errors.ReadError>>().toExtend<ErrorOf<typeof run>>()
  })

  test("the declarative builder takes node types as strings and gives results by id", () => {
    const wf = Workflow.make("w").addNode("ProductReadNode", "r", { id: "{id}" }).connect("r", "id", "r2", "id").transactional()
    const run = Workflow.run(wf, { id: "p1" })
    expectTypeOf<SuccessOf<typeof run>["results"]>().toEqualTypeOf<Readonly<Record<string, unknown>>>()
    expectTypeOf<Errors.NodeFailed<Workflow.NodeError>>().toExtend<ErrorOf<typeof run>>()
  })
})

describe("a wrong reference does not compile", () => {
  test("node types and parameters", () => {
    // @ts-expect-error ProdcutReadNode is not a node type of these models
    base.node("x", "ProdcutReadNode", { params: { id: "p1" } })
    // @ts-expect-error Counter was not given to this workflow
    base.node("x", "CounterReadNode", { params: { id: 1 } })
    // @ts-expect-error a Product's id is a string
    base.node("x", "ProductReadNode", { params: { id: 1 } })
    // @ts-expect-error update takes { filter, fields }, not a record
    base.node("x", "ProductUpdateNode", { params: { id: "p1", stock: 1 } })
    // @ts-expect-error nickname is not a field of Product
    base.node("x", "ProductUpdateNode", { params: { filter: { id: "p1" }, fields: { nickname: "k" } } })
  })

  test("search nodes exist only where the model's fields allow them; their parameters are checked", () => {
    // @ts-expect-error Product has no vector field
    search.node("x", "ProductVectorSearchNode", { params: { vector: [1], k: 1 } })
    // @ts-expect-error Chunk has no textSearch fields
    search.node("x", "ChunkTextSearchNode", { params: { text: "a", k: 1 } })
    // @ts-expect-error Chunk has no textSearch fields, so no hybrid search either
    search.node("x", "ChunkHybridSearchNode", { params: { text: "a", vector: [1], k: 1 } })
    // @ts-expect-error k is required
    search.node("x", "PassageTextSearchNode", { params: { text: "a" } })
    // @ts-expect-error body is not a vector field
    search.node("x", "PassageVectorSearchNode", { params: { vector: [1, 0, 0], k: 1, field: "body" } })
  })

  test("references to earlier results", () => {
    withStock.node("x", "OrderCreateNode", {
      after: ["check_stock"],
      // @ts-expect-error check_stock is a Product: it has no price
      params: ({ check_stock }) => ({ productId: check_stock.id, quantity: check_stock.price, status: "pending" as const })
    })
    withStock.node("x", "OrderCreateNode", {
      after: ["check_stock"],
      // @ts-expect-error quantity is an Int: check_stock.name is a string
      params: ({ check_stock }) => ({ productId: check_stock.id, quantity: check_stock.name, status: "pending" as const })
    })
    withStock.node("x", "OrderCreateNode", {
      // @ts-expect-error a node not listed in after is not visible to params
      params: ({ check_stock }) => ({ productId: check_stock.id, quantity: 1, status: "pending" as const })
    })
    withStock.node("x", "OrderCreateNode", {
      // @ts-expect-error after names only nodes added before (order_later does not exist yet)
      after: ["order_later"],
      params: () => ({ productId: "p", quantity: 1, status: "pending" as const })
    })
    // @ts-expect-error the inputs have no customer
    withStock.node("x", "ProductReadNode", { params: (_, input) => ({ id: input.customer }) })
    withStock.compute("x", {
      after: ["check_stock"],
      // @ts-expect-error check_stock has no price
      value: ({ check_stock }) => check_stock.price
    })
  })

  test("ids, conditions and run inputs", () => {
    // @ts-expect-error check_stock is already a node id
    withStock.node("check_stock", "ProductCountNode", { params: {} })
    // @ts-expect-error check_stock is not a condition
    withStock.node("x", "ProductCountNode", { if: "check_stock", params: {} })
    // @ts-expect-error quantity is an Int input
    Workflow.run(withStock, { productId: "p1", quantity: "2" })
    // @ts-expect-error productId is a required input
    Workflow.run(withStock, { quantity: 2 })
    // @ts-expect-error a predicate returns a boolean
    withStock.condition("c", { after: ["check_stock"], when: ({ check_stock }) => check_stock.stock })
  })

  test("the typed results do not let a possibly skipped node be used as a record", () => {
    const wf = withStock
      .condition("c", { after: ["check_stock"], when: () => true })
      .node("o", "OrderCountNode", { if: "c", params: {} })
    type R = Results<typeof wf>
    const take = (n: number) => n
    const r = {} as R
    // @ts-expect-error o may be Skipped
    take(r.o)
    if (!Workflow.isSkipped(r.o)) take(r.o)
  })
})

void Counter
