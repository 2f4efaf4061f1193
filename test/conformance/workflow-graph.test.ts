/**
 * Workflow graphs on every database: all 11 operations as nodes, templates and dotted paths against
 * real columns, conditional routing whose skipped branch writes nothing, concurrent independent
 * nodes, and the spans a run leaves (names and counts, never values). Rows are read back.
 */
import { expect } from "@effect/vitest"
import { Effect, Option, Schema, Tracer } from "effect"
import { DataFlow, Workflow } from "../../src/index.js"
import { forEachDialect, reset } from "../support/Dialects.js"

const Item = DataFlow.model(
  "Item",
  {
    id: Schema.String,
    name: Schema.String,
    qty: Schema.Int,
    at: Schema.optional(Schema.DateFromSelf),
    tags: Schema.optional(Schema.Array(Schema.String))
  },
  { unique: [["name"]] }
)
const Note = DataFlow.model("Note", { id: Schema.UUID, text: Schema.String, count: Schema.Int })

const items = Effect.map(Item.list({ orderBy: ["id"] }), (p) => p.records.map((r) => [r.id, r.name, r.qty]))
const notes = Effect.map(Note.list({ orderBy: ["text"] }), (p) => p.records.map((r) => [r.text, r.count]))

/** Records every span started while it is installed. */
const recordingTracer = () => {
  const spans: Array<{
    readonly name: string
    readonly attributes: Map<string, unknown>
    readonly parent: string | undefined
    readonly spanId: string
  }> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `s${spans.length}`,
        traceId: "t",
        parent,
        context,
        links,
        sampled: true,
        kind,
        status: { _tag: "Started", startTime },
        attributes,
        end: () => {},
        attribute: (k, v) => void attributes.set(k, v),
        event: () => {},
        addLinks: () => {}
      }
      spans.push({
        name,
        attributes,
        spanId: span.spanId,
        parent: Option.getOrUndefined(Option.map(parent, (p) => p.spanId))
      })
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}

