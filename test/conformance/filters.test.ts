/**
 * Filter conformance: every operator of docs/filters.md selects exactly the same rows on SQLite,
 * PostgreSQL and MariaDB. Each case names the ids it must return; the same cases run on every
 * dialect against a seeded dataset of awkward values (case, É/é, %, _ and \, trailing spaces,
 * newlines, NULLs, JSON values of every type, nested arrays).
 */
import { expect } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import type { Filter } from "../../src/index.js"
import { toExpr } from "../../src/query/Filter.js"
import { compileExpr, Params } from "../../src/sql/Compiler.js"
import { withoutBackslashEscapes } from "../../src/dialects/mysql/Client.js"
import { forEachDialect, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

// ---------------------------------------------------------------------------------------------
// Models and data

const Item = DataFlow.model("FilterItem", {
  id: Schema.String,
  name: Schema.String,
  code: Schema.optional(Schema.String),
  qty: Schema.optional(Schema.Int),
  price: Schema.Number,
  active: Schema.Boolean,
  flag: Schema.optional(Schema.Boolean),
  at: Schema.optional(Schema.DateFromSelf),
  uid: Schema.optional(Schema.UUID)
})

const Doc = DataFlow.model("FilterDoc", {
  id: Schema.String,
  profile: Schema.optional(
    Schema.Struct({
      v: Schema.optional(Schema.Unknown),
      city: Schema.optional(Schema.String),
      address: Schema.optional(
        Schema.Struct({ city: Schema.optional(Schema.String), zip: Schema.optional(Schema.Number) })
      ),
      list: Schema.optional(Schema.Unknown)
    })
  ),
  tags: Schema.optional(
    Schema.Array(
      Schema.Union(
        Schema.String,
        Schema.Number,
        Schema.Boolean,
        Schema.Array(Schema.String),
        Schema.Record({ key: Schema.String, value: Schema.Number })
      )
    )
  )
})

/** A model never used with a valid filter: its table must never be created by these tests. */
const Ghost = DataFlow.model("FilterGhost", { id: Schema.String, n: Schema.Int })

type ItemFilter = Filter.Filter<typeof Item.Type>
type DocFilter = Filter.Filter<typeof Doc.Type>

const U1 = "0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f"
const U2 = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
const D1 = new Date("2024-01-01T00:00:00.000Z")

const items: ReadonlyArray<Parameters<typeof Item.create>[0]> = [
  { id: "a1", name: "apple", code: "A-1", qty: 5, price: 1.5, active: true, flag: true, at: D1, uid: U1 },
  {
    id: "a2",
    name: "Apple",
    code: "a-1",
    qty: 10,
    price: 2,
    active: true,
    flag: false,
    at: new Date("2024-06-01T12:00:00.000Z")
  },
  { id: "a3", name: "APPLE", price: 2.25, active: false },
  {
    id: "a4",
    name: "apple ",
    code: "A-1 ",
    qty: 0,
    price: 0,
    active: false,
    flag: true,
    at: new Date("2023-12-31T23:59:59.999Z")
  },
  {
    id: "e1",
    name: "Éclair",
    code: "É",
    qty: -3,
    price: -1.25,
    active: true,
    at: new Date("2025-02-28T00:00:00.000Z"),
    uid: U2
  },
  { id: "e2", name: "éclair", code: "é", qty: 1, price: 100, active: false, flag: false },
  { id: "p1", name: "100% pure", code: "%", qty: 100, price: 3, active: true, flag: true, at: D1 },
  { id: "p2", name: "100 pure", code: "_", qty: 7, price: 3.5, active: false },
  { id: "u1", name: "a_b", code: "\\", price: 4, active: true },
  { id: "u2", name: "axb", qty: 2, price: 4.5, active: true, flag: false },
  { id: "b1", name: "back\\slash", code: "\\\\", qty: 3, price: 5, active: false },
  { id: "b2", name: "backslash", price: 5.5, active: false },
  { id: "n1", name: "line\nbreak", price: 6, active: false },
  { id: "n2", name: "tail\n", price: 6.5, active: false },
  {
    id: "z1",
    name: "Zebra",
    code: "Z",
    qty: 50,
    price: 7,
    active: true,
    flag: true,
    at: new Date("2030-01-01T00:00:00.000Z")
  },
  { id: "s0", name: "", code: "", price: 8, active: false }
]
const ALL = items.map((r) => r.id)
const allBut = (...ids: ReadonlyArray<string>) => ALL.filter((id) => !ids.includes(id))

const docs: ReadonlyArray<Parameters<typeof Doc.create>[0]> = [
  {
    id: "d01",
    profile: { v: "Paris", city: "Paris", address: { city: "Lyon", zip: 69000 }, list: ["x", "y"] },
    tags: ["red", "blue"]
  },
  { id: "d02", profile: { v: 10, city: "paris", list: "x" }, tags: ["Red", 10] },
  { id: "d03", profile: { v: true, list: { "0": "x" } }, tags: [true, "1"] },
  { id: "d04", profile: { v: null, address: { city: "Paris" } }, tags: [["red"], 2.5] },
  { id: "d05", profile: {}, tags: [] },
  { id: "d06" },
  { id: "d07", profile: { v: "10", city: "Paris " }, tags: ["10"] },
  { id: "d08", profile: { v: 2.5, city: "Éclair" }, tags: [{ red: 1 }, 1] },
  { id: "d09", profile: { v: false }, tags: [false, 0] },
  { id: "d10", profile: { v: "paris" }, tags: ["red", "red"] }
]
const ALL_DOCS = docs.map((d) => d.id)
const docsBut = (...ids: ReadonlyArray<string>) => ALL_DOCS.filter((id) => !ids.includes(id))

const seedItems = Effect.zipRight(reset(Item), Item.bulkCreate({ data: items }))
const seedDocs = Effect.zipRight(reset(Doc), Doc.bulkCreate({ data: docs }))

const itemIds = (filter: ItemFilter) =>
  Effect.map(Item.list({ filter, orderBy: ["id"] }), (page) => page.records.map((r) => r.id))
const docIds = (filter: DocFilter) =>
  Effect.map(Doc.list({ filter, orderBy: ["id"] }), (page) => page.records.map((r) => r.id))
const sorted = (ids: ReadonlyArray<string>) => [...ids].sort()

/** A filter the type checker rightly rejects, passed anyway to test the runtime checks. */
const untyped = (filter: unknown): never => filter as never

// ---------------------------------------------------------------------------------------------
// Cases: [title, filter, ids it selects]

type Case<F> = readonly [string, F, ReadonlyArray<string>]

const itemCases: ReadonlyArray<Case<ItemFilter>> = [
  // equality: exact, case-sensitive, trailing spaces matter, '' is not NULL
  ["bare string is case-sensitive equality", { name: "apple" }, ["a1"]],
  ["trailing space matters in equality", { name: "apple " }, ["a4"]],
  ["$eq on upper case", { name: { $eq: "APPLE" } }, ["a3"]],
  ["equality on É is not é", { name: "Éclair" }, ["e1"]],
  ["equality on é is not É", { name: "éclair" }, ["e2"]],
  ["empty string is a value, not NULL", { name: "" }, ["s0"]],
  ["equality with a backslash", { name: "back\\slash" }, ["b1"]],
  ["equality with % is literal", { name: "100% pure" }, ["p1"]],
  ["equality with one backslash", { code: "\\" }, ["u1"]],
  ["equality with two backslashes", { code: "\\\\" }, ["b1"]],
  ["equality ignores neither case nor trailing spaces", { code: "A-1" }, ["a1"]],
  ["equality on a newline value", { name: "tail\n" }, ["n2"]],
  ["null is IS NULL", { code: null }, ["a3", "b2", "n1", "n2", "u2"]],
  ["$eq null is IS NULL", { code: { $eq: null } }, ["a3", "b2", "n1", "n2", "u2"]],
  ["empty code is not NULL", { code: "" }, ["s0"]],
  ["Int equality", { qty: 0 }, ["a4"]],
  ["Number equality", { price: -1.25 }, ["e1"]],
  ["several fields are AND", { active: true, qty: { $gt: 2 } }, ["a1", "a2", "p1", "z1"]],
  // $ne: two-valued, NULL counts as not equal
  ["$ne keeps NULLs", { code: { $ne: "A-1" } }, allBut("a1")],
  [
    "$ne null is IS NOT NULL",
    { code: { $ne: null } },
    ["a1", "a2", "a4", "b1", "e1", "e2", "p1", "p2", "s0", "u1", "z1"]
  ],
  ["$ne on Int keeps NULLs", { qty: { $ne: 5 } }, allBut("a1")],
  ["$ne on Boolean keeps NULLs", { flag: { $ne: true } }, allBut("a1", "a4", "p1", "z1")],
  // $in / $nin
  ["$in is case-sensitive", { name: { $in: ["apple", "APPLE", "nope"] } }, ["a1", "a3"]],
  ["$in [] matches nothing", { name: { $in: [] } }, []],
  ["$nin [] matches everything", { name: { $nin: [] } }, ALL],
  ["$in [] on a nullable field matches nothing", { qty: { $in: [] } }, []],
  ["$nin [] on a nullable field matches everything, NULLs too", { qty: { $nin: [] } }, ALL],
  ["$in on Int", { qty: { $in: [5, 10, 0] } }, ["a1", "a2", "a4"]],
  ["$nin keeps NULLs", { qty: { $nin: [5, 10] } }, allBut("a1", "a2")],
  ["$nin on strings keeps NULLs", { code: { $nin: ["A-1", "É"] } }, allBut("a1", "e1")],
  ["$in on Boolean", { active: { $in: [false] } }, ["a3", "a4", "b1", "b2", "e2", "n1", "n2", "p2", "s0"]],
  [
    "$in on Boolean true and false skips NULLs",
    { flag: { $in: [true, false] } },
    ["a1", "a2", "a4", "e2", "p1", "u2", "z1"]
  ],
  ["$nin on Boolean keeps NULLs", { flag: { $nin: [true] } }, allBut("a1", "a4", "p1", "z1")],
  ["UUID equality ignores the case of the hex digits", { uid: { $in: [U1.toUpperCase()] } }, ["a1"]],
  ["UUID equality", { uid: U2 }, ["e1"]],
  // order comparisons on numbers (NULL never compares)
  ["$gt on Int", { qty: { $gt: 5 } }, ["a2", "p1", "p2", "z1"]],
  ["$gte on Int", { qty: { $gte: 5 } }, ["a1", "a2", "p1", "p2", "z1"]],
  ["$lt on Int includes negatives", { qty: { $lt: 1 } }, ["a4", "e1"]],
  ["$lte on Int", { qty: { $lte: 1 } }, ["a4", "e1", "e2"]],
  ["range on Int", { qty: { $gte: 1, $lt: 5 } }, ["b1", "e2", "u2"]],
  ["$lte on Number", { price: { $lte: 2 } }, ["a1", "a2", "a4", "e1"]],
  ["open range on Number", { price: { $gt: 2.25, $lt: 4 } }, ["p1", "p2"]],
  // order comparisons on text: byte order (upper case < lower case < non-ASCII)
  ["$lt 'a' is digits, upper case and ''", { name: { $lt: "a" } }, ["a2", "a3", "p1", "p2", "s0", "z1"]],
  ["$gt 'z' is the non-ASCII names", { name: { $gt: "z" } }, ["e1", "e2"]],
  ["trailing space sorts after the bare word", { name: { $gte: "apple", $lt: "apple!" } }, ["a1", "a4"]],
  ["$gt on text in byte order", { name: { $gt: "apple" } }, ["a4", "b1", "b2", "e1", "e2", "n1", "n2", "u2"]],
  ["$gt 'Z' on a nullable text", { code: { $gt: "Z" } }, ["a2", "b1", "e1", "e2", "p2", "u1"]],
  // dates
  ["Date equality", { at: D1 }, ["a1", "p1"]],
  ["$gt on Date", { at: { $gt: D1 } }, ["a2", "e1", "z1"]],
  ["$lt on Date to the millisecond", { at: { $lt: D1 } }, ["a4"]],
  ["range on Date", { at: { $gte: D1, $lte: new Date("2024-12-31T23:59:59.999Z") } }, ["a1", "a2", "p1"]],
  ["null Date", { at: null }, ["a3", "b1", "b2", "e2", "n1", "n2", "p2", "s0", "u1", "u2"]],
  ["$ne on Date keeps NULLs", { at: { $ne: D1 } }, allBut("a1", "p1")],
  ["$in on Date", { at: { $in: [D1, new Date("2030-01-01T00:00:00.000Z")] } }, ["a1", "p1", "z1"]],
  [
    "$gt the first instant of year 1",
    { at: { $gt: new Date("0001-01-01T00:00:00.000Z") } },
    ["a1", "a2", "a4", "e1", "p1", "z1"]
  ],
  [
    "$lt the last instant of year 9999",
    { at: { $lt: new Date("9999-12-31T23:59:59.999Z") } },
    ["a1", "a2", "a4", "e1", "p1", "z1"]
  ],
  // booleans
  ["Boolean true", { active: true }, ["a1", "a2", "e1", "p1", "u1", "u2", "z1"]],
  ["Boolean false", { active: false }, ["a3", "a4", "b1", "b2", "e2", "n1", "n2", "p2", "s0"]],
  ["optional Boolean true", { flag: true }, ["a1", "a4", "p1", "z1"]],
  ["optional Boolean false is not NULL", { flag: false }, ["a2", "e2", "u2"]],
  ["optional Boolean null", { flag: null }, ["a3", "b1", "b2", "e1", "n1", "n2", "p2", "s0", "u1"]],
  ["$ne false keeps NULLs", { flag: { $ne: false } }, allBut("a2", "e2", "u2")],
  // $null / $exists
  ["$null true", { qty: { $null: true } }, ["a3", "b2", "n1", "n2", "s0", "u1"]],
  ["$null false", { qty: { $null: false } }, allBut("a3", "b2", "n1", "n2", "s0", "u1")],
  ["$exists true", { qty: { $exists: true } }, allBut("a3", "b2", "n1", "n2", "s0", "u1")],
  ["$exists false", { qty: { $exists: false } }, ["a3", "b2", "n1", "n2", "s0", "u1"]],
  ["$exists on UUID", { uid: { $exists: true } }, ["a1", "e1"]],
  // $like: a LIKE pattern, \ escapes, case-sensitive, one _ is one character
  ["$like prefix is case-sensitive", { name: { $like: "app%" } }, ["a1", "a4"]],
  ["$like without wildcards is exact (trailing space matters)", { name: { $like: "apple" } }, ["a1"]],
  ["$like with % after the word", { name: { $like: "apple%" } }, ["a1", "a4"]],
  ["$like suffix", { name: { $like: "%e" } }, ["a1", "a2", "p1", "p2"]],
  ["$like _ is any one character", { name: { $like: "a_b" } }, ["u1", "u2"]],
  ["$like \\_ is a literal underscore", { name: { $like: "a\\_b" } }, ["u1"]],
  ["$like \\% is a literal percent", { name: { $like: "100\\%%" } }, ["p1"]],
  ["$like % is a wildcard", { name: { $like: "100%" } }, ["p1", "p2"]],
  ["$like \\\\ is a literal backslash", { name: { $like: "back\\\\slash" } }, ["b1"]],
  ["$like containing a literal backslash", { name: { $like: "%\\\\%" } }, ["b1"]],
  ["$like _ matches one non-ASCII character", { name: { $like: "_clair" } }, ["e1", "e2"]],
  ["$like É is not é", { name: { $like: "É%" } }, ["e1"]],
  ["$like across a newline", { name: { $like: "%\n%" } }, ["n1", "n2"]],
  ["$like % matches '' too", { name: { $like: "%" } }, ALL],
  ["$like on a nullable field is case-sensitive", { code: { $like: "a%" } }, ["a2"]],
  ["$like \\ before an ordinary character makes it literal", { name: { $like: "\\a%" } }, ["a1", "a4", "u1", "u2"]],
  // $ilike: case-insensitive, É = é, still \ escapes, still trailing spaces matter
  ["$ilike folds ASCII case", { name: { $ilike: "apple" } }, ["a1", "a2", "a3"]],
  ["$ilike with a wildcard", { name: { $ilike: "APPLE%" } }, ["a1", "a2", "a3", "a4"]],
  ["$ilike folds é", { name: { $ilike: "éclair" } }, ["e1", "e2"]],
  ["$ilike folds É", { name: { $ilike: "ÉCLAIR" } }, ["e1", "e2"]],
  ["$ilike \\_ is a literal underscore", { name: { $ilike: "A\\_B" } }, ["u1"]],
  ["$ilike suffix", { name: { $ilike: "%PURE" } }, ["p1", "p2"]],
  ["$ilike on a nullable field", { code: { $ilike: "a-1" } }, ["a1", "a2"]],
  ["$ilike mixed case", { name: { $ilike: "zEBRA" } }, ["z1"]],
  // $contains / $startsWith take the value literally
  ["$contains % is literal", { name: { $contains: "%" } }, ["p1"]],
  ["$contains _ is literal", { name: { $contains: "_" } }, ["u1"]],
  ["$contains \\ is literal", { name: { $contains: "\\" } }, ["b1"]],
  ["$contains is case-sensitive", { name: { $contains: "ppl" } }, ["a1", "a2", "a4"]],
  ["$contains upper case", { name: { $contains: "PPL" } }, ["a3"]],
  ["$contains é is not É", { name: { $contains: "é" } }, ["e2"]],
  ["$contains É is not é", { name: { $contains: "É" } }, ["e1"]],
  ["$contains a space", { name: { $contains: " " } }, ["a4", "p1", "p2"]],
  ["$contains '' matches everything", { name: { $contains: "" } }, ALL],
  ["$contains two backslashes", { code: { $contains: "\\\\" } }, ["b1"]],
  ["$startsWith 100% is literal", { name: { $startsWith: "100%" } }, ["p1"]],
  ["$startsWith a_ is literal", { name: { $startsWith: "a_" } }, ["u1"]],
  ["$startsWith with a backslash", { name: { $startsWith: "back\\" } }, ["b1"]],
  ["$startsWith É", { name: { $startsWith: "É" } }, ["e1"]],
  ["$startsWith is case-sensitive", { name: { $startsWith: "app" } }, ["a1", "a4"]],
  ["$startsWith with a trailing space", { name: { $startsWith: "apple " } }, ["a4"]],
  ["$startsWith on a UUID", { uid: { $startsWith: "0e3d" } }, ["a1"]],
  // $regex: the same regular expression everywhere
  ["$regex character class", { name: { $regex: "^[A-Z]" } }, ["a2", "a3", "z1"]],
  ["$regex $ is the end of the value", { name: { $regex: "e$" } }, ["a1", "a2", "p1", "p2"]],
  ["$regex \\w is ASCII only", { name: { $regex: "^\\w+$" } }, ["a1", "a2", "a3", "b2", "u1", "u2", "z1"]],
  ["$regex . is one character, É included", { name: { $regex: "^.clair$" } }, ["e1", "e2"]],
  ["$regex escaped backslash", { name: { $regex: "\\\\" } }, ["b1"]],
  ["$regex . matches a newline", { name: { $regex: "^line.break$" } }, ["n1"]],
  ["$regex $ does not match before a final newline", { name: { $regex: "tail$" } }, []],
  ["$regex \\n then $", { name: { $regex: "tail\\n$" } }, ["n2"]],
  ["$regex alternation in a group", { name: { $regex: "^(a|A)pple$" } }, ["a1", "a2"]],
  [
    "$regex repeated group holding an alternation whose branches differ",
    { name: { $regex: "^((a|A)p(p|x))+le$" } },
    ["a1", "a2"]
  ],
  ["$regex counted repetition", { name: { $regex: "p{2}" } }, ["a1", "a2", "a4"]],
  ["$regex class of %, _ and \\", { name: { $regex: "[%_\\\\]" } }, ["b1", "p1", "u1"]],
  ["$regex negated class", { name: { $regex: "^[^a-z]*$" } }, ["a3", "s0"]],
  ["$regex \\s is ASCII whitespace", { name: { $regex: "\\s" } }, ["a4", "n1", "n2", "p1", "p2"]],
  ["$regex \\d", { name: { $regex: "^\\d+" } }, ["p1", "p2"]],
  ["$regex is case-sensitive", { name: { $regex: "APPLE" } }, ["a3"]],
  ["$regex é is not É", { name: { $regex: "é" } }, ["e2"]],
  ["$regex range of non-ASCII code points", { name: { $regex: "^[À-ÿ]" } }, ["e1", "e2"]],
  ["$regex negative lookahead", { name: { $regex: "^a(?!pple)" } }, ["u1", "u2"]],
  ["$regex lazy quantifier and non-capturing group", { name: { $regex: "^(?:ap)+?ple $" } }, ["a4"]],
  ["$regex escapes \\x and \\u", { name: { $regex: "^\\x41\\u0050" } }, ["a3"]],
  ["$regex empty pattern matches everything", { name: { $regex: "" } }, ALL],
  ["$regex on a nullable field", { code: { $regex: "^[a-z]" } }, ["a2"]],
  // $and / $or / $not (two-valued: NULL is "not matching")
  ["$or", { $or: [{ qty: { $lt: 1 } }, { name: "Zebra" }] }, ["a4", "e1", "z1"]],
  ["$and", { $and: [{ active: true }, { qty: { $gt: 2 } }] }, ["a1", "a2", "p1", "z1"]],
  [
    "$not keeps rows whose condition is NULL",
    { $not: { qty: { $gt: 1 } } },
    ["a3", "a4", "b2", "e1", "e2", "n1", "n2", "s0", "u1"]
  ],
  ["$not of equality keeps NULLs", { $not: { code: "A-1" } }, allBut("a1")],
  ["$not of $like", { $not: { name: { $like: "a%" } } }, allBut("a1", "a4", "u1", "u2")],
  ["$and [] matches everything", { $and: [] }, ALL],
  ["$or [] matches nothing", { $or: [] }, []],
  ["$not of $or [] matches everything", { $not: { $or: [] } }, ALL],
  ["$not of {} matches nothing", { $not: {} }, []],
  ["$or with a NULL test", { $or: [{ flag: true }, { $not: { flag: { $ne: null } } }] }, allBut("a2", "e2", "u2")],
  ["$not of an $and with a NULL operand", { $not: { $and: [{ active: true }, { flag: false }] } }, allBut("a2", "u2")],
  [
    "nested $or of $and",
    { $or: [{ $and: [{ qty: { $gte: 5 } }, { price: { $lt: 3 } }] }, { name: { $startsWith: "É" } }] },
    ["a1", "a2", "e1"]
  ],
  ["empty filter matches everything", {}, ALL]
]

const docCases: ReadonlyArray<Case<DocFilter>> = [
  // a path compares with the type of the value given: "10" is not 10, true is not 1
  ["path equals a string, not the number", { "profile.v": "10" }, ["d07"]],
  ["path equals a number, not the string", { "profile.v": 10 }, ["d02"]],
  ["path equals true", { "profile.v": true }, ["d03"]],
  ["path equals false", { "profile.v": false }, ["d09"]],
  ["path null is JSON null, missing key or no document", { "profile.v": null }, ["d04", "d05", "d06"]],
  ["path $exists true", { "profile.v": { $exists: true } }, docsBut("d04", "d05", "d06")],
  ["path $exists false", { "profile.v": { $exists: false } }, ["d04", "d05", "d06"]],
  ["path $null false", { "profile.v": { $null: false } }, docsBut("d04", "d05", "d06")],
  ["path $gt a number compares numbers only", { "profile.v": { $gt: 5 } }, ["d02"]],
  ["path $gte a fraction", { "profile.v": { $gte: 2.5 } }, ["d02", "d08"]],
  ["path $lt a number skips booleans", { "profile.v": { $lt: 3 } }, ["d08"]],
  ["path $lt a string compares strings only", { "profile.v": { $lt: "q" } }, ["d01", "d07", "d10"]],
  ["path $gt a string in byte order", { "profile.v": { $gt: "Paris" } }, ["d10"]],
  ["path $ne keeps every other type and NULLs", { "profile.v": { $ne: "Paris" } }, docsBut("d01")],
  ["path $ne a number", { "profile.v": { $ne: 10 } }, docsBut("d02")],
  ["path $in strings", { "profile.v": { $in: ["Paris", "paris"] } }, ["d01", "d10"]],
  ["path $in numbers", { "profile.v": { $in: [10, 2.5] } }, ["d02", "d08"]],
  ["path $in booleans", { "profile.v": { $in: [true] } }, ["d03"]],
  ["path $nin keeps NULLs", { "profile.v": { $nin: ["Paris"] } }, docsBut("d01")],
  ["path string equality is case- and space-sensitive", { "profile.city": "Paris" }, ["d01"]],
  ["path $ilike", { "profile.city": { $ilike: "PARIS" } }, ["d01", "d02"]],
  ["path $like", { "profile.city": { $like: "Paris%" } }, ["d01", "d07"]],
  ["path $regex", { "profile.city": { $regex: "^[Pp]aris$" } }, ["d01", "d02"]],
  ["path $startsWith É", { "profile.city": { $startsWith: "É" } }, ["d08"]],
  ["path $contains is a substring of the string", { "profile.city": { $contains: "ari" } }, ["d01", "d02", "d07"]],
  ["path $gt 'Z' in byte order", { "profile.city": { $gt: "Z" } }, ["d02", "d08"]],
  ["nested path", { "profile.address.city": "Paris" }, ["d04"]],
  ["nested path $ne keeps NULLs", { "profile.address.city": { $ne: "Paris" } }, docsBut("d04")],
  ["nested path number", { "profile.address.zip": { $gte: 69000 } }, ["d01"]],
  // a digit segment indexes an array only: not a string, not an object key "0"
  ["array index 0 is not a scalar or an object key", { "profile.list.0": "x" }, ["d01"]],
  ["array index 1", { "profile.list.1": "y" }, ["d01"]],
  ["array index $exists", { "profile.list.0": { $exists: true } }, ["d01"]],
  ["path to a string", { "profile.list": "x" }, ["d02"]],
  ["index into a top-level array", { "tags.0": "red" }, ["d01", "d10"]],
  ["index into a top-level array: a number", { "tags.1": 10 }, ["d02"]],
  ["index into a top-level array: a boolean", { "tags.0": true }, ["d03"]],
  // $contains on a JSON array field: membership of a top-level element of the same type
  ["array $contains a string", { tags: { $contains: "red" } }, ["d01", "d10"]],
  ["array $contains is case-sensitive", { tags: { $contains: "Red" } }, ["d02"]],
  ["array $contains a number is not the string", { tags: { $contains: 10 } }, ["d02"]],
  ["array $contains a string is not the number", { tags: { $contains: "10" } }, ["d07"]],
  ["array $contains 1 is not true", { tags: { $contains: 1 } }, ["d08"]],
  ["array $contains '1'", { tags: { $contains: "1" } }, ["d03"]],
  ["array $contains 0 is not false", { tags: { $contains: 0 } }, ["d09"]],
  ["array $contains a fraction", { tags: { $contains: 2.5 } }, ["d04"]],
  ["array $contains the second element", { tags: { $contains: "blue" } }, ["d01"]],
  ["$not array $contains keeps NULL arrays", { $not: { tags: { $contains: "red" } } }, docsBut("d01", "d10")],
  ["null JSON array", { tags: null }, ["d06"]],
  ["null JSON object", { profile: null }, ["d06"]],
  ["JSON field $exists", { profile: { $exists: true } }, docsBut("d06")],
  ["$or over paths and arrays", { $or: [{ "profile.v": { $gt: 5 } }, { tags: { $contains: "blue" } }] }, ["d01", "d02"]]
]

/** [title, filter, exact error path] for filters that must fail with ValidationError. */
const SECRET = "S3CR3T-value"
const itemErrors: ReadonlyArray<readonly [string, unknown, string]> = [
  ["unknown field", { nope: SECRET }, "nope"],
  ["unknown field inside $or", { $or: [{ name: "a" }, { nope: SECRET }] }, "$or[1].nope"],
  ["unknown field inside $not", { $not: { nope: SECRET } }, "$not.nope"],
  ["unknown operator on a field", { name: { $foo: SECRET } }, "name.$foo"],
  ["unknown top-level operator", { $where: SECRET }, "$where"],
  ["operator without $", { name: { eq: SECRET } }, "name.eq"],
  [
    "a field name that tries SQL",
    { 'name" = name; DROP TABLE filter_items; --': SECRET },
    'name" = name; DROP TABLE filter_items; --'
  ],
  ["$gt with a string on an Int", { qty: { $gt: SECRET } }, "qty.$gt"],
  ["a bare string on an Int", { qty: SECRET }, "qty"],
  ["$like on an Int", { qty: { $like: `${SECRET}%` } }, "qty.$like"],
  ["$regex on a Boolean", { active: { $regex: SECRET } }, "active.$regex"],
  ["$in with a non-array", { qty: { $in: SECRET } }, "qty.$in"],
  ["$nin with a non-array", { name: { $nin: SECRET } }, "name.$nin"],
  ["$in with a wrong element", { qty: { $in: [1, SECRET] } }, "qty.$in"],
  ["$in with null", { name: { $in: [null] } }, "name.$in"],
  ["a fraction on an Int", { qty: { $gt: 1.5 } }, "qty.$gt"],
  ["an Int beyond 32 bits", { qty: { $lt: 3_000_000_000 } }, "qty.$lt"],
  ["NaN on a Number", { price: { $gt: Number.NaN } }, "price.$gt"],
  ["Infinity on a Number", { price: Number.POSITIVE_INFINITY }, "price"],
  ["$gt on a Boolean", { active: { $gt: true } }, "active.$gt"],
  ["a string on a Date", { at: { $gt: "2024-01-01" } }, "at.$gt"],
  ["an invalid Date", { at: new Date(Number.NaN) }, "at"],
  ["a Date after year 9999", { at: new Date("+010000-01-01T00:00:00.000Z") }, "at"],
  ["the largest Date as an open bound", { at: { $lt: new Date(8.64e15) } }, "at.$lt"],
  ["a Date before year 1", { at: { $gt: new Date("-000001-01-01T00:00:00.000Z") } }, "at.$gt"],
  ["a malformed UUID", { uid: SECRET }, "uid"],
  ["$like ending in a lone escape", { name: { $like: `${SECRET}\\` } }, "name.$like"],
  ["$ilike ending in a lone escape", { name: { $ilike: "\\" } }, "name.$ilike"],
  ["$regex that does not parse", { name: { $regex: `(${SECRET}` } }, "name.$regex"],
  ["$regex with \\b (a backspace on PostgreSQL)", { name: { $regex: `\\b${SECRET}` } }, "name.$regex"],
  ["$regex with a backreference", { name: { $regex: "(a)\\1" } }, "name.$regex"],
  ["$regex with inline flags", { name: { $regex: "(?i)apple" } }, "name.$regex"],
  ["$regex with a POSIX class", { name: { $regex: "[[:alpha:]]" } }, "name.$regex"],
  ["$regex with lookbehind", { name: { $regex: "(?<=a)b" } }, "name.$regex"],
  ["$regex with a Unicode property", { name: { $regex: "\\p{L}" } }, "name.$regex"],
  ["$regex repeating a group of repeats (exponential backtracking)", { name: { $regex: "^(a+)+$" } }, "name.$regex"],
  ["$regex repeating an alternation whose branches start alike", { name: { $regex: "^(a|a)*$" } }, "name.$regex"],
  [
    "$regex repeating a group that holds such an alternation deeper",
    { name: { $regex: "^(x(a|a))*$" } },
    "name.$regex"
  ],
  [
    "$regex repeating a group that holds such an alternation beside an optional part",
    { name: { $regex: "^((a|a)b?)*$" } },
    "name.$regex"
  ],
  ["$regex repeating a group of optional repeats", { name: { $regex: "(\\w+\\s?)*x" } }, "name.$regex"],
  ["$regex with a repetition over 255", { name: { $regex: "a{300}" } }, "name.$regex"],
  ["$regex with a range out of order", { name: { $regex: "[z-a]" } }, "name.$regex"],
  ["$regex with nothing to repeat", { name: { $regex: "*a" } }, "name.$regex"],
  ["$regex with a lone ]", { name: { $regex: "a]" } }, "name.$regex"],
  ["$regex with a lone {", { name: { $regex: "a{" } }, "name.$regex"],
  ["$regex with an empty class", { name: { $regex: "[]" } }, "name.$regex"],
  ["a value holding U+0000", { name: `${SECRET}\u0000` }, "name"],
  ["an empty operator object", { name: {} }, "name"],
  ["a dotted path on a non-JSON field", { "name.first": SECRET }, "name.first"],
  ["$and with a non-array", { $and: SECRET }, "$and"],
  ["$or with a non-filter", { $or: [SECRET] }, "$or[0]"],
  ["$exists with a non-boolean", { name: { $exists: SECRET } }, "name.$exists"],
  ["$contains with a number on text", { name: { $contains: 5 } }, "name.$contains"],
  ["a non-object filter", SECRET, ""]
]

const docErrors: ReadonlyArray<readonly [string, unknown, string]> = [
  ["a whole-JSON comparison with an object", { profile: { city: SECRET } }, "profile"],
  ["a whole-JSON comparison with a string", { profile: SECRET }, "profile"],
  ["a whole-JSON comparison with an array", { tags: [SECRET] }, "tags"],
  ["a whole-JSON $eq", { profile: { $eq: { city: SECRET } } }, "profile.$eq"],
  ["a whole-JSON $in", { tags: { $in: [[SECRET]] } }, "tags.$in"],
  ["array $contains with an object", { tags: { $contains: { a: SECRET } } }, "tags.$contains"],
  ["$contains on a JSON object field", { profile: { $contains: SECRET } }, "profile.$contains"],
  ["path $gt with a boolean", { "profile.v": { $gt: true } }, "profile.v.$gt"],
  ["path $like with a number", { "profile.v": { $like: 5 } }, "profile.v.$like"],
  ["path $in with mixed types", { "profile.v": { $in: [1, SECRET] } }, "profile.v.$in"],
  ["path $eq with an object", { "profile.v": { $eq: { a: SECRET } } }, "profile.v.$eq"],
  ["a path segment that is not an identifier", { "profile.a-b": SECRET }, "profile.a-b"],
  ["a path segment that tries SQL", { "profile.city') OR 1=1 --": SECRET }, "profile.city') OR 1=1 --"],
  ["an unknown JSON field", { "nope.city": SECRET }, "nope.city"]
]

// ---------------------------------------------------------------------------------------------

forEachDialect("filters", (it, dialect) => {
  if (dialect === "mysql") {
    it.effect("every Item case selects the same rows in a session with sql_mode NO_BACKSLASH_ESCAPES", () =>
      Effect.gen(function* () {
        yield* seedItems
        const db = yield* sqlDatabase
        const modeHas = Effect.map(db.sql.unsafe<{ m: string }>("SELECT @@SESSION.sql_mode AS m"), ([row]) =>
          String(row?.m).includes("NO_BACKSLASH_ESCAPES")
        )
        // one transaction: one connection, whose session gets the mode; our statements run on it
        yield* Database.transaction(
          Effect.gen(function* () {
            yield* db.sql.unsafe("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')")
            expect(yield* modeHas).toBe(true)
            for (const [, filter, expected] of itemCases) {
              expect(yield* itemIds(filter), JSON.stringify(filter)).toEqual(sorted(expected))
            }
            // what the pool runs on every new connection takes the mode away again
            yield* db.sql.unsafe(withoutBackslashEscapes)
            expect(yield* modeHas).toBe(false)
            // the connection goes back to the pool without the mode, whatever happened above
          }).pipe(Effect.ensuring(Effect.orDie(db.sql.unsafe(withoutBackslashEscapes))))
        )
      }).pipe(Effect.orDie)
    )
  }

  for (const [title, filter, expected] of itemCases) {
    it.effect(`Item: ${title}`, () =>
      Effect.gen(function* () {
        yield* seedItems
        expect(yield* itemIds(filter), JSON.stringify(filter)).toEqual(sorted(expected))
      })
    )
  }

  for (const [title, filter, expected] of docCases) {
    it.effect(`Doc: ${title}`, () =>
      Effect.gen(function* () {
        yield* seedDocs
        expect(yield* docIds(filter), JSON.stringify(filter)).toEqual(sorted(expected))
      })
    )
  }

  it.effect("$ilike folds one character at a time, as PostgreSQL's lower() does", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({
        data: [
          { id: "g1", name: "ΟΔΟΣ", price: 1, active: true },
          { id: "g2", name: "οδος", price: 1, active: true },
          { id: "t1", name: "İSTANBUL", price: 1, active: true },
          { id: "t2", name: "istanbul", price: 1, active: true },
          { id: "t3", name: "ıstanbul", price: 1, active: true }
        ]
      })
      expect(yield* itemIds({ name: { $ilike: "οδοσ" } })).toEqual(["g1"])
      expect(yield* itemIds({ name: { $ilike: "ΟΔΟς" } })).toEqual(["g2"])
      expect(yield* itemIds({ name: { $ilike: "ISTANBUL" } })).toEqual(["t1", "t2"])
      expect(yield* itemIds({ name: { $ilike: "_stanbul" } })).toEqual(["t1", "t2", "t3"])
    })
  )

  it.effect("count and list agree on a filter", () =>
    Effect.gen(function* () {
      yield* seedItems
      expect(yield* Item.count({ filter: { name: { $ilike: "apple" } } })).toBe(3)
      expect(yield* Item.count({ filter: { qty: { $nin: [] } } })).toBe(ALL.length)
      const page = yield* Item.list({ filter: { $not: { qty: { $gt: 1 } } }, limit: 2 })
      expect(page.total).toBe(9)
      expect(page.records).toHaveLength(2)
    })
  )

  for (const [title, filter, path] of itemErrors) {
    it.effect(`ValidationError: ${title}`, () =>
      Effect.gen(function* () {
        yield* seedItems
        const error = yield* Effect.flip(Item.list({ filter: untyped(filter) }))
        expect(error._tag).toBe("ValidationError")
        expect(error._tag === "ValidationError" && error.path).toBe(path)
        expect(error.message).not.toContain(SECRET)
        const counted = yield* Effect.flip(Item.count({ filter: untyped(filter) }))
        expect(counted._tag).toBe("ValidationError")
      })
    )
  }

  for (const [title, filter, path] of docErrors) {
    it.effect(`ValidationError: ${title}`, () =>
      Effect.gen(function* () {
        yield* seedDocs
        const error = yield* Effect.flip(Doc.list({ filter: untyped(filter) }))
        expect(error._tag).toBe("ValidationError")
        expect(error._tag === "ValidationError" && error.path).toBe(path)
        expect(error.message).not.toContain(SECRET)
      })
    )
  }

  it.effect("a bad filter fails before any SQL: the model's table is not even created", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Ghost.list({ filter: untyped({ n: { $gt: "x" } }) }))
      expect(error._tag).toBe("ValidationError")
      expect((yield* Effect.flip(Ghost.bulkDelete({ filter: untyped({ nope: 1 }) })))._tag).toBe("ValidationError")
      const db = yield* sqlDatabase
      const probe = yield* Effect.either(db.sql.unsafe(`SELECT 1 FROM ${db.hooks.quote(Ghost.table)}`))
      expect(Either.isLeft(probe)).toBe(true)
    })
  )

  it.effect("a value that looks like SQL is just data", () =>
    Effect.gen(function* () {
      yield* seedItems
      const evil = "x'; DROP TABLE filter_items; --"
      yield* Item.create({ id: "evil", name: evil, code: "' OR '1'='1", price: 1, active: true })
      expect(yield* itemIds({ name: evil })).toEqual(["evil"])
      expect(yield* itemIds({ code: "' OR '1'='1" })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $in: [evil, "' OR 1=1 --"] } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $like: "x'; DROP%" } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $ilike: "X'; drop%" } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $contains: "'; DROP TABLE" } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $startsWith: "x';" } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $regex: "^x'; DROP TABLE [a-z_]+; --$" } })).toEqual(["evil"])
      expect(yield* itemIds({ name: { $gt: "x'" } })).toEqual(["e1", "e2", "evil"])
      expect(yield* itemIds({ code: "' OR 1=1 --" })).toEqual([])
      expect(yield* Item.count()).toBe(ALL.length + 1)
      yield* seedDocs
      yield* Doc.create({ id: "evil", profile: { city: evil }, tags: [evil] })
      expect(yield* docIds({ "profile.city": evil })).toEqual(["evil"])
      expect(yield* docIds({ tags: { $contains: evil } })).toEqual(["evil"])
      expect(yield* Doc.count()).toBe(ALL_DOCS.length + 1)
    })
  )

  it.effect("every value is a bound parameter; only model field names reach the SQL text", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      const m = "Zq9'\"; --"
      const filter = {
        name: m,
        code: {
          $ne: m,
          $in: [m, `${m}2`],
          $nin: [m],
          $like: m,
          $ilike: m,
          $regex: m,
          $contains: m,
          $startsWith: m,
          $gt: m
        },
        $or: [{ qty: { $gt: 917_263 } }, { price: { $lte: 8_172.5 } }, { at: new Date("2031-07-09T00:00:00.000Z") }],
        $not: { uid: "5c1d2e3f-4a5b-4c6d-8e7f-901234567890" }
      }
      const p = new Params(db.hooks)
      const sql = compileExpr(db.hooks, p, toExpr(Item.info.name, Item.info.columnMap, filter))
      for (const fragment of ["Zq9", "917263", "8172.5", "2031", "5c1d2e3f"]) expect(sql).not.toContain(fragment)
      expect(p.values.filter((v) => String(v).includes("Zq9")).length).toBeGreaterThanOrEqual(10)
      const docFilter = {
        "profile.city": m,
        "profile.address.zip": { $gt: 917_263 },
        tags: { $contains: m },
        "tags.0": m
      }
      const q = new Params(db.hooks)
      const docSql = compileExpr(db.hooks, q, toExpr(Doc.info.name, Doc.info.columnMap, docFilter))
      for (const fragment of ["Zq9", "917263", "city", "address", "zip"]) expect(docSql).not.toContain(fragment)
    })
  )

  // ordering: byte order for text, NULLs last ascending and first descending, the same everywhere
  const byName = ["s0", "p2", "p1", "a3", "a2", "z1", "u1", "a1", "a4", "u2", "b1", "b2", "n1", "n2", "e1", "e2"]
  const byQty = ["e1", "a4", "e2", "u2", "b1", "a1", "p2", "a2", "z1", "p1", "a3", "b2", "n1", "n2", "s0", "u1"]
  const byQtyDesc = ["a3", "b2", "n1", "n2", "s0", "u1", "p1", "z1", "a2", "p2", "a1", "b1", "u2", "e2", "a4", "e1"]
  const byFlagPriceDesc = [
    "e2",
    "u2",
    "a2",
    "z1",
    "p1",
    "a1",
    "a4",
    "s0",
    "n2",
    "n1",
    "b2",
    "b1",
    "u1",
    "p2",
    "a3",
    "e1"
  ]
  const orderings: ReadonlyArray<
    readonly [ReadonlyArray<"name" | "-name" | "qty" | "-qty" | "flag" | "-price">, ReadonlyArray<string>]
  > = [
    [["name"], byName],
    [["-name"], [...byName].reverse()],
    [["qty"], byQty],
    [["-qty"], byQtyDesc],
    [["flag", "-price"], byFlagPriceDesc]
  ]
  for (const [orderBy, expected] of orderings) {
    it.effect(`orderBy ${orderBy.join(",")}: one order on every dialect, and keyset pages walk it exactly`, () =>
      Effect.gen(function* () {
        yield* seedItems
        const all = yield* Item.list({ orderBy })
        expect(all.records.map((r) => r.id)).toEqual(expected)
        const walked: Array<string> = []
        let cursor: string | null = null
        for (let pages = 0; pages < 20; pages++) {
          const page: { records: ReadonlyArray<{ id: string }>; nextCursor: string | null } = yield* Item.list({
            orderBy,
            limit: 3,
            ...(cursor === null ? {} : { cursor })
          })
          walked.push(...page.records.map((r) => r.id))
          cursor = page.nextCursor
          if (cursor === null) break
        }
        expect(walked).toEqual(expected)
      })
    )
  }

  it.effect("keyset pages under a filter skip nothing and repeat nothing", () =>
    Effect.gen(function* () {
      yield* seedItems
      const filter: ItemFilter = { $or: [{ flag: { $ne: true } }, { name: { $regex: "^[a-z]" } }] }
      const all = (yield* Item.list({ filter, orderBy: ["-qty"] })).records.map((r) => r.id)
      expect(sorted(all)).toEqual(sorted(allBut("p1", "z1")))
      const walked: Array<string> = []
      let cursor: string | null = null
      for (let pages = 0; pages < 20; pages++) {
        const page: { records: ReadonlyArray<{ id: string }>; nextCursor: string | null } = yield* Item.list({
          filter,
          orderBy: ["-qty"],
          limit: 2,
          ...(cursor === null ? {} : { cursor })
        })
        walked.push(...page.records.map((r) => r.id))
        cursor = page.nextCursor
        if (cursor === null) break
      }
      expect(walked).toEqual(all)
    })
  )
})
