/**
 * The aggregation subset compiled to one SQL query (src/documents/SqlPipeline.ts) on the three SQL
 * databases: each stage and accumulator, and combinations, give exactly the documents (values and
 * order) of the JavaScript stages (src/documents/Pipeline.ts) over the same documents.
 */
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import { Database } from "../../src/index.js"
import { checkPipelineSync } from "../../src/documents/CheckPipeline.js"
import { runStages } from "../../src/documents/Pipeline.js"
import { documentHooksOf } from "../../src/documents/SqlDialects.js"
import { aggregateHooksOf, compilePipeline } from "../../src/documents/SqlPipeline.js"
import { forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const docs = [
  { _id: "o1", status: "done", cat: "books", amount: 12, qty: 1, items: ["a", "b"], c: { tier: "gold" }, f: true },
  { _id: "o2", status: "done", cat: "books", amount: 8, qty: 2.5, items: ["c"], c: { tier: "basic" }, f: false },
  { _id: "o3", status: "open", cat: "games", amount: 30, items: [], c: { tier: "gold" }, note: null },
  { _id: "o4", status: "done", cat: "games", amount: 20.5, qty: 0.1, items: null, f: "yes" },
  { _id: "o5", status: "done", cat: "music", amount: "n/a", qty: 0.2, items: "solo", c: { tier: "gold", n: [1, 2] } },
  { _id: "o6", status: "void", cat: 1, amount: -3, items: [{ k: 1 }, null, 2.25], c: {} },
  { _id: "o7", cat: 1.0, amount: null, items: [true], f: true },
  { _id: "o8", status: "done", cat: "1", amount: 1e21, qty: 3 }
]

const pipelines: ReadonlyArray<readonly [string, ReadonlyArray<unknown>]> = [
  ["leading $match only", [{ $match: { status: "done" } }]],
  ["$match after a stage, on _id", [{ $sort: { amount: -1 } }, { $match: { _id: { $in: ["o1", "o4", "o6"] } } }]],
  [
    "$group with every accumulator",
    [
      {
        $group: {
          _id: "$cat",
          total: { $sum: "$amount" },
          q: { $sum: "$qty" },
          n: { $count: {} },
          ones: { $sum: 1 },
          halves: { $sum: 0.5 },
          text: { $sum: "x" },
          avg: { $avg: "$amount" },
          avgq: { $avg: "$qty" },
          lo: { $min: "$amount" },
          hi: { $max: "$amount" },
          lof: { $min: "$f" },
          hif: { $max: "$f" },
          lom: { $min: "$missing" },
          ids: { $push: "$_id" },
          notes: { $push: "$note" },
          k: { $push: 7 }
        }
      }
    ]
  ],
  ["$group by null, constant, missing", [{ $group: { _id: null, n: { $count: {} }, s: { $sum: "$amount" } } }]],
  ["$group by a constant", [{ $group: { _id: "all", ids: { $push: "$_id" } } }]],
  ["$group by a missing path", [{ $group: { _id: "$note", ids: { $push: "$_id" } } }]],
  ["$group by an object of paths", [{ $group: { _id: { s: "$status", t: "$c.tier" }, ids: { $push: "$_id" } } }]],
  ["$group by an object of a null and a missing path", [{ $group: { _id: { n: "$note" }, ids: { $push: "$_id" } } }]],
  ["$group by array values", [{ $group: { _id: "$items", n: { $count: {} } } }]],
  [
    "$min/$max over mixed types",
    [
      {
        $group: { _id: null, lo: { $min: "$cat" }, hi: { $max: "$cat" }, loi: { $min: "$qty" }, c: { $max: "$c.tier" } }
      }
    ]
  ],
  [
    "$unwind then $group of the elements",
    [{ $unwind: "$items" }, { $group: { _id: "$items", ids: { $push: "$_id" } } }]
  ],
  ["$group by an object value", [{ $group: { _id: "$c", n: { $count: {} } } }]],
  ["$group then $sort by _id", [{ $group: { _id: "$status", n: { $sum: 1 } } }, { $sort: { _id: -1 } }]],
  ["$sort ascending, mixed types", [{ $sort: { amount: 1 } }]],
  ["$sort on two keys", [{ $sort: { status: -1, cat: 1 } }]],
  ["$sort $skip $limit", [{ $sort: { cat: 1 } }, { $skip: 2 }, { $limit: 3 }]],
  ["$skip alone", [{ $skip: 5 }]],
  ["$limit alone", [{ $limit: 2 }]],
  ["$project inclusion and renames", [{ $project: { status: 1, tier: "$c.tier", "x.y": "$amount", "x.z": "$qty" } }]],
  ["$project without _id", [{ $project: { _id: 0, cat: 1, "c.tier": 1 } }]],
  ["$project exclusion", [{ $project: { items: 0, "c.tier": 0, _id: 0 } }]],
  ["$unwind", [{ $unwind: "$items" }]],
  ["$unwind preserving", [{ $unwind: { path: "$items", preserveNullAndEmptyArrays: true } }]],
  ["$unwind a nested array", [{ $unwind: "$c.n" }, { $project: { n: "$c.n" } }]],
  ["$count", [{ $match: { status: "done" } }, { $count: "n" }]],
  ["$count of nothing", [{ $match: { status: "none" } }, { $count: "n" }]],
  [
    "a long combination",
    [
      { $match: { status: { $ne: "void" } } },
      { $unwind: "$items" },
      { $match: { items: { $ne: null } } },
      { $group: { _id: "$status", items: { $push: "$items" }, n: { $count: {} }, hi: { $max: "$items" } } },
      { $sort: { n: -1, _id: 1 } },
      { $project: { items: 1, size: "$n", top: "$hi" } },
      { $skip: 0 },
      { $limit: 5 }
    ]
  ],
  ["$match on a group's output", [{ $group: { _id: "$status", n: { $count: {} } } }, { $match: { n: { $gte: 2 } } }]]
]

forEachDialect("b2_pipeline_sql", (it) => {
  for (const [title, pipeline] of pipelines) {
    it.effect(`${title}: the SQL query gives the JavaScript stages' documents`, () =>
      Effect.gen(function* () {
        const c = yield* Database.collection("b2_pipe")
        yield* c.drop()
        yield* c.insertMany(docs)
        const all = yield* c.find({})
        const stages = checkPipelineSync(pipeline)
        const expected = runStages(all as never, stages)
        const db = yield* sqlDatabase
        const compiled = compilePipeline(
          { sql: db.hooks, docs: documentHooksOf(db.hooks) },
          aggregateHooksOf(db.hooks),
          "b2_pipe",
          stages
        )
        expect(compiled).toBeDefined()
        const rows = yield* db.query(compiled!)
        const got = rows.map((r) => documentHooksOf(db.hooks).readDoc(r["doc"]))
        expect(got).toEqual(expected)
        expect(got.length > 0).toBe(!title.includes("nothing"))
      })
    )
  }

  it.effect("exact values: $group with $sum/$avg/$min/$max/$push, then $sort", () =>
    Effect.gen(function* () {
      const c = yield* Database.collection("b2_pipe_exact")
      yield* c.drop()
      yield* c.insertMany(docs)
      const stages = checkPipelineSync([
        { $match: { status: "done" } },
        {
          $group: {
            _id: "$cat",
            total: { $sum: "$amount" },
            q: { $sum: "$qty" },
            avg: { $avg: "$amount" },
            lo: { $min: "$f" },
            hi: { $max: "$amount" },
            ids: { $push: "$_id" }
          }
        },
        { $sort: { _id: 1 } }
      ])
      const db = yield* sqlDatabase
      const compiled = compilePipeline(
        { sql: db.hooks, docs: documentHooksOf(db.hooks) },
        aggregateHooksOf(db.hooks),
        "b2_pipe_exact",
        stages
      )!
      const rows = (yield* db.query(compiled)).map((r) => documentHooksOf(db.hooks).readDoc(r["doc"]))
      expect(rows).toEqual([
        { _id: "1", total: 1e21, q: 3, avg: 1e21, lo: null, hi: 1e21, ids: ["o8"] },
        { _id: "books", total: 20, q: 3.5, avg: 10, lo: false, hi: 12, ids: ["o1", "o2"] },
        { _id: "games", total: 20.5, q: 0.1, avg: 20.5, lo: "yes", hi: 20.5, ids: ["o4"] },
        { _id: "music", total: 0, q: 0.2, avg: null, lo: null, hi: "n/a", ids: ["o5"] }
      ])
    })
  )

  it.effect("$push longer than MariaDB's group_concat_max_len fails there, never comes back cut", () =>
    Effect.gen(function* () {
      const c = yield* Database.collection("b2_pipe_big")
      yield* c.drop()
      const big = "x".repeat(600_000)
      yield* c.insertMany([
        { _id: "a", s: big },
        { _id: "b", s: big }
      ])
      const db = yield* sqlDatabase
      const compiled = compilePipeline(
        { sql: db.hooks, docs: documentHooksOf(db.hooks) },
        aggregateHooksOf(db.hooks),
        "b2_pipe_big",
        checkPipelineSync([{ $group: { _id: null, all: { $push: "$s" } } }])
      )!
      const result = yield* Effect.either(db.query(compiled))
      if (db.hooks.name === "mysql") expect(result._tag).toBe("Left")
      else {
        expect(result._tag).toBe("Right")
        const rows = result._tag === "Right" ? result.right : []
        expect(documentHooksOf(db.hooks).readDoc(rows[0]!["doc"])).toEqual({ _id: null, all: [big, big] })
      }
    })
  )
})
