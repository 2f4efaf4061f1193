/**
 * The document API (docs/documents.md) on every database: real rows written and read back through
 * `Database.collection`, with MongoDB's meaning. No SQL here, so the suite can run on MongoDB too.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { forEachDatabase } from "../support/Dialects.js"

/** A fresh (dropped) collection. */
const fresh = (name: string) =>
  Effect.gen(function* () {
    const c = yield* Database.collection(name)
    yield* c.drop()
    return c
  })

const tagOf = <A, E>(effect: Effect.Effect<A, E, Database.Database>) =>
  Effect.map(Effect.flip(effect), (e) => {
    const x = e as { _tag: string; path?: string; feature?: string; fields?: ReadonlyArray<string> }
    return {
      _tag: x._tag,
      ...(x.path ? { path: x.path } : {}),
      ...(x.feature ? { feature: x.feature } : {}),
      ...(x.fields ? { fields: x.fields } : {})
    }
  })

const people = [
  { _id: "a", name: "Ann", age: 30, tags: ["x", "y"], address: { city: "Oslo" } },
  { _id: "b", name: "bob", age: 25, tags: ["y"], address: { city: "Bergen" } },
  { _id: "c", name: "Cid", age: "40", tags: [], nick: null },
  { _id: "d", name: "Dee", age: 35.5, tags: ["z", "x"] },
  { _id: "e", name: "Éva", flag: true }
]

/** A model's table: a table of that name is not a document table. */
const Account = DataFlow.model("BDocAccount", { id: Schema.String, owner: Schema.String })

const ids = (docs: ReadonlyArray<{ readonly _id: string }>) => docs.map((d) => d._id)

