/**
 * Search nodes in workflows: `<Model>VectorSearchNode`, `<Model>TextSearchNode` and
 * `<Model>HybridSearchNode` run from a JSON definition and from the typed builder with the same
 * results as the model's operations; parameters and output paths are checked before anything runs;
 * a model gets only the search nodes its fields allow. MariaDB: the node fails UnsupportedFeature.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Workflow } from "../../src/index.js"
import { forEachDialect, reset } from "../support/Dialects.js"

const WfDoc = DataFlow.model(
  "WfDoc",
  { id: Schema.String, title: Schema.String, embedding: DataFlow.vector(2) },
  { textSearch: { fields: ["title"] } }
)
const WfNote = DataFlow.model("WfNote", { id: Schema.String, body: Schema.String })

const docs = [
  { id: "h1", title: "apple pie", embedding: [0, 1] },
  { id: "h2", title: "apple tart", embedding: [1, 0] },
  { id: "h3", title: "banana split", embedding: [0.9, 0.1] },
  { id: "h4", title: "apple crumble", embedding: [0.5, 0.5] },
  { id: "h5", title: "cherry pie", embedding: [0.95, 0.05] }
]
const inputs = { text: "apple", vector: [1, 0] }

const definition = JSON.stringify({
  name: "search",
  nodes: [
    { id: "nearest", type: "WfDocVectorSearchNode", params: { vector: "{vector}", k: 3 } },
    { id: "words", type: "WfDocTextSearchNode", params: { text: "{text}", k: 2, select: ["title"] } },
    { id: "hybrid", type: "WfDocHybridSearchNode", params: { text: "{text}", vector: "{vector}", k: 4 } },
    { id: "best", type: "WfDocReadNode", params: {} }
  ],
  connections: [{ from: "hybrid", output: "records.1.record.id", to: "best", input: "id" }]
})

const typedSearch = Workflow.typed("search", {
  models: [WfDoc],
  inputs: { text: Schema.String, vector: Schema.Array(Schema.Number) }
})
  .node("nearest", "WfDocVectorSearchNode", { params: (_, input) => ({ vector: input.vector, k: 3 }) })
  .node("hybrid", "WfDocHybridSearchNode", {
    params: (_, input) => ({ text: input.text, vector: input.vector, k: 4, weights: { text: 1, vector: 1 } })
  })
  .node("best", "WfDocReadNode", { after: ["hybrid"], params: ({ hybrid }) => ({ id: hybrid.records[1]!.record.id }) })

const ids = (r: unknown) => (r as { records: Array<{ record: { id: string } }> }).records.map((h) => h.record.id)

forEachDialect(
  "wf_search",
  (it, dialect) => {
    it.effect("a JSON workflow runs vector, text and hybrid search nodes and reads their outputs", () =>
      Effect.gen(function* () {
        yield* reset(WfDoc)
        yield* WfDoc.bulkCreate({ data: docs })
        const wf = yield* Workflow.fromJson(definition)
        if (dialect === "mysql") {
          const e = yield* Effect.flip(Workflow.run(wf, inputs))
          expect(e._tag === "NodeFailed" && (e.cause as { _tag: string })._tag).toBe("UnsupportedFeature")
          return
        }
        const { results } = yield* Workflow.run(wf, inputs)
        expect(ids(results["nearest"])).toEqual(["h2", "h5", "h3"])
        expect(results["words"]).toMatchObject({
          records: [
            { record: { id: "h1", title: "apple pie" }, rank: 1 },
            { record: { id: "h2", title: "apple tart" }, rank: 2 }
          ]
        })
        expect(ids(results["hybrid"])).toEqual(["h2", "h1", "h4", "h5"])
        const hybrid = results["hybrid"] as { records: Array<Record<string, unknown>> }
        expect(hybrid.records.map((r) => [r["textRank"], r["vectorRank"]])).toEqual([
          [2, 1],
          [1, 5],
          [3, 4],
          [null, 2]
        ])
        expect(results["best"]).toMatchObject({ id: "h1", title: "apple pie" })
      })
    )

    if (dialect === "mysql") return

    it.effect("a typed workflow: typed search outputs feed the next node", () =>
      Effect.gen(function* () {
        yield* reset(WfDoc)
        yield* WfDoc.bulkCreate({ data: docs })
        const { results } = yield* Workflow.run(typedSearch, inputs)
        expect(results.nearest.records.map((h) => [h.record.id, h.distance])).toEqual([
          ["h2", expect.closeTo(0, 6)],
          ["h5", expect.closeTo(1 - 0.95 / Math.hypot(0.95, 0.05), 6)],
          ["h3", expect.closeTo(1 - 0.9 / Math.hypot(0.9, 0.1), 6)]
        ])
        const fused = results.hybrid.records
        expect(fused.map((h) => [h.record.id, h.textRank, h.vectorRank])).toEqual([
          ["h2", 2, 1],
          ["h1", 1, 5],
          ["h4", 3, 4],
          ["h5", null, 2]
        ])
        expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12)
        expect(results.best.title).toBe("apple pie")
      })
    )

    it.effect("parameters, output paths and node types are checked before anything runs", () =>
      Effect.gen(function* () {
        const problems = (nodes: unknown, connections: unknown = []) =>
          Effect.map(
            Effect.flip(
              Effect.flatMap(Workflow.decode({ name: "bad", nodes, connections }), (wf) => Workflow.run(wf, inputs))
            ),
            (e) => e.message
          )
        const noK = yield* problems([{ id: "a", type: "WfDocVectorSearchNode", params: { vector: "{vector}" } }])
        expect(noK).toContain("missing required parameter k")
        const unknown = yield* problems([{ id: "a", type: "WfDocTextSearchNode", params: { text: "x", k: 1, kk: 2 } }])
        expect(unknown).toContain("unknown parameter kk")
        const badPath = yield* problems(
          [
            { id: "a", type: "WfDocTextSearchNode", params: { text: "x", k: 1 } },
            { id: "b", type: "WfDocReadNode", params: {} }
          ],
          [{ from: "a", output: "records.0.distance", to: "b", input: "id" }]
        )
        expect(badPath).toContain("has no distance")
        const noVector = yield* problems([{ id: "a", type: "WfNoteVectorSearchNode", params: { vector: [1], k: 1 } }])
        expect(noVector).toContain("model WfNote has no vectorSearch (it needs a DataFlow.vector field)")
        const types = yield* Workflow.nodeTypes
        expect(types.filter((t) => t.includes("Search"))).toEqual([
          "WfDocHybridSearchNode",
          "WfDocTextSearchNode",
          "WfDocVectorSearchNode"
        ])
      })
    )
  },
  { models: [WfDoc, WfNote] }
)
