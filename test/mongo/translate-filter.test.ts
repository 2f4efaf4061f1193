/**
 * The filter IR → MongoDB query documents (src/mongo/Filter.ts): the exact document for every
 * operator, built from user filters through the real checker (src/query/Filter.ts). No server.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { byIdQuery, likeRegex, liveCondition, matchNothing, toQuery, whereQuery } from "../../src/mongo/Filter.js"
import { Counter, expr, Item, Member, mongo } from "./translate-fixtures.js"

const q = (filter: unknown, model = Item) => toQuery(mongo, model, expr(filter, model))

/** The `$let` chain that reads one JSON path segment after another. */
const seg = (inner: unknown, name: string) => ({
  $let: {
    vars: { v: inner },
    in: { $cond: [{ $eq: [{ $type: "$$v" }, "object"] }, { $getField: { field: name, input: "$$v" } }, null] }
  }
})
const idx = (inner: unknown, n: number) => ({
  $let: { vars: { v: inner }, in: { $cond: [{ $isArray: "$$v" }, { $arrayElemAt: ["$$v", n] }, null] } }
})
const onPath = (value: unknown, cond: unknown) => ({ $expr: { $let: { vars: { v: value }, in: cond } } })

describe("equality and comparisons", () => {
  it("a bare value is case-sensitive equality on the column", () => {
    expect(q({ name: "Ann" })).toEqual({ name: "Ann" })
  })
  it("the key field is _id; a mapped field uses its column", () => {
    expect(q({ id: "a", nick: "x" })).toEqual({ $and: [{ _id: "a" }, { nick_name: "x" }] })
  })
  it("a composite key's fields live under _id by column", () => {
    expect(q({ org: "o", user: 3 }, Member)).toEqual({ $and: [{ "_id.org": "o" }, { "_id.user_id": 3 }] })
  })
  it("an Int id is _id", () => {
    expect(q({ id: { $gt: 5 } }, Counter)).toEqual({ _id: { $gt: 5 } })
  })
  it("ranges", () => {
    expect(q({ age: { $gt: 1, $gte: 2, $lt: 3, $lte: 4 } })).toEqual({
      $and: [{ age: { $gt: 1 } }, { age: { $gte: 2 } }, { age: { $lt: 3 } }, { age: { $lte: 4 } }]
    })
  })
  it("null is {f: null} (null or missing); $exists false too", () => {
    expect(q({ age: null })).toEqual({ age: null })
    expect(q({ age: { $exists: false } })).toEqual({ age: null })
    expect(q({ age: { $null: true } })).toEqual({ age: null })
  })
  it("$ne null / $exists true is {$ne: null}", () => {
    expect(q({ age: { $ne: null } })).toEqual({ age: { $ne: null } })
    expect(q({ age: { $exists: true } })).toEqual({ age: { $ne: null } })
  })
  it("$ne is two-valued: $ne matches null and missing, as SQL's NOT COALESCE(=, FALSE)", () => {
    expect(q({ age: { $ne: 3 } })).toEqual({ age: { $ne: 3 } })
  })
  it("$in / $nin (two-valued) / empty lists", () => {
    expect(q({ age: { $in: [1, 2] } })).toEqual({ age: { $in: [1, 2] } })
    expect(q({ age: { $nin: [1, 2] } })).toEqual({ age: { $nin: [1, 2] } })
    expect(q({ age: { $in: [] } })).toEqual(matchNothing)
    expect(q({ age: { $nin: [] } })).toEqual({})
  })
  it("booleans and literals", () => {
    expect(q({ active: false, status: "live" })).toEqual({ $and: [{ active: false }, { status: "live" }] })
  })
  it("UUIDs compare lower case, as stored", () => {
    expect(q({ token: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11" })).toEqual({
      token: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    })
  })
  it("dates, decimals and bigints go through the value encoding", () => {
    const d = new Date("2020-01-02T03:04:05.678Z")
    expect(q({ born: { $lt: d } })).toEqual({ born: { $lt: d } })
    expect(q({ price: { $gte: BigDecimal.unsafeFromString("1.50") } })).toEqual({
      price: { $gte: mongo.Decimal128.fromString("1.5") }
    })
    expect(q({ big: 9007199254740993n })).toEqual({ big: mongo.Long.fromBigInt(9007199254740993n) })
  })
  it("a decimal bound beyond storage is clamped as on SQL (10^35), and still exact in Decimal128", () => {
    const huge = BigDecimal.unsafeFromString(`1${"0".repeat(50)}`)
    expect(q({ price: { $lt: huge } })).toEqual({ price: { $lt: mongo.Decimal128.fromString("1E+35") } })
  })
})

describe("the IR's own <> (not made by user filters)", () => {
  it("is unknown on null as in SQL: neither the value nor null", () => {
    const target = { field: Item.columnMap.get("age")! }
    expect(toQuery(mongo, Item, { _tag: "Cmp", target, op: "<>", value: 3 })).toEqual({ age: { $nin: [3, null] } })
  })
})

describe("logic", () => {
  it("$or, $and, $not", () => {
    expect(q({ $or: [{ age: 1 }, { name: "b" }] })).toEqual({ $or: [{ age: 1 }, { name: "b" }] })
    expect(q({ $and: [{ age: 1 }, { name: "b" }] })).toEqual({ $and: [{ age: 1 }, { name: "b" }] })
    expect(q({ $not: { age: { $gt: 3 } } })).toEqual({ $nor: [{ age: { $gt: 3 } }] })
  })
  it("empty $and matches all, empty $or nothing; $not of them flips", () => {
    expect(q({ $and: [] })).toEqual({})
    expect(q({ $or: [] })).toEqual(matchNothing)
    expect(q({ $not: { $or: [] } })).toEqual({})
    expect(q({ $not: { $and: [] } })).toEqual(matchNothing)
    expect(q({})).toEqual({})
  })
  it("an $or with a branch matching everything matches everything; an $and with a false branch nothing", () => {
    expect(q({ $or: [{ age: 1 }, { $and: [] }] })).toEqual({})
    expect(q({ $and: [{ age: 1 }, { age: { $in: [] } }] })).toEqual(matchNothing)
  })
  it("$not over several conditions is one $nor (NOT of the AND)", () => {
    expect(q({ $not: { age: 1, name: "x" } })).toEqual({ $nor: [{ $and: [{ age: 1 }, { name: "x" }] }] })
  })
})

describe("LIKE and regular expressions", () => {
  it("$like is an anchored escaped regex; % and _ match newlines", () => {
    expect(q({ name: { $like: "a%b_c" } })).toEqual({ name: { $regex: "^a[\\s\\S]*b[\\s\\S]c\\z" } })
  })
  it("regex syntax in a LIKE pattern is literal; \\% \\_ \\\\ are the escaped characters", () => {
    expect(likeRegex("a.b*c(d)[e]{f}|g^h$i?j+k-l")).toBe("^a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\?j\\+k\\-l\\z")
    expect(likeRegex("100\\%\\_\\\\x")).toBe("^100%_\\\\x\\z")
  })
  it("the regex reads the same as LIKE (checked with JavaScript's engine, which agrees on this subset)", () => {
    const re = (p: string) => new RegExp(likeRegex(p).replace(/\\z$/, "$"), "u")
    expect(re("a%").test("a\nb")).toBe(true)
    expect(re("a_c").test("a\nc")).toBe(true)
    expect(re("a_c").test("abbc")).toBe(false)
    expect(re("a.c").test("abc")).toBe(false)
    expect(re("%x").test("yx\n")).toBe(false)
    expect(re("_").test("😀")).toBe(true)
  })
  it("$ilike adds the i option; $startsWith and $contains on text are LIKE", () => {
    expect(q({ name: { $ilike: "ab%" } })).toEqual({ name: { $regex: "^ab[\\s\\S]*\\z", $options: "i" } })
    expect(q({ name: { $startsWith: "a%b" } })).toEqual({ name: { $regex: "^a%b[\\s\\S]*\\z" } })
    expect(q({ name: { $contains: "x.y" } })).toEqual({ name: { $regex: "^[\\s\\S]*x\\.y[\\s\\S]*\\z" } })
  })
  it("$regex is the portable pattern with the s flag", () => {
    expect(q({ name: { $regex: "^a.b$" } })).toEqual({
      name: {
        $regex: "^a(?:.|[\n\r\u0085\u2028\u2029])b(?!(?:.|[\n\r\u0085\u2028\u2029]))",
        $options: "s"
      }
    })
    expect(q({ name: { $regex: "\\d+" } })).toEqual({ name: { $regex: "[0-9]+", $options: "s" } })
  })
})

describe("JSON", () => {
  it("a path comparison reads the path with $getField in $expr and matches only its JSON type", () => {
    expect(q({ "data.city": "Oslo" })).toEqual(
      onPath(seg("$data", "city"), {
        $and: [{ $eq: [{ $type: "$$v" }, "string"] }, { $eq: ["$$v", { $literal: "Oslo" }] }]
      })
    )
    expect(q({ "data.zip": { $gt: 5 } })).toEqual(
      onPath(seg("$data", "zip"), { $and: [{ $isNumber: "$$v" }, { $gt: ["$$v", { $literal: 5 }] }] })
    )
  })
  it("a digit segment indexes arrays only", () => {
    expect(q({ "data.list.0": 7 })).toEqual(
      onPath(idx(seg("$data", "list"), 0), { $and: [{ $isNumber: "$$v" }, { $eq: ["$$v", { $literal: 7 }] }] })
    )
  })
  it("$ne on a path is the $nor of the typed equality (missing and other types match)", () => {
    expect(q({ "data.city": { $ne: "Oslo" } })).toEqual({
      $nor: [
        onPath(seg("$data", "city"), {
          $and: [{ $eq: [{ $type: "$$v" }, "string"] }, { $eq: ["$$v", { $literal: "Oslo" }] }]
        })
      ]
    })
  })
  it("$in on a path, values as literals (a string starting with $ is not a field path)", () => {
    expect(q({ "data.city": { $in: ["$a", "b"] } })).toEqual(
      onPath(seg("$data", "city"), {
        $and: [{ $eq: [{ $type: "$$v" }, "string"] }, { $in: ["$$v", { $literal: ["$a", "b"] }] }]
      })
    )
  })
  it("null on a path is missing or null by $type; on a whole JSON field too (not an array holding null)", () => {
    expect(q({ "data.city": null })).toEqual(
      onPath(seg("$data", "city"), { $in: [{ $type: "$$v" }, ["missing", "null"]] })
    )
    expect(q({ tags: null })).toEqual(onPath("$tags", { $in: [{ $type: "$$v" }, ["missing", "null"]] }))
    expect(q({ tags: { $ne: null } })).toEqual({
      $nor: [onPath("$tags", { $in: [{ $type: "$$v" }, ["missing", "null"]] })]
    })
  })
  it("LIKE on a path applies to strings only", () => {
    expect(q({ "data.city": { $like: "O%" } })).toEqual(
      onPath(seg("$data", "city"), {
        $cond: [
          { $eq: [{ $type: "$$v" }, "string"] },
          { $regexMatch: { input: "$$v", regex: "^O[\\s\\S]*\\z" } },
          false
        ]
      })
    )
  })
  it("$contains on an array field is an element match", () => {
    expect(q({ tags: { $contains: "x" } })).toEqual({ tags: { $elemMatch: { $eq: "x" } } })
  })
})

describe("soft delete", () => {
  it("live is deleted_at null (or missing); whereQuery adds it unless includeDeleted", () => {
    expect(liveCondition(Item)).toEqual({ deleted_at: null })
    expect(liveCondition(Counter)).toEqual({})
    expect(whereQuery(mongo, Item, expr({ age: 1 }), false)).toEqual({ $and: [{ deleted_at: null }, { age: 1 }] })
    expect(whereQuery(mongo, Item, expr({ age: 1 }), true)).toEqual({ age: 1 })
    expect(whereQuery(mongo, Item, expr({}), false)).toEqual({ deleted_at: null })
    expect(whereQuery(mongo, Counter, expr({}, Counter), false)).toEqual({})
  })
  it("by id: _id (a composite key as its object), live unless includeDeleted", () => {
    expect(byIdQuery(mongo, Item, "i1", false)).toEqual({ $and: [{ _id: "i1" }, { deleted_at: null }] })
    expect(byIdQuery(mongo, Item, "i1", true)).toEqual({ _id: "i1" })
    expect(byIdQuery(mongo, Member, { org: "o", user: 1 }, false)).toEqual({ _id: { org: "o", user_id: 1 } })
  })
})