forEachDatabase(
  "documents",
  (it) => {
    it.effect("insertOne/insertMany read back; _id generated when absent", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_insert")
        const { insertedId } = yield* c.insertOne({ n: 1, nested: { deep: [1, { k: "v" }] }, f: 1.5, t: true, z: null })
        expect(insertedId).toMatch(/^[0-9a-f-]{36}$/)
        expect(yield* c.find({ _id: insertedId })).toEqual([
          { _id: insertedId, n: 1, nested: { deep: [1, { k: "v" }] }, f: 1.5, t: true, z: null }
        ])
        const { insertedIds } = yield* c.insertMany(people)
        expect(insertedIds).toEqual(["a", "b", "c", "d", "e"])
        expect(yield* c.count()).toBe(6)
        expect(yield* c.findOne({ _id: "c" })).toEqual(people[2])
      })
    )

    it.effect("filters: equality on arrays, null and missing, type brackets, $ne/$nin match missing", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_filter")
        yield* c.insertMany(people)
        const q = (f: Record<string, unknown>) => Effect.map(c.find(f), ids)
        expect(yield* q({ tags: "x" })).toEqual(["a", "d"])
        expect(yield* q({ "tags.1": "x" })).toEqual(["d"])
        expect(yield* q({ nick: null })).toEqual(["a", "b", "c", "d", "e"])
        expect(yield* q({ age: null })).toEqual(["e"])
        expect(yield* q({ age: { $gt: 26 } })).toEqual(["a", "d"])
        expect(yield* q({ age: { $gte: "4" } })).toEqual(["c"])
        expect(yield* q({ age: 30 })).toEqual(["a"])
        expect(yield* q({ age: "40" })).toEqual(["c"])
        expect(yield* q({ age: { $ne: 30 } })).toEqual(["b", "c", "d", "e"])
        expect(yield* q({ age: { $nin: [30, 25] } })).toEqual(["c", "d", "e"])
        expect(yield* q({ age: { $in: [35.5, "40"] } })).toEqual(["c", "d"])
        expect(yield* q({ nick: { $exists: true } })).toEqual(["c"])
        expect(yield* q({ address: { $exists: false } })).toEqual(["c", "d", "e"])
        expect(yield* q({ "address.city": "Oslo" })).toEqual(["a"])
        expect(yield* q({ name: { $lt: "a" } })).toEqual(["a", "c", "d"])
        expect(yield* q({ name: { $gt: "z" } })).toEqual(["e"])
        expect(yield* q({ name: { $regex: "^b" } })).toEqual(["b"])
        expect(yield* q({ name: { $regex: "^B", $options: "i" } })).toEqual(["b"])
        expect(yield* q({ tags: { $size: 2 } })).toEqual(["a", "d"])
        expect(yield* q({ tags: { $size: 0 } })).toEqual(["c"])
        expect(yield* q({ tags: { $all: ["x", "z"] } })).toEqual(["d"])
        expect(yield* q({ age: { $not: { $gt: 26 } } })).toEqual(["b", "c", "e"])
        expect(yield* q({ $or: [{ flag: true }, { age: 25 }] })).toEqual(["b", "e"])
        expect(yield* q({ $nor: [{ tags: "x" }, { flag: true }] })).toEqual(["b", "c"])
        expect(yield* q({ $and: [{ tags: "y" }, { age: { $lte: 25 } }] })).toEqual(["b"])
        expect(yield* q({ _id: { $in: ["b", "e", "zz"] } })).toEqual(["b", "e"])
        expect(yield* q({ _id: { $gt: "c" } })).toEqual(["d", "e"])
        expect(yield* c.count({ tags: "y" })).toBe(2)
      })
    )

    it.effect("sort (MongoDB's type order, ties by _id), skip, limit, projection", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_sort")
        yield* c.insertMany(people)
        expect(ids(yield* c.find({}, { sort: { age: 1 } }))).toEqual(["e", "b", "a", "d", "c"])
        expect(ids(yield* c.find({}, { sort: { age: -1 } }))).toEqual(["c", "d", "a", "b", "e"])
        expect(ids(yield* c.find({}, { sort: { name: 1 } }))).toEqual(["a", "c", "d", "b", "e"])
        expect(ids(yield* c.find({}, { sort: { nick: 1 }, skip: 1, limit: 2 }))).toEqual(["b", "c"])
        expect(ids(yield* c.find({}, { skip: 3 }))).toEqual(["d", "e"])
        expect(yield* c.find({ _id: "a" }, { projection: { name: 1, "address.city": 1 } })).toEqual([
          { _id: "a", name: "Ann", address: { city: "Oslo" } }
        ])
        expect(yield* c.find({ _id: "b" }, { projection: { tags: 0, address: 0, _id: 0 } })).toEqual([
          { name: "bob", age: 25 }
        ])
      })
    )

    it.effect("updates: $set $unset $inc $push $pull, updateOne takes the first by _id", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_update")
        yield* c.insertMany(people)
        expect(yield* c.updateOne({ tags: "x" }, { $set: { "address.zip": "0150", seen: 1 } })).toEqual({
          matched: 1,
          modified: 1
        })
        expect(yield* c.findOne({ _id: "a" })).toEqual({
          ...people[0],
          address: { city: "Oslo", zip: "0150" },
          seen: 1
        })
        expect(yield* c.updateMany({ tags: "y" }, { $inc: { visits: 2 }, $push: { tags: "w" } })).toEqual({
          matched: 2,
          modified: 2
        })
        expect(yield* c.updateMany({ _id: "a" }, { $unset: { address: "" }, $pull: { tags: "y" } })).toEqual({
          matched: 1,
          modified: 1
        })
        expect(yield* c.findOne({ _id: "a" })).toEqual({
          _id: "a",
          name: "Ann",
          age: 30,
          tags: ["x", "w"],
          seen: 1,
          visits: 2
        })
        expect(yield* c.updateMany({ _id: "b" }, { $set: { age: 25 } })).toEqual({ matched: 1, modified: 0 })
        expect(yield* c.updateMany({ _id: "zz" }, { $set: { age: 1 } })).toEqual({ matched: 0, modified: 0 })
        yield* c.insertOne({
          _id: "p",
          items: [
            { k: 1, v: "a" },
            { k: 2, v: "b" },
            { k: 1, v: "c" }
          ]
        })
        yield* c.updateOne({ _id: "p" }, { $pull: { items: { k: 1 } } })
        expect(yield* c.findOne({ _id: "p" })).toEqual({ _id: "p", items: [{ k: 2, v: "b" }] })
      })
    )

    it.effect("$inc on a non-number fails ValidationError and changes nothing", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_inc")
        yield* c.insertMany(people)
        expect(yield* tagOf(c.updateMany({}, { $inc: { age: 1 } }))).toEqual({ _tag: "ValidationError", path: "age" })
        expect(yield* c.find({}, { projection: { age: 1, _id: 0 } })).toEqual([
          { age: 30 },
          { age: 25 },
          { age: "40" },
          { age: 35.5 },
          {}
        ])
      })
    )

    it.effect("deleteOne deletes the first match by _id; deleteMany all matches", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_delete")
        yield* c.insertMany(people)
        expect(yield* c.deleteOne({ tags: "x" })).toEqual({ deleted: 1 })
        expect(ids(yield* c.find())).toEqual(["b", "c", "d", "e"])
        expect(yield* c.deleteMany({ age: { $exists: true } })).toEqual({ deleted: 3 })
        expect(ids(yield* c.find())).toEqual(["e"])
        expect(yield* c.deleteOne({ _id: "zz" })).toEqual({ deleted: 0 })
      })
    )

    it.effect("duplicate _id: UniqueViolation, and insertMany inserts nothing", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_unique")
        yield* c.insertOne({ _id: "a", n: 1 })
        expect(yield* tagOf(c.insertOne({ _id: "a", n: 2 }))).toEqual({ _tag: "UniqueViolation", fields: ["_id"] })
        expect(yield* tagOf(c.insertMany([{ _id: "x" }, { _id: "y" }, { _id: "x" }]))).toEqual({
          _tag: "UniqueViolation",
          fields: ["_id"]
        })
        expect(ids(yield* c.find())).toEqual(["a"])
      })
    )

    it.effect("unique index: duplicates refused with the index's paths; missing values do not collide", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_index")
        yield* c.insertMany([{ _id: "1", email: "a@x" }, { _id: "2", email: "b@x" }, { _id: "3" }])
        expect(yield* c.createIndex({ email: 1 }, { unique: true })).toEqual({ name: "email_1" })
        expect(yield* c.createIndex({ email: 1 }, { unique: true })).toEqual({ name: "email_1" })
        expect(yield* tagOf(c.insertOne({ email: "a@x" }))).toEqual({ _tag: "UniqueViolation", fields: ["email"] })
        yield* c.insertOne({ _id: "4", other: 1 })
        yield* c.insertOne({ _id: "5", email: 7 })
        yield* c.insertOne({ _id: "6", email: "7" })
        expect(yield* tagOf(c.updateOne({ _id: "2" }, { $set: { email: "a@x" } }))).toEqual({
          _tag: "UniqueViolation",
          fields: ["email"]
        })
        expect(yield* c.count()).toBe(6)
        expect(yield* c.createIndex({ "a.b": 1, n: -1 })).toEqual({ name: "a.b_1_n_-1" })
      })
    )

    it.effect("bad input fails typed and leaves the collection unchanged", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_bad")
        yield* c.insertMany(people)
        expect(yield* tagOf(c.insertMany([{ _id: "n1" }, { bad: Number.NaN }]))).toEqual({
          _tag: "ValidationError",
          path: "1.bad"
        })
        expect(yield* tagOf(c.insertOne({ $x: 1 } as never))).toEqual({ _tag: "ValidationError", path: "$x" })
        expect(yield* tagOf(c.find({ $where: "1" }))).toMatchObject({
          _tag: "UnsupportedFeature",
          feature: "filter operator $where"
        })
        expect(yield* tagOf(c.updateMany({}, { $rename: { a: "b" } }))).toMatchObject({
          _tag: "UnsupportedFeature",
          feature: "update operator $rename"
        })
        expect(yield* tagOf(c.deleteMany({ age: { $gt: null } }))).toEqual({ _tag: "ValidationError", path: "age" })
        expect(yield* tagOf(Database.collection("no-dash"))).toEqual({ _tag: "ValidationError", path: "collection" })
        expect(yield* c.find()).toEqual(people)
      })
    )

    it.effect("a model's table is not a document table: refused, left unchanged, never dropped", () =>
      Effect.gen(function* () {
        yield* Account.create({ id: "1", owner: "x" })
        const c = yield* Database.collection(Account.info.table)
        expect(yield* tagOf(c.count())).toEqual({ _tag: "ValidationError", path: "collection" })
        expect(yield* tagOf(c.insertOne({ a: 1 }))).toEqual({ _tag: "ValidationError", path: "collection" })
        expect(yield* tagOf(c.drop())).toEqual({ _tag: "ValidationError", path: "collection" })
        expect((yield* Account.list()).records.map((r) => [r.id, r.owner])).toEqual([["1", "x"]])
      })
    )

    it.effect("drop removes the collection; a later use starts empty", () =>
      Effect.gen(function* () {
        const c = yield* fresh("b_docs_drop")
        yield* c.insertMany(people)
        yield* c.drop()
        yield* c.drop()
        expect(yield* c.count()).toBe(0)
      })
    )
  },
  { models: [Account] }
)
