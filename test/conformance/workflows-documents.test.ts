/**
 * The 8 document nodes on every SQL database: a workflow (JSON definition, builder and typed
 * builder) inserts, updates, finds, counts, aggregates, indexes and deletes documents, and what it
 * did is read back through `Database.collection`; a transactional workflow that fails leaves no
 * document behind; filters and pipelines outside the document subset, unknown node types and bad
 * parameters fail with WorkflowDefinitionError before anything runs.
 */
import { describe, expect, test } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Database, Errors, Workflow } from "../../src/index.js"
import { forEachDialect } from "../support/Dialects.js"

/** The collection, emptied (created when missing). */
const fresh = (name: string) =>
  Effect.gen(function* () {
    const db = yield* Database.Database
    const c = yield* db.collection(name)
    yield* c.drop()
    const again = yield* db.collection(name)
    yield* again.insertOne({ _id: "probe" })
    yield* again.deleteMany({ _id: "probe" })
    return again
  })

const definition = {
  name: "orders",
  nodes: [
    {
      id: "seed",
      type: "BulkDocumentInsertNode",
      params: {
        collection: "wf_orders",
        documents: [
          { _id: "o1", status: "new", category: "books", amount: 12 },
          { _id: "o2", status: "new", category: "games", amount: 30 },
          { _id: "o3", status: "done", category: "books", amount: 8 }
        ]
      }
    },
    {
      id: "one",
      type: "DocumentInsertNode",
      params: { collection: "wf_orders", document: { _id: "o4", status: "{status}", category: "books", amount: 5 } },
      after: ["seed"]
    },
    {
      id: "close_books",
      type: "DocumentUpdateNode",
      params: {
        collection: "wf_orders",
        filter: { category: "books", status: "new" },
        update: { $set: { status: "done" }, $inc: { amount: 1 } },
        many: true
      },
      after: ["one"]
    },
    {
      id: "totals",
      type: "AggregateNode",
      params: {
        collection: "wf_orders",
        pipeline: [
          { $match: { status: "done" } },
          { $group: { _id: "$category", total: { $sum: "$amount" }, n: { $count: {} } } },
          { $sort: { _id: 1 } }
        ]
      },
      after: ["close_books"]
    },
    {
      id: "page",
      type: "DocumentFindNode",
      params: {
        collection: "wf_orders",
        filter: { amount: { $gte: 6 } },
        sort: { amount: -1 },
        limit: "{n}",
        projection: { amount: 1 }
      },
      after: ["close_books"]
    },
    {
      id: "how_many",
      type: "DocumentCountNode",
      params: { collection: "wf_orders", filter: { status: "done" } },
      after: ["close_books"]
    },
    {
      id: "drop_games",
      type: "DocumentDeleteNode",
      params: { collection: "wf_orders", filter: { category: "games" } },
      after: ["totals", "page", "how_many"]
    }
  ]
}

const problemsOf = (e: unknown) => (e as Errors.WorkflowDefinitionError).problems

