/**
 * The document API's aggregation subset (docs/documents.md, "Aggregation") on every database: each
 * stage and accumulator, results read back. No SQL here, so the suite can run on MongoDB too.
 */
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import { Database } from "../../src/index.js"
import { forEachDatabase } from "../support/Dialects.js"

const orders = [
  { _id: "o1", status: "done", category: "books", amount: 12, items: ["a", "b"], customer: { tier: "gold" } },
  { _id: "o2", status: "done", category: "books", amount: 8, items: ["c"], customer: { tier: "basic" } },
  { _id: "o3", status: "open", category: "games", amount: 30, items: [], customer: { tier: "gold" } },
  { _id: "o4", status: "done", category: "games", amount: 20.5, items: null },
  { _id: "o5", status: "done", category: "music", amount: "n/a" }
]

const seeded = (name: string) =>
  Effect.gen(function* () {
    const c = yield* Database.collection(name)
    yield* c.drop()
    yield* c.insertMany(orders)
    return c
  })

forEachDatabase("documents_aggregate", (it) => {
  it.effect("$match + $group with every accumulator, then $sort", () =>
    Effect.gen(function* () {
      const c = yield* seeded("b_agg_group")
      const rows = yield* c.aggregate([
        { $match: { status: "done" } },
        {
          $group: {
            _id: "$category",
            total: { $sum: "$amount" },
            n: { $count: {} },
            ones: { $sum: 1 },
            avg: { $avg: "$amount" },
            lo: { $min: "$amount" },
            hi: { $max: "$amount" },
            ids: { $push: "$_id" }
          }
        },
        { $sort: { _id: 1 } }
      ])
      expect(rows).toEqual([
        { _id: "books", total: 20, n: 2, ones: 2, avg: 10, lo: 8, hi: 12, ids: ["o1", "o2"] },
        { _id: "games", total: 20.5, n: 1, ones: 1, avg: 20.5, lo: 20.5, hi: 20.5, ids: ["o4"] },
        { _id: "music", total: 0, n: 1, ones: 1, avg: null, lo: "n/a", hi: "n/a", ids: ["o5"] }
      ])
    })
  )

  it.effect("$group by null, by a constant and by an object of paths", () =>
    Effect.gen(function* () {
      const c = yield* seeded("b_agg_keys")
      expect(yield* c.aggregate([{ $group: { _id: null, n: { $count: {} } } }])).toEqual([{ _id: null, n: 5 }])
      expect(yield* c.aggregate([{ $group: { _id: "all", n: { $sum: 1 } } }])).toEqual([{ _id: "all", n: 5 }])
      const rows = yield* c.aggregate([
        { $match: { "customer.tier": { $exists: true } } },
        { $group: { _id: { s: "$status", t: "$customer.tier" }, n: { $count: {} } } },
        { $sort: { "_id.s": 1, "_id.t": 1 } }
      ])
      expect(rows).toEqual([
        { _id: { s: "done", t: "basic" }, n: 1 },
        { _id: { s: "done", t: "gold" }, n: 1 },
        { _id: { s: "open", t: "gold" }, n: 1 }
      ])
    })
  )

  it.effect("$unwind (plain and preserving), $skip, $limit, $project with renames, $count", () =>
    Effect.gen(function* () {
      const c = yield* seeded("b_agg_unwind")
      expect(yield* c.aggregate([{ $unwind: "$items" }, { $project: { _id: 1, items: 1 } }])).toEqual([
        { _id: "o1", items: "a" },
        { _id: "o1", items: "b" },
        { _id: "o2", items: "c" }
      ])
      const kept = yield* c.aggregate([
        { $unwind: { path: "$items", preserveNullAndEmptyArrays: true } },
        { $project: { _id: 0, id: "$_id", item: "$items" } }
      ])
      expect(kept).toEqual([
        { id: "o1", item: "a" },
        { id: "o1", item: "b" },
        { id: "o2", item: "c" },
        { id: "o3" },
        { id: "o4", item: null },
        { id: "o5" }
      ])
      expect(
        yield* c.aggregate([{ $sort: { amount: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { amount: 1 } }])
      ).toEqual([
        { _id: "o3", amount: 30 },
        { _id: "o4", amount: 20.5 }
      ])
      expect(yield* c.aggregate([{ $project: { customer: 0, items: 0, status: 0 } }, { $limit: 1 }])).toEqual([
        { _id: "o1", category: "books", amount: 12 }
      ])
      expect(yield* c.aggregate([{ $limit: 3 }, { $skip: 1 }, { $project: { _id: 1 } }])).toEqual([
        { _id: "o2" },
        { _id: "o3" }
      ])
      expect(
        yield* c.aggregate([
          { $match: { status: "done" } },
          { $sort: { category: -1 } },
          { $limit: 2 },
          { $project: { _id: 1 } }
        ])
      ).toEqual([{ _id: "o5" }, { _id: "o4" }])
      expect(yield* c.aggregate([{ $match: { status: "done" } }, { $count: "done" }])).toEqual([{ done: 4 }])
      expect(yield* c.aggregate([{ $match: { status: "none" } }, { $count: "n" }])).toEqual([])
    })
  )

  it.effect("stages and operators outside the subset fail UnsupportedFeature naming them", () =>
    Effect.gen(function* () {
      const c = yield* seeded("b_agg_refused")
      const feature = (p: ReadonlyArray<Record<string, unknown>>) =>
        Effect.map(Effect.flip(c.aggregate(p)), (e) => [e._tag, "feature" in e ? e.feature : undefined])
      expect(yield* feature([{ $lookup: { from: "x" } }])).toEqual(["UnsupportedFeature", "aggregation stage $lookup"])
      expect(yield* feature([{ $group: { _id: null, s: { $stdDevPop: "$amount" } } }])).toEqual([
        "UnsupportedFeature",
        "accumulator $stdDevPop"
      ])
      expect(yield* feature([{ $match: { $expr: { $gt: ["$a", 1] } } }])).toEqual([
        "UnsupportedFeature",
        "filter operator $expr"
      ])
    })
  )
})
