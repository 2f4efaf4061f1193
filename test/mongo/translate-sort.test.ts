/**
 * `FindQuery` → find or aggregation plans (src/mongo/Sort.ts): the order of SQL (NULLs last
 * ascending, first descending), keyset conditions, skip/limit, projection and the count filter.
 */
import { describe, expect, it } from "@effect/vitest"
import type { FindQuery, OrderKey } from "../../src/backend/Backend.js"
import { matchNothing } from "../../src/mongo/Filter.js"
import { findPlan, keysetQuery, projectionOf } from "../../src/mongo/Sort.js"
import { Counter, expr, field, Item, Member, mongo } from "./translate-fixtures.js"

const key = (name: string, descending = false, model = Item): OrderKey => ({ field: field(model, name), descending })
const query = (q: Partial<FindQuery>, model = Item): FindQuery => ({
  expr: expr({}, model),
  includeDeleted: false,
  orderBy: [key("id", false, model)],
  limit: 10,
  offset: 0,
  fields: model.columns,
  ...q
})
const rank = (path: string) => ({ $cond: [{ $in: [{ $type: `$${path}` }, ["missing", "null"]] }, 1, 0] })

describe("plain find when no ordering field can be null", () => {
  it("filter with soft delete, sort with the key tie-breaker, skip, limit + 1, projection, count filter", () => {
    const plan = findPlan(
      mongo,
      Item,
      query({
        expr: expr({ status: "live" }),
        orderBy: [key("name", true), key("id")],
        offset: 20,
        fields: [field(Item, "id"), field(Item, "name"), field(Item, "nick")]
      })
    )
    expect(plan).toEqual({
      kind: "find",
      filter: { $and: [{ deleted_at: null }, { status: "live" }] },
      sort: { name: -1, _id: 1 },
      skip: 20,
      limit: 11,
      projection: { _id: 1, name: 1, nick_name: 1 },
      countFilter: { $and: [{ deleted_at: null }, { status: "live" }] }
    })
  })
  it("a composite key sorts and projects by _id parts", () => {
    const plan = findPlan(
      mongo,
      Member,
      query({ orderBy: [key("org", false, Member), key("user", true, Member)], includeDeleted: true }, Member)
    )
    expect(plan).toEqual({
      kind: "find",
      filter: {},
      sort: { "_id.org": 1, "_id.user_id": -1 },
      skip: 0,
      limit: 11,
      projection: { _id: 1, role: 1, created_at: 1, updated_at: 1 },
      countFilter: {}
    })
  })
  it("a keyset on non-null fields narrows the filter only; the count ignores it", () => {
    const plan = findPlan(
      mongo,
      Counter,
      query({ orderBy: [key("hits", false, Counter), key("id", false, Counter)], after: [5, 9] }, Counter)
    )
    expect(plan).toMatchObject({
      kind: "find",
      filter: { $or: [{ hits: { $gt: 5 } }, { $and: [{ hits: 5 }, { _id: { $gt: 9 } }] }] },
      sort: { hits: 1, _id: 1 },
      countFilter: {}
    })
  })
})

describe("aggregation when an ordering field can be null", () => {
  it("ascending: a null rank (1 for null/missing) sorts nulls last, then dropped by $project", () => {
    const plan = findPlan(
      mongo,
      Item,
      query({ orderBy: [key("age"), key("id")], offset: 5, limit: 2, fields: [field(Item, "id"), field(Item, "age")] })
    )
    expect(plan).toEqual({
      kind: "aggregate",
      pipeline: [
        { $match: { deleted_at: null } },
        { $addFields: { __df_null_0: rank("age") } },
        { $sort: { __df_null_0: 1, age: 1, _id: 1 } },
        { $skip: 5 },
        { $limit: 3 },
        { $project: { _id: 1, age: 1 } }
      ],
      countFilter: { deleted_at: null }
    })
  })
  it("descending: the rank sorts descending too (nulls first); a mapped column ranks by its column", () => {
    const plan = findPlan(
      mongo,
      Item,
      query({ orderBy: [key("nick", true), key("score"), key("id")], fields: [field(Item, "id")] })
    )
    expect(plan).toEqual({
      kind: "aggregate",
      pipeline: [
        { $match: { deleted_at: null } },
        { $addFields: { __df_null_0: rank("nick_name"), __df_null_1: rank("score") } },
        { $sort: { __df_null_0: -1, nick_name: -1, __df_null_1: 1, score: 1, _id: 1 } },
        { $limit: 11 },
        { $project: { _id: 1 } }
      ],
      countFilter: { deleted_at: null }
    })
  })
})

describe("keyset conditions with SQL's null placement", () => {
  const ks = (keys: ReadonlyArray<OrderKey>, values: ReadonlyArray<unknown>) => keysetQuery(mongo, Item, keys, values)
  it("ascending after a value: greater, or null (nulls come last)", () => {
    expect(ks([key("age"), key("id")], [3, "k"])).toEqual({
      $or: [{ $or: [{ age: { $gt: 3 } }, { age: null }] }, { $and: [{ age: 3 }, { _id: { $gt: "k" } }] }]
    })
  })
  it("ascending after null: only later nulls by the tie-breaker", () => {
    expect(ks([key("age"), key("id")], [null, "k"])).toEqual({ $and: [{ age: null }, { _id: { $gt: "k" } }] })
  })
  it("descending after a value: smaller (nulls came first)", () => {
    expect(ks([key("age", true), key("id")], [3, "k"])).toEqual({
      $or: [{ age: { $lt: 3 } }, { $and: [{ age: 3 }, { _id: { $gt: "k" } }] }]
    })
  })
  it("descending after null: every non-null, or later nulls", () => {
    expect(ks([key("age", true), key("id")], [null, "k"])).toEqual({
      $or: [{ age: { $ne: null } }, { $and: [{ age: null }, { _id: { $gt: "k" } }] }]
    })
  })
  it("nothing after null on the only ascending key", () => {
    expect(ks([key("age")], [null])).toEqual(matchNothing)
  })
  it("values are encoded like stored values (dates, decimals through Values.ts)", () => {
    const d = new Date("2021-01-01T00:00:00.000Z")
    expect(ks([key("born", true), key("id")], [d, "k"])).toEqual({
      $or: [{ born: { $lt: d } }, { $and: [{ born: d }, { _id: { $gt: "k" } }] }]
    })
  })
  it("the keyset joins the filter inside the pipeline's $match", () => {
    const plan = findPlan(mongo, Item, query({ orderBy: [key("age"), key("id")], after: [null, "k"] }))
    expect(plan.kind === "aggregate" && plan.pipeline[0]).toEqual({
      $match: { $and: [{ deleted_at: null }, { $and: [{ age: null }, { _id: { $gt: "k" } }] }] }
    })
    expect(plan.countFilter).toEqual({ deleted_at: null })
  })
})

it("a field ordered twice keeps its first direction (as SQL's ORDER BY)", () => {
  const plan = findPlan(mongo, Item, query({ orderBy: [key("id", true), key("id")] }))
  expect(plan.kind === "find" && plan.sort).toEqual({ _id: -1 })
})

it("projection: _id always, managed columns by column", () => {
  expect(projectionOf(Item, [field(Item, "created_at"), field(Item, "id")])).toEqual({ _id: 1, created_at: 1 })
})