forEachDialect("c_wf_documents", (it) => {
  it.effect("a JSON workflow inserts, updates, aggregates, finds, counts and deletes; read back", () =>
    Effect.gen(function* () {
      const c = yield* fresh("wf_orders")
      const wf = yield* Workflow.decode(definition)
      const { results } = yield* Workflow.run(wf, { status: "new", n: 2 })
      expect(results["seed"]).toEqual({ insertedIds: ["o1", "o2", "o3"], inserted: 3 })
      expect(results["one"]).toEqual({ insertedId: "o4" })
      expect(results["close_books"]).toEqual({ matched: 2, modified: 2 })
      expect(results["totals"]).toEqual({ documents: [{ _id: "books", total: 27, n: 3 }] })
      expect(results["page"]).toEqual({
        documents: [
          { _id: "o2", amount: 30 },
          { _id: "o1", amount: 13 }
        ]
      })
      expect(results["how_many"]).toEqual({ count: 3 })
      expect(results["drop_games"]).toEqual({ deleted: 1 })
      expect(yield* c.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: "o1", status: "done", category: "books", amount: 13 },
        { _id: "o3", status: "done", category: "books", amount: 8 },
        { _id: "o4", status: "done", category: "books", amount: 6 }
      ])
    })
  )

  it.effect("connections carry a result into a document node; the typed builder's results are typed", () =>
    Effect.gen(function* () {
      const c = yield* fresh("wf_notes")
      const wf = Workflow.make("notes")
        .addNode("DocumentInsertNode", "add", { collection: "wf_notes", document: { text: "{text}", n: 1 } })
        .addNode("DocumentUpdateNode", "bump", { collection: "wf_notes", update: { $inc: { n: 2 } } })
        .connect("add", "insertedId", "bump", "filter._id")
      const { results } = yield* Workflow.run(wf, { text: "hello" })
      const id = (results["add"] as { insertedId: string }).insertedId
      expect(results["bump"]).toEqual({ matched: 1, modified: 1 })
      expect(yield* c.find({ _id: id })).toEqual([{ _id: id, text: "hello", n: 3 }])

      const typed = Workflow.typed("typed_notes", { models: [], inputs: { text: Schema.String } })
        .node("add", "DocumentInsertNode", {
          params: (_, input) => ({ collection: "wf_notes", document: { text: input.text } })
        })
        .node("read", "DocumentFindNode", {
          after: ["add"],
          params: ({ add }) => ({ collection: "wf_notes", filter: { _id: add.insertedId } })
        })
        .node("n", "DocumentCountNode", { after: ["read"], params: { collection: "wf_notes" } })
      const out = yield* Workflow.run(typed, { text: "again" })
      expect(out.results.read.documents).toEqual([{ _id: out.results.add.insertedId, text: "again" }])
      expect(out.results.n.count).toBe(2)
    })
  )

  it.effect("a unique index from CreateIndexNode: a duplicate fails NodeFailed with UniqueViolation", () =>
    Effect.gen(function* () {
      const c = yield* fresh("wf_users")
      const wf = Workflow.make("users")
        .addNode("CreateIndexNode", "index", { collection: "wf_users", keys: { email: 1 }, unique: true })
        .addNode(
          "DocumentInsertNode",
          "a",
          { collection: "wf_users", document: { email: "a@x.io" } },
          { after: ["index"] }
        )
        .addNode("DocumentInsertNode", "b", { collection: "wf_users", document: { email: "a@x.io" } }, { after: ["a"] })
      const failed = yield* Effect.flip(Workflow.run(wf))
      expect(failed).toBeInstanceOf(Errors.NodeFailed)
      expect(failed).toMatchObject({ _tag: "NodeFailed", nodeId: "b", cause: { _tag: "UniqueViolation" } })
      expect(yield* c.count()).toBe(1)
      const again = yield* Workflow.run(
        Workflow.make("index").addNode("CreateIndexNode", "i", {
          collection: "wf_users",
          keys: { email: 1 },
          unique: true
        })
      )
      expect(again.results["i"]).toEqual({ name: "email_1" })
    })
  )

  it.effect("a transactional workflow that fails leaves no document behind", () =>
    Effect.gen(function* () {
      const c = yield* fresh("wf_ledger")
      yield* c.insertOne({ _id: "keep", amount: 1 })
      const wf = Workflow.make("ledger")
        .addNode("BulkDocumentInsertNode", "add", {
          collection: "wf_ledger",
          documents: [
            { _id: "t1", amount: 5 },
            { _id: "t2", amount: 6 }
          ]
        })
        .addNode(
          "DocumentUpdateNode",
          "touch",
          {
            collection: "wf_ledger",
            filter: { _id: "keep" },
            update: { $set: { amount: 99 } }
          },
          { after: ["add"] }
        )
        .addNode(
          "DocumentInsertNode",
          "dup",
          { collection: "wf_ledger", document: { _id: "t1" } },
          { after: ["touch"] }
        )
        .transactional()
      const failed = yield* Effect.flip(Workflow.run(wf))
      expect(failed).toMatchObject({ _tag: "NodeFailed", nodeId: "dup", cause: { _tag: "UniqueViolation" } })
      expect(yield* c.find({}, { sort: { _id: 1 } })).toEqual([{ _id: "keep", amount: 1 }])

      const ok = Workflow.make("ledger_ok")
        .addNode("DocumentInsertNode", "a", { collection: "wf_ledger", document: { _id: "t3", amount: 2 } })
        .addNode("DocumentDeleteNode", "b", { collection: "wf_ledger", filter: { _id: "keep" } }, { after: ["a"] })
        .transactional()
      yield* Workflow.run(ok)
      expect(yield* c.find({})).toEqual([{ _id: "t3", amount: 2 }])
    })
  )

  it.effect("outside the subset, unknown types and bad params: WorkflowDefinitionError before anything runs", () =>
    Effect.gen(function* () {
      const c = yield* fresh("wf_checked")
      const insert = { id: "add", type: "DocumentInsertNode", params: { collection: "wf_checked", document: { a: 1 } } }
      const run = (nodes: ReadonlyArray<object>, inputs: object = {}) =>
        Effect.flip(
          Workflow.run({ name: "checked", nodes: [insert, ...nodes] } as Workflow.WorkflowSpec, inputs as never)
        )
      const lookup = yield* run([
        {
          id: "join",
          type: "AggregateNode",
          params: { collection: "wf_checked", pipeline: [{ $match: {} }, { $lookup: { from: "x", as: "y" } }] }
        }
      ])
      expect(lookup).toBeInstanceOf(Errors.WorkflowDefinitionError)
      expect(problemsOf(lookup)).toEqual([
        "node join (AggregateNode): pipeline.1: aggregation stage $lookup is outside the document subset (docs/documents.md)"
      ])
      const where = yield* run(
        [{ id: "f", type: "DocumentFindNode", params: { collection: "wf_checked", filter: { $where: "{js}" } } }],
        { js: "1" }
      )
      expect(problemsOf(where)).toEqual([
        "node f (DocumentFindNode): filter: filter operator $where is outside the document subset (docs/documents.md)"
      ])
      const bad = yield* run([
        { id: "u", type: "DocumentReplaceNode", params: {} },
        { id: "m", type: "DocumentCountNode", params: {} },
        { id: "n", type: "DocumentCountNode", params: { collection: "no such" } },
        { id: "d", type: "DocumentDeleteNode", params: { collection: "wf_checked", filter: {}, many: true } },
        {
          id: "x",
          type: "DocumentUpdateNode",
          params: { collection: "wf_checked", filter: {}, update: { $rename: { a: "b" } } }
        },
        { id: "k", type: "CreateIndexNode", params: { collection: "wf_checked", keys: { a: 2 }, sparse: true } }
      ])
      expect(problemsOf(bad)).toEqual([
        expect.stringMatching(
          /^node u: unknown node type DocumentReplaceNode: a node type is <Model><Operation>Node, a document node \(DocumentInsertNode, /
        ),
        "node m (DocumentCountNode): missing required parameter collection",
        "node n (DocumentCountNode): collection: must be a name (a letter or _, then letters, digits or _; at most 63 characters)",
        "node d (DocumentDeleteNode): an empty filter with many: true would touch every document; pass confirmed: true",
        "node x (DocumentUpdateNode): update: update operator $rename is outside the document subset (docs/documents.md)",
        "node k (CreateIndexNode): unknown parameter sparse (accepted: collection, keys, unique, name)",
        "node k (CreateIndexNode): keys.a: must be 1 or -1"
      ])
      expect(yield* c.count()).toBe(0)
    })
  )
})

describe("document node definitions", () => {
  test("a JSON definition round-trips exactly", () => {
    const wf = Effect.runSync(Workflow.decode(definition))
    const text = Effect.runSync(Workflow.toJson(wf))
    expect(JSON.parse(text)).toEqual(definition)
    expect(Effect.runSync(Workflow.toJson(Effect.runSync(Workflow.fromJson(text))))).toBe(text)
  })

  test("checked without a database: parameters with unresolved templates are left to the run", () => {
    const found = Workflow.problems({
      name: "structural",
      nodes: [
        { id: "a", type: "AggregateNode", params: { collection: "c", pipeline: [{ $limit: "{n}" }, { $out: "x" }] } },
        { id: "b", type: "DocumentFindNode", params: { collection: "c", limit: "{n}" } }
      ]
    })
    expect(found).toEqual([])
    const models = new Map()
    expect(
      Workflow.problems(
        {
          name: "typed",
          nodes: [{ id: "a", type: "AggregateNode", params: { collection: "c", pipeline: [{ $out: "x" }] } }]
        },
        { models }
      )
    ).toEqual([
      "node a (AggregateNode): pipeline.0: aggregation stage $out is outside the document subset (docs/documents.md)"
    ])
  })
})
