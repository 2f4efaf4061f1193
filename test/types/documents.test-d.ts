/**
 * Type-level proofs of the document nodes in the typed builder: their parameters and results are
 * typed, later nodes see typed results, wrong parameters do not compile (one expected error per
 * line, each failing for the reason its comment names), and a model named `Document` keeps its own
 * node types. Run by `vitest run test/types` (typecheck mode) and by `tsc --noEmit -p .`.
 */
import { Effect, Schema } from "effect"
import { describe, expectTypeOf, test } from "vitest"
import { DataFlow, Errors, Workflow } from "../../src/index.js"
import type { Document } from "../../src/documents/Collection.js"

const Product = DataFlow.model("Product", { id: Schema.String, name: Schema.String, stock: Schema.Int })
const base = Workflow.typed("docs", { models: [Product], inputs: { status: Schema.String } })

type Results<W> = W extends Workflow.Typed<any, any, infer R, any, any> ? R : never
type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : never
type SuccessOf<T> = T extends Effect.Effect<infer A, any, any> ? A : never

describe("document nodes in the typed builder", () => {
  test("each of the 8 node types has its typed result", () => {
    const wf = base
      .node("one", "DocumentInsertNode", {
        params: (_, input) => ({ collection: "orders", document: { status: input.status } })
      })
      .node("many", "BulkDocumentInsertNode", {
        params: { collection: "orders", documents: [{ a: 1 }, { _id: "x", b: [true] }] }
      })
      .node("found", "DocumentFindNode", {
        after: ["one"],
        params: ({ one }) => ({
          collection: "orders",
          filter: { _id: one.insertedId },
          sort: { a: -1 },
          limit: 5,
          projection: { a: 1 }
        })
      })
      .node("set", "DocumentUpdateNode", {
        params: { collection: "orders", filter: {}, update: { $set: { a: 2 } }, many: true, confirmed: true }
      })
      .node("gone", "DocumentDeleteNode", { params: { collection: "orders", filter: { a: 2 } } })
      .node("sums", "AggregateNode", {
        params: { collection: "orders", pipeline: [{ $group: { _id: "$status", n: { $count: {} } } }] }
      })
      .node("index", "CreateIndexNode", { params: { collection: "orders", keys: { status: 1, a: -1 }, unique: true } })
      .node("n", "DocumentCountNode", { params: { collection: "orders" } })
      .node("stock", "ProductCountNode", { params: {} })
      .compute("ids", { after: ["found"], value: ({ found }) => found.documents.map((d) => d._id) })
    type R = Results<typeof wf>
    expectTypeOf<R["one"]>().toEqualTypeOf<{ readonly insertedId: string }>()
    expectTypeOf<R["many"]>().toEqualTypeOf<{
      readonly insertedIds: ReadonlyArray<string>
      readonly inserted: number
    }>()
    expectTypeOf<R["found"]>().toEqualTypeOf<{ readonly documents: ReadonlyArray<Document> }>()
    expectTypeOf<R["set"]>().toEqualTypeOf<{ readonly matched: number; readonly modified: number }>()
    expectTypeOf<R["gone"]>().toEqualTypeOf<{ readonly deleted: number }>()
    expectTypeOf<R["sums"]>().toEqualTypeOf<{ readonly documents: ReadonlyArray<Document> }>()
    expectTypeOf<R["index"]>().toEqualTypeOf<{ readonly name: string }>()
    expectTypeOf<R["n"]>().toEqualTypeOf<{ readonly count: number }>()
    expectTypeOf<R["stock"]>().toEqualTypeOf<number>()
    expectTypeOf<R["ids"]>().toEqualTypeOf<Array<string>>()
    const run = Workflow.run(wf.transactional(), { status: "new" })
    expectTypeOf<SuccessOf<typeof run>["results"]["n"]["count"]>().toEqualTypeOf<number>()
    type E = ErrorOf<typeof run>
    expectTypeOf<Errors.NodeFailed<Errors.UniqueViolation>>().toExtend<E>()
    expectTypeOf<Errors.NodeFailed<Errors.EmptyFilterRefused>>().toExtend<E>()
    expectTypeOf<Errors.NodeFailed<Errors.UnsupportedFeature>>().toExtend<E>()
  })

  test("a workflow of document nodes only needs no model", () => {
    const wf = Workflow.typed("only", { models: [] }).node("n", "DocumentCountNode", { params: { collection: "c" } })
    const run = Workflow.run(wf, {})
    expectTypeOf<SuccessOf<typeof run>["results"]["n"]>().toEqualTypeOf<{ readonly count: number }>()
    expectTypeOf<
      Extract<ErrorOf<typeof run>, { _tag: "NodeFailed" }>["cause"]
    >().toEqualTypeOf<Workflow.DocumentNodeError>()
  })

  test("wrong parameters do not compile", () => {
    // @ts-expect-error collection is required
    base.node("a", "DocumentCountNode", { params: {} })
    // @ts-expect-error collection is a string
    base.node("b", "DocumentCountNode", { params: { collection: 1 } })
    // @ts-expect-error DocumentInsertNode takes document, not documents
    base.node("c", "DocumentInsertNode", { params: { collection: "c", documents: [{}] } })
    // @ts-expect-error an update needs update
    base.node("d", "DocumentUpdateNode", { params: { collection: "c", filter: {} } })
    // @ts-expect-error index keys are 1 or -1
    base.node("e", "CreateIndexNode", { params: { collection: "c", keys: { a: 2 } } })
    // @ts-expect-error a pipeline is an array of stages
    base.node("f", "AggregateNode", { params: { collection: "c", pipeline: { $match: {} } } })
    // @ts-expect-error a document value is JSON (no function)
    base.node("g", "DocumentInsertNode", { params: { collection: "c", document: { at: () => 1 } } })
    // @ts-expect-error DocumentUpsertNode is not a node type
    base.node("h", "DocumentUpsertNode", { params: { collection: "c" } })
    const found = base.node("i", "DocumentFindNode", { params: { collection: "c" } })
    // @ts-expect-error a find result has documents, not records
    found.compute("j", { after: ["i"], value: ({ i }) => i.records })
  })

  test("a model named Document keeps its own DocumentUpdateNode; DocumentInsertNode stays a document node", () => {
    const Doc = DataFlow.model("Document", { id: Schema.String, title: Schema.String })
    const wf = Workflow.typed("models", { models: [Doc] })
      .node("u", "DocumentUpdateNode", { params: { filter: { id: "d1" }, fields: { title: "t" } } })
      .node("i", "DocumentInsertNode", { params: { collection: "c", document: {} } })
    type R = Results<typeof wf>
    expectTypeOf<R["u"]>().toEqualTypeOf<typeof Doc.Type>()
    expectTypeOf<R["i"]>().toEqualTypeOf<{ readonly insertedId: string }>()
  })
})
