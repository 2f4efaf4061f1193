/**
 * The document API's checkers (src/documents/Check*.ts): every operator and stage of the subset is
 * accepted into its exact checked form, everything else refused with the exact tag and path/feature.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { checkDocument } from "../../src/documents/CheckValues.js"
import { checkFilter } from "../../src/documents/CheckFilter.js"
import { checkUpdate } from "../../src/documents/CheckUpdate.js"
import { checkFindOptions, checkPipeline } from "../../src/documents/CheckPipeline.js"

const refused = <A, E>(effect: Effect.Effect<A, E>) => {
  const result = Effect.runSync(Effect.either(effect))
  if (Either.isRight(result)) throw new Error("expected a failure")
  const e = result.left as { _tag: string; path?: string; feature?: string }
  return e._tag === "ValidationError" ? { _tag: e._tag, path: e.path } : { _tag: e._tag, feature: e.feature }
}
const ok = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSync(effect)

describe("checkDocument", () => {
  it("accepts JSON values and keeps them", () => {
    const doc = { _id: "a", s: "x", n: 1.5, b: true, z: null, arr: [1, "a", { k: [] }], o: { p: { q: 1 } } }
    expect(ok(checkDocument(doc))).toEqual(doc)
  })
  it.each([
    [{ d: new Date(0) }, "d"],
    [{ n: Number.NaN }, "n"],
    [{ n: Infinity }, "n"],
    [{ a: [1, undefined] }, "a.1"],
    [{ $set: 1 }, "$set"],
    [{ "a.b": 1 }, "a.b"],
    [{ o: { "": 1 } }, "o."],
    [{ o: { "1": 1 } }, "o.1"],
    [{ s: "a\0b" }, "s"],
    [{ _id: 5 }, "_id"],
    [{ _id: "" }, "_id"],
    [{ _id: "x".repeat(256) }, "_id"],
    [{ big: BigInt(10) }, "big"]
  ])("refuses %s at %s", (doc, path) => {
    expect(refused(checkDocument(doc))).toEqual({ _tag: "ValidationError", path })
  })
  it("prefixes paths and refuses non-objects", () => {
    expect(refused(checkDocument({ a: { b: NaN } }, "3"))).toEqual({ _tag: "ValidationError", path: "3.a.b" })
    expect(refused(checkDocument([1]))).toEqual({ _tag: "ValidationError", path: "document" })
  })
  it("refuses a document nested deeper than 100", () => {
    let doc: unknown = 1
    for (let i = 0; i < 101; i++) doc = { a: doc }
    expect(refused(checkDocument(doc))._tag).toBe("ValidationError")
  })
})

describe("checkFilter", () => {
  const q = (f: unknown) => ok(checkFilter(f)).query
  it("normalizes every operator of the subset", () => {
    expect(q({})).toEqual({})
    expect(q({ a: 1 })).toEqual({ a: { $eq: 1 } })
    expect(q({ "a.0.b": "x", c: null })).toEqual({ $and: [{ "a.0.b": { $eq: "x" } }, { c: { $eq: null } }] })
    expect(q({ a: { $gt: 1, $lte: 5 } })).toEqual({ a: { $gt: 1, $lte: 5 } })
    expect(q({ a: { $gte: "m", $lt: "z" } })).toEqual({ a: { $gte: "m", $lt: "z" } })
    expect(q({ a: { $ne: null } })).toEqual({ a: { $ne: null } })
    expect(q({ a: { $in: [1, "x", null] }, b: { $nin: [true] } })).toEqual({
      $and: [{ a: { $in: [1, "x", null] } }, { b: { $nin: [true] } }]
    })
    expect(q({ a: { $exists: false } })).toEqual({ a: { $exists: false } })
    expect(q({ a: { $size: 2 } })).toEqual({ a: { $size: 2 } })
    expect(q({ a: { $all: ["x", "y"] } })).toEqual({ $and: [{ a: { $eq: "x" } }, { a: { $eq: "y" } }] })
    expect(q({ a: { $all: [] } })).toEqual({ a: { $in: [] } })
    expect(q({ a: { $not: { $gt: 3 } } })).toEqual({ a: { $not: { $gt: 3 } } })
    expect(q({ $or: [{ a: 1 }, { b: 2 }], $nor: [{ c: 3 }] })).toEqual({
      $and: [{ $or: [{ a: { $eq: 1 } }, { b: { $eq: 2 } }] }, { $nor: [{ c: { $eq: 3 } }] }]
    })
    expect(q({ $and: [{ a: 1 }] })).toEqual({ $and: [{ a: { $eq: 1 } }] })
  })
  it("rewrites $regex into the portable form, folding case for option i", () => {
    expect(q({ a: { $regex: "^ab." } })).toEqual({ a: { $regex: "^ab(?:.|[\n\r\u0085\u2028\u2029])" } })
    expect(q({ a: { $regex: "^a[b-c]\\d", $options: "i" } })).toEqual({ a: { $regex: "^[aA][b-cB-C][0-9]" } })
  })
  it.each([
    [{ $where: "1" }, "filter operator $where"],
    [{ a: { $elemMatch: { b: 1 } } }, "filter operator $elemMatch"],
    [{ a: { $type: "string" } }, "filter operator $type"],
    [{ $text: { $search: "x" } }, "filter operator $text"],
    [{ a: { b: 1 } }, "equality with an object value"],
    [{ a: [1, 2] }, "equality with an array value"],
    [{ a: { $in: [[1]] } }, "$in with an array value"],
    [{ a: { $regex: "x", $options: "m" } }, "$regex option m"],
    [{ a: /x/ }, "a RegExp value (use $regex)"]
  ])("refuses %j as UnsupportedFeature", (f, feature) => {
    expect(refused(checkFilter(f))).toEqual({ _tag: "UnsupportedFeature", feature })
  })
  it.each([
    [{ a: { $gt: null } }, "a"],
    [{ a: { $gt: true } }, "a"],
    [{ a: { $in: 1 } }, "a"],
    [{ a: { $exists: 1 } }, "a"],
    [{ a: { $size: -1 } }, "a"],
    [{ a: { $regex: "(a)\\1" } }, "a"],
    [{ a: { $options: "i" } }, "a"],
    [{ a: { $not: 1 } }, "a"],
    [{ a: { $gt: 1, b: 2 } }, "a"],
    [{ "a..b": 1 }, "a..b"],
    [{ "a.$b": 1 }, "a.$b"],
    [{ $or: [] }, "$or"],
    [{ $or: [{ a: { $gt: [] } }] }, "a"],
    [{ $and: [1] }, "$and.0"],
    [{ a: Number.NaN }, "a"]
  ])("refuses %j as ValidationError at its path", (f, path) => {
    expect(refused(checkFilter(f))).toEqual({ _tag: "ValidationError", path })
  })
  it("caps the number of nodes", () => {
    const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, i]))
    expect(refused(checkFilter(many))._tag).toBe("ValidationError")
  })
})

describe("checkUpdate", () => {
  it("checks each operator into its operation", () => {
    expect(ok(checkUpdate({ $set: { "a.b": [1] }, $unset: { c: "" }, $inc: { n: -2 }, $push: { t: "x" } }))).toEqual([
      { op: "set", path: ["a", "b"], value: [1] },
      { op: "unset", path: ["c"] },
      { op: "inc", path: ["n"], by: -2 },
      { op: "push", path: ["t"], value: "x" }
    ])
    expect(ok(checkUpdate({ $pull: { t: "x", u: { k: 1 } } }))).toEqual([
      { op: "pull", path: ["t"], match: { kind: "value", value: "x" } },
      { op: "pull", path: ["u"], match: { kind: "fields", fields: [[["k"], 1]] } }
    ])
  })
  it.each([
    [{ $rename: { a: "b" } }, "update operator $rename"],
    [{ $addToSet: { a: 1 } }, "update operator $addToSet"],
    [{ $push: { a: { $each: [1] } } }, "$push modifier $each"],
    [{ $pull: { a: { $gte: 1 } } }, "$pull with an operator condition"]
  ])("refuses %j as UnsupportedFeature", (u, feature) => {
    expect(refused(checkUpdate(u))).toEqual({ _tag: "UnsupportedFeature", feature })
  })
  it.each([
    [{ a: 1 }, "a"],
    [{}, "update"],
    [{ $set: {} }, "$set"],
    [{ $set: { _id: "x" } }, "_id"],
    [{ $set: { a: 1 }, $inc: { a: 1 } }, "a"],
    [{ $set: { "a.b": 1 }, $unset: { a: "" } }, "a"],
    [{ $inc: { n: "1" } }, "n"],
    [{ $set: { a: new Date() } }, "a"],
    [{ $set: { "a.": 1 } }, "a."]
  ])("refuses %j as ValidationError at its path", (u, path) => {
    expect(refused(checkUpdate(u))).toEqual({ _tag: "ValidationError", path })
  })
})

describe("checkPipeline", () => {
  it("checks every stage of the subset", () => {
    const stages = ok(
      checkPipeline([
        { $match: { a: 1 } },
        { $unwind: "$tags" },
        { $unwind: { path: "$x", preserveNullAndEmptyArrays: true } },
        {
          $group: { _id: { c: "$cat" }, n: { $count: {} }, s: { $sum: "$amt" }, one: { $sum: 1 }, p: { $push: "$a.b" } }
        },
        { $group: { _id: null, m: { $min: "$n" }, M: { $max: "$n" }, v: { $avg: "$n" } } },
        { $sort: { n: -1, _id: 1 } },
        { $skip: 0 },
        { $limit: 5 },
        { $project: { _id: 0, total: "$s", n: 1 } },
        { $project: { secret: 0 } },
        { $count: "rows" }
      ])
    )
    expect(stages.map((s) => s.stage)).toEqual([
      "match",
      "unwind",
      "unwind",
      "group",
      "group",
      "sort",
      "skip",
      "limit",
      "project",
      "project",
      "count"
    ])
    expect(stages[3]).toEqual({
      stage: "group",
      id: { fields: [["c", ["cat"]]] },
      accumulators: [
        ["n", { op: "count" }],
        ["s", { op: "sum", of: { path: ["amt"] } }],
        ["one", { op: "sum", of: { value: 1 } }],
        ["p", { op: "push", of: { path: ["a", "b"] } }]
      ]
    })
    expect(stages[8]).toEqual({
      stage: "project",
      projection: {
        kind: "include",
        id: false,
        fields: [
          { name: ["total"], from: ["s"] },
          { name: ["n"], from: ["n"] }
        ]
      }
    })
  })
  it.each([
    [[{ $lookup: {} }], "aggregation stage $lookup"],
    [[{ $out: "x" }], "aggregation stage $out"],
    [[{ $group: { _id: null, s: { $stdDevPop: "$a" } } }], "accumulator $stdDevPop"],
    [[{ $group: { _id: { $toLower: "$a" } } }], "aggregation expression $toLower"],
    [[{ $group: { _id: "$$ROOT" } }], "aggregation variables ($$)"],
    [[{ $match: { $expr: {} } }], "filter operator $expr"],
    [[{ $unwind: { path: "$a", includeArrayIndex: "i" } }], "$unwind option includeArrayIndex"]
  ])("refuses %j as UnsupportedFeature", (p, feature) => {
    expect(refused(checkPipeline(p))).toEqual({ _tag: "UnsupportedFeature", feature })
  })
  it.each([
    [{}, "pipeline"],
    [[{ $limit: 0 }], "$limit"],
    [[{ $skip: -1 }], "$skip"],
    [[{ $sort: { a: 2 } }], "$sort.a"],
    [[{ $group: { n: { $sum: 1 } } }], "$group"],
    [[{ $project: { a: 1, b: 0 } }], "$project.b"],
    [[{ $count: "" }], "$count"],
    [[{ $unwind: "tags" }], "$unwind"],
    [[{ $match: {}, $limit: 1 }], "pipeline.0"]
  ])("refuses %j as ValidationError at its path", (p, path) => {
    expect(refused(checkPipeline(p))).toEqual({ _tag: "ValidationError", path })
  })
})

describe("checkFindOptions", () => {
  it("checks sort, skip, limit and projection", () => {
    expect(ok(checkFindOptions({ sort: { a: 1, "b.c": -1 }, skip: 2, limit: 3, projection: { a: 1 } }))).toEqual({
      sort: [
        { path: ["a"], descending: false },
        { path: ["b", "c"], descending: true }
      ],
      skip: 2,
      limit: 3,
      projection: { kind: "include", id: true, fields: [{ name: ["a"], from: ["a"] }] }
    })
    expect(refused(checkFindOptions({ limit: -1 }))).toEqual({ _tag: "ValidationError", path: "limit" })
    expect(refused(checkFindOptions({ projection: { a: "$b" } } as never))).toEqual({
      _tag: "ValidationError",
      path: "projection.a"
    })
  })
})