forEachDialect(
  "workflow_graph",
  (it) => {
    it.effect("all 11 operations run as nodes, in one transaction", () =>
      Effect.gen(function* () {
        yield* reset(Item, Note)
        const wf = Workflow.make("eleven")
          .addNode("ItemCreateNode", "create", { id: "a", name: "alpha", qty: 1 })
          .addNode(
            "ItemBulkCreateNode",
            "bulk_create",
            {
              data: [
                { id: "b", name: "beta", qty: 2 },
                { id: "c", name: "gamma", qty: 3 }
              ]
            },
            { after: ["create"] }
          )
          .addNode("ItemReadNode", "read", {}, { after: ["bulk_create"] })
          .connect("create", "id", "read", "id")
          .addNode("ItemUpdateNode", "update", { filter: { id: "a" }, fields: {} })
          .connect("bulk_create", "inserted", "update", "fields.qty")
          .addNode(
            "ItemUpsertNode",
            "upsert",
            { where: { name: "delta" }, create: { id: "d", qty: 4 }, update: { qty: 40 } },
            { after: ["update"] }
          )
          .addNode(
            "ItemBulkUpdateNode",
            "bulk_update",
            { filter: { qty: { $gte: 3 } }, fields: { qty: 30 } },
            { after: ["upsert"] }
          )
          .addNode(
            "ItemBulkUpsertNode",
            "bulk_upsert",
            {
              data: [
                { id: "c", name: "gamma", qty: 33 },
                { id: "e", name: "eps", qty: 5 }
              ]
            },
            { after: ["bulk_update"] }
          )
          .addNode("ItemDeleteNode", "delete", { id: "e" }, { after: ["bulk_upsert"] })
          .addNode("ItemBulkDeleteNode", "bulk_delete", { filter: { name: "delta" } }, { after: ["delete"] })
          .addNode("ItemCountNode", "count", {}, { after: ["bulk_delete"] })
          .addNode(
            "ItemListNode",
            "list",
            { orderBy: ["-qty"], limit: 2, select: ["name"] },
            { after: ["bulk_delete"] }
          )
          .transactional()
        const { results } = yield* Workflow.run(wf)
        expect(results["create"]).toMatchObject({ id: "a", name: "alpha", qty: 1 })
        expect(results["bulk_create"]).toEqual({ inserted: 2, skipped: 0 })
        expect(results["read"]).toMatchObject({ id: "a", qty: 1 })
        expect(results["update"]).toMatchObject({ id: "a", qty: 2 })
        expect(results["upsert"]).toMatchObject({
          created: true,
          action: "created",
          record: { id: "d", name: "delta", qty: 4 }
        })
        expect(results["bulk_update"]).toEqual({ updated: 2 })
        expect(results["bulk_upsert"]).toEqual({ inserted: 1, updated: 1, skipped: 0 })
        expect(results["delete"]).toEqual({ id: "e", deleted: true })
        expect(results["bulk_delete"]).toEqual({ deleted: 1 })
        expect(results["count"]).toBe(3)
        expect(results["list"]).toMatchObject({
          total: 3,
          limit: 2,
          offset: 0,
          records: [
            { id: "c", name: "gamma" },
            { id: "a", name: "alpha" }
          ]
        })
        expect(yield* items).toEqual([
          ["a", "alpha", 2],
          ["b", "beta", 2],
          ["c", "gamma", 33]
        ])
      })
    )

    it.effect(
      "templates: a whole template keeps its type (Int, Date, array), a longer string interpolates, {{ }} are literal",
      () =>
        Effect.gen(function* () {
          yield* reset(Item)
          const at = new Date("2024-05-06T07:08:09.000Z")
          const wf = Workflow.make("templates").addNode("ItemCreateNode", "c", {
            id: "{id}",
            name: "{{{customer.name}}} #{n}",
            qty: "{n}",
            at: "{at}",
            tags: "{tags}"
          })
          const { results } = yield* Workflow.run(wf, {
            id: "t1",
            n: 7,
            at,
            tags: ["x", "y"],
            customer: { name: "Ann" }
          })
          expect(results["c"]).toMatchObject({ id: "t1", name: "{Ann} #7", qty: 7, tags: ["x", "y"] })
          const back = yield* Item.read({ id: "t1" })
          expect([back.name, back.qty, back.at?.toISOString(), back.tags]).toEqual([
            "{Ann} #7",
            7,
            at.toISOString(),
            ["x", "y"]
          ])
        })
    )

    it.effect("dotted paths on both ends: record.id, records.0.name, whole values into fields.x and filter.id", () =>
      Effect.gen(function* () {
        yield* reset(Item, Note)
        yield* Item.bulkCreate({
          data: [
            { id: "i1", name: "one", qty: 5 },
            { id: "i2", name: "two", qty: 9 }
          ]
        })
        const wf = Workflow.make("paths")
          .addNode("ItemUpsertNode", "up", { where: { id: "i3" }, create: { name: "three", qty: 1 }, update: {} })
          .addNode("ItemListNode", "top", { orderBy: ["-qty"], limit: 1 }, { after: ["up"] })
          .addNode("ItemCountNode", "n", {}, { after: ["up"] })
          .addNode("NoteCreateNode", "note", {})
          .connect("top", "records.0.name", "note", "text")
          .connect("n", "", "note", "count")
          .addNode("ItemUpdateNode", "bump", { fields: { name: "three!" } })
          .connect("up", "record.id", "bump", "filter.id")
          .connect("top", "records.0.qty", "bump", "fields.qty")
        const { results } = yield* Workflow.run(wf, {}, { concurrency: 2 })
        expect(results["note"]).toMatchObject({ text: "two", count: 3 })
        expect(yield* notes).toEqual([["two", 3]])
        expect(yield* items).toEqual([
          ["i1", "one", 5],
          ["i2", "two", 9],
          ["i3", "three!", 9]
        ])
      })
    )

    it.effect("a condition routes: the branch not taken writes nothing and its results are Skipped", () =>
      Effect.gen(function* () {
        const wf = yield* Workflow.fromJson(
          JSON.stringify({
            name: "restock",
            nodes: [
              { id: "item", type: "ItemReadNode", params: { id: "{id}" } },
              {
                id: "low",
                type: "ConditionNode",
                when: { path: "item.qty", op: "$lt", value: "{threshold}" },
                then: ["reorder"],
                else: ["log_ok"]
              },
              { id: "reorder", type: "NoteCreateNode", params: { text: "reorder {id}", count: 1 } },
              {
                id: "bump",
                type: "ItemUpdateNode",
                params: { filter: { id: "{id}" }, fields: { qty: 100 } },
                after: ["reorder"]
              },
              { id: "log_ok", type: "NoteCreateNode", params: { text: "ok {id}", count: 0 } }
            ]
          })
        )
        yield* reset(Item, Note)
        yield* Item.bulkCreate({
          data: [
            { id: "low1", name: "low", qty: 2 },
            { id: "high1", name: "high", qty: 50 }
          ]
        })

        const low = yield* Workflow.run(wf, { id: "low1", threshold: 10 })
        expect(low.results["low"]).toEqual({ value: true, branch: "then" })
        expect(low.results["log_ok"]).toEqual(new Workflow.Skipped({ by: "low" }))
        expect(low.results["bump"]).toMatchObject({ qty: 100 })

        const high = yield* Workflow.run(wf, { id: "high1", threshold: 10 })
        expect(high.results["reorder"]).toEqual(new Workflow.Skipped({ by: "low" }))
        expect(high.results["bump"]).toEqual(new Workflow.Skipped({ by: "low" })) // it waits for a skipped node
        expect(yield* notes).toEqual([
          ["ok high1", 0],
          ["reorder low1", 1]
        ])
        expect(yield* items).toEqual([
          ["high1", "high", 50],
          ["low1", "low", 100]
        ])
      })
    )

    it.effect("independent nodes run concurrently and all land; a dependent node sees them all", () =>
      Effect.gen(function* () {
        yield* reset(Item)
        let wf = Workflow.make("fan-out")
        for (let i = 0; i < 8; i++) wf = wf.addNode("ItemCreateNode", `c${i}`, { id: `f${i}`, name: `n${i}`, qty: i })
        wf = wf.addNode("ItemCountNode", "total", {}, { after: Array.from({ length: 8 }, (_, i) => `c${i}`) })
        for (const concurrency of [3, 8]) {
          yield* reset(Item)
          const { results } = yield* Workflow.run(wf, {}, { concurrency })
          expect(results["total"]).toBe(8)
          expect((yield* items).map(([id]) => id)).toEqual(Array.from({ length: 8 }, (_, i) => `f${i}`))
        }
      })
    )

    it.effect("spans: one for the workflow, one per node with id, type, model and row count — never values", () =>
      Effect.gen(function* () {
        yield* reset(Item)
        yield* Item.bulkCreate({
          data: [
            { id: "s1", name: "secret-name", qty: 41 },
            { id: "s2", name: "other", qty: 2 }
          ]
        })
        const { tracer, spans } = recordingTracer()
        const wf = Workflow.make("traced")
          .addNode("ItemReadNode", "r", { id: "{id}" })
          .addNode("ItemListNode", "l", { filter: { qty: { $gte: 1 } } })
          .addCondition("big", { when: { path: "r.qty", op: "$gt", value: 1000 }, then: ["never"] })
          .addNode("ItemBulkUpdateNode", "never", { filter: { id: "s1" }, fields: { qty: 0 } })
          .addCompute("half", { $subtract: [{ $ref: "r.qty" }, 1] })
        const { runId } = yield* Workflow.run(wf, { id: "s1" }).pipe(Effect.withTracer(tracer))
        const workflow = spans.filter((s) => s.name === "dataflow.workflow")
        expect(workflow).toHaveLength(1)
        expect(Object.fromEntries(workflow[0]!.attributes)).toEqual({
          workflow: "traced",
          runId,
          nodes: 5,
          transactional: false
        })
        const nodes = spans.filter((s) => s.name === "dataflow.workflow.node")
        expect(nodes.map((s) => Object.fromEntries(s.attributes))).toEqual(
          expect.arrayContaining([
            { nodeId: "r", nodeType: "ItemReadNode", model: "Item", rows: 1 },
            { nodeId: "l", nodeType: "ItemListNode", model: "Item", rows: 2 },
            { nodeId: "big", nodeType: "ConditionNode" },
            { nodeId: "never", nodeType: "ItemBulkUpdateNode", model: "Item", skipped: true },
            { nodeId: "half", nodeType: "ComputeNode" }
          ])
        )
        expect(nodes).toHaveLength(5)
        for (const s of nodes) expect(s.parent).toBe(workflow[0]!.spanId)
        // no input, parameter or record value appears in any attribute (the runId aside)
        const values = spans
          .filter((s) => s.name.startsWith("dataflow.workflow"))
          .flatMap((s) => [...s.attributes.values()])
          .filter((v) => v !== runId)
        for (const value of values) expect(["s1", "secret-name", 41, 40, 1000]).not.toContain(value)
        expect(JSON.stringify(values)).not.toMatch(/s1|secret|41|40/)
      })
    )
  },
  { models: [Item, Note] }
)
