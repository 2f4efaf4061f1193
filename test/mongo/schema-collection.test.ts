/**
 * The document API on MongoDB (src/mongo/Collection.ts): which driver calls each operation sends,
 * recorded by a stub (test/mongo/schema-recorder.ts), and that what the shared checker refuses is
 * refused before any call. No server: the behaviour is proven by the document conformance suite
 * when DATAFLOW_TEST_MONGO is set.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { checkFilter } from "../../src/documents/CheckFilter.js"
import { keyOfIndexName, makeMongoCollections } from "../../src/mongo/Collection.js"
import { duplicateKey, methods, recorder, type Script } from "./schema-recorder.js"

const open = (script: Script = {}) => {
  const r = recorder(script)
  return { ...r, users: Effect.runSync(makeMongoCollections(r.handle)("users")) }
}

const failure = <A, E>(e: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(e), (exit) => (Exit.isFailure(exit) ? (exit.cause as { error?: unknown }).error : undefined))

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("MongoDB collection: inserts", () => {
  it.effect("insertOne: a UUID _id when absent, one ordered insert without a transaction", () =>
    Effect.gen(function* () {
      const { calls, users } = open()
      const { insertedId } = yield* users.insertOne({ name: "Ada", tags: ["a"] })
      expect(insertedId).toMatch(uuid)
      expect(calls).toEqual([
        { method: "users.insertMany", args: [[{ name: "Ada", tags: ["a"], _id: insertedId }], { ordered: true }] }
      ])
      const given = open()
      expect((yield* given.users.insertOne({ _id: "u1", n: 1 })).insertedId).toBe("u1")
    })
  )

  it.effect("insertMany on a replica set: one transaction of its own", () =>
    Effect.gen(function* () {
      const { calls, session, users } = open()
      const r = yield* users.insertMany([{ _id: "a" }, { _id: "b", x: null }])
      expect(r.insertedIds).toEqual(["a", "b"])
      expect(methods(calls)).toEqual(["client.withSession", "session.withTransaction", "users.insertMany"])
      expect(calls[2]!.args).toEqual([[{ _id: "a" }, { _id: "b", x: null }], { ordered: true, session }])
    })
  )

  it.effect("insertMany inside the caller's transaction uses its session", () =>
    Effect.gen(function* () {
      const { calls, session, users } = open({ inTransaction: true })
      yield* users.insertMany([{ _id: "a" }, { _id: "b" }])
      expect(calls).toEqual([
        { method: "users.insertMany", args: [[{ _id: "a" }, { _id: "b" }], { ordered: true, session }] }
      ])
    })
  )

  it.effect("insertMany of several documents on a standalone server: UnsupportedFeature, nothing sent", () =>
    Effect.gen(function* () {
      const { calls, users } = open({ transactions: false })
      expect(yield* failure(users.insertMany([{ _id: "a" }, { _id: "b" }]))).toMatchObject({
        _tag: "UnsupportedFeature",
        dialect: "mongodb",
        feature: "insertMany of several documents on a standalone server (all or nothing needs a replica set)"
      })
      expect(calls).toEqual([])
      yield* users.insertMany([{ _id: "a" }])
      expect(methods(calls)).toEqual(["users.insertMany"])
    })
  )

  it.effect("documents the checker refuses are refused before any call (path names the document)", () =>
    Effect.gen(function* () {
      const { calls, users } = open()
      expect(yield* failure(users.insertMany([{ _id: "a" }, { $bad: 1 } as never]))).toMatchObject({
        _tag: "ValidationError"
      })
      expect(yield* failure(users.insertOne({ when: new Date() as never }))).toMatchObject({ _tag: "ValidationError" })
      expect(yield* failure(users.insertOne({ _id: 5 as never }))).toMatchObject({
        _tag: "ValidationError",
        path: "_id"
      })
      expect(calls).toEqual([])
    })
  )

  it.effect("E11000 → UniqueViolation naming the collection and the key's fields", () =>
    Effect.gen(function* () {
      const { users } = open({ throws: { "users.insertMany": duplicateKey({ email: 1 }) } })
      expect(yield* failure(users.insertOne({ email: "a@b.c" }))).toMatchObject({
        _tag: "UniqueViolation",
        model: "users",
        fields: ["email"]
      })
    })
  )
})

describe("MongoDB collection: duplicate keys of a bulk insert", () => {
  const bulk = (writeError: Record<string, unknown>) =>
    Object.assign(new Error("bulk"), { name: "MongoBulkWriteError", code: 11000, writeErrors: [writeError] })

  it.effect("fields from the write error's keyPattern, else from the index name (_id_, default names)", () =>
    Effect.gen(function* () {
      const byPattern = open({
        throws: {
          "users.insertMany": bulk({
            code: 11000,
            errmsg: "E11000 index: by_email dup key",
            err: { keyPattern: { email: 1 } }
          })
        }
      })
      expect(yield* failure(byPattern.users.insertMany([{ _id: "a" }, { _id: "b" }]))).toMatchObject({
        _tag: "UniqueViolation",
        model: "users",
        fields: ["email"]
      })
      const byId = open({
        throws: {
          "users.insertMany": bulk({
            code: 11000,
            errmsg: 'E11000 duplicate key error collection: t.users index: _id_ dup key: { _id: "a" }'
          })
        }
      })
      expect(yield* failure(byId.users.insertMany([{ _id: "a" }, { _id: "a" }]))).toMatchObject({
        _tag: "UniqueViolation",
        fields: ["_id"]
      })
    })
  )

  it("index names → key patterns", () => {
    expect(keyOfIndexName("_id_")).toEqual({ _id: 1 })
    expect(keyOfIndexName("user_name_1")).toEqual({ user_name: 1 })
    expect(keyOfIndexName("a_1_b.c_-1")).toEqual({ a: 1, "b.c": -1 })
    expect(keyOfIndexName("by_email")).toBeUndefined()
    expect(keyOfIndexName("a_1x")).toBeUndefined()
  })
})

describe("MongoDB collection: reads and writes", () => {
  it.effect("find: the checker's query, sort ending with _id, skip, limit, projection", () =>
    Effect.gen(function* () {
      const filter = { status: "done", amount: { $gte: 10 } }
      const { query } = yield* checkFilter(filter, "mongodb")
      const { calls, users } = open({ found: { users: [{ _id: "a", status: "done" }] } })
      const found = yield* users.find(filter, { sort: { amount: -1 }, skip: 2, limit: 5, projection: { status: 1 } })
      expect(found).toEqual([{ _id: "a", status: "done" }])
      expect(calls).toEqual([
        {
          method: "users.find",
          args: [query, { sort: { amount: -1, _id: 1 }, skip: 2, limit: 5, projection: { status: 1 } }]
        }
      ])
      const none = open()
      yield* none.users.find()
      expect(none.calls[0]!.args[1]).toEqual({ sort: { _id: 1 } })
      yield* none.users.findOne({ a: 1 })
      expect(none.calls[1]!.args[1]).toEqual({ sort: { _id: 1 }, limit: 1 })
    })
  )

  it.effect("operators and stages outside the subset: UnsupportedFeature before any call", () =>
    Effect.gen(function* () {
      const { calls, users } = open()
      expect(yield* failure(users.find({ $where: "1" }))).toMatchObject({ _tag: "UnsupportedFeature" })
      expect(yield* failure(users.updateMany({}, { $rename: { a: "b" } }))).toMatchObject({
        _tag: "UnsupportedFeature"
      })
      expect(yield* failure(users.aggregate([{ $lookup: { from: "x" } }]))).toMatchObject({
        _tag: "UnsupportedFeature"
      })
      expect(yield* failure(users.count({ a: { $elemMatch: { b: 1 } } }))).toMatchObject({ _tag: "UnsupportedFeature" })
      expect(calls).toEqual([])
    })
  )

  it.effect("updateOne: the first match by _id, then that document updated; updateMany as given", () =>
    Effect.gen(function* () {
      const { query } = yield* checkFilter({ status: "new" }, "mongodb")
      const { calls, users } = open({
        answers: { "users.findOne": { _id: "a" }, "users.updateOne": { matchedCount: 1, modifiedCount: 1 } }
      })
      expect(yield* users.updateOne({ status: "new" }, { $set: { status: "done" }, $inc: { n: 1 } })).toEqual({
        matched: 1,
        modified: 1
      })
      expect(calls).toEqual([
        { method: "users.findOne", args: [query, { sort: { _id: 1 }, projection: { _id: 1 } }] },
        {
          method: "users.updateOne",
          args: [{ $and: [query, { _id: "a" }] }, { $set: { status: "done" }, $inc: { n: 1 } }, {}]
        }
      ])
      const none = open()
      expect(yield* none.users.updateOne({ status: "new" }, { $set: { a: 1 } })).toEqual({ matched: 0, modified: 0 })
      expect(methods(none.calls)).toEqual(["users.findOne"])
      const many = open({ answers: { "users.updateMany": { matchedCount: 3, modifiedCount: 2 } } })
      expect(yield* many.users.updateMany({ status: "new" }, { $push: { log: "x" }, $pull: { tags: "y" } })).toEqual({
        matched: 3,
        modified: 2
      })
      expect(many.calls).toEqual([
        { method: "users.updateMany", args: [query, { $push: { log: "x" }, $pull: { tags: "y" } }, {}] }
      ])
    })
  )

  it.effect("an update the server refuses for a stored value: ValidationError naming the field, no value", () =>
    Effect.gen(function* () {
      const refused = Object.assign(new Error("refused"), {
        name: "MongoServerError",
        code: 14,
        codeName: "TypeMismatch",
        errmsg:
          "Cannot apply $inc to a value of non-numeric type. {_id: \"secret\"} has the field 'n' of non-numeric type string"
      })
      const { users } = open({ throws: { "users.updateMany": refused } })
      const error = yield* failure(users.updateMany({}, { $inc: { n: 1 } }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "n", reason: "$inc applies to a number" })
      expect(String((error as Error).message)).not.toContain("secret")
      const other = Object.assign(new Error("x"), { name: "MongoServerError", code: 9, codeName: "FailedToParse" })
      const failed = open({ throws: { "users.updateMany": other } })
      expect(yield* failure(failed.users.updateMany({}, { $inc: { n: 1 } }))).toMatchObject({
        _tag: "DatabaseError",
        code: "9"
      })
    })
  )

  it.effect("deleteOne: the first match by _id (findOneAndDelete sorted); deleteMany; count", () =>
    Effect.gen(function* () {
      const { query } = yield* checkFilter({ a: 1 }, "mongodb")
      const { calls, users } = open({
        answers: {
          "users.findOneAndDelete": { _id: "a" },
          "users.deleteMany": { deletedCount: 4 },
          "users.countDocuments": 7
        }
      })
      expect(yield* users.deleteOne({ a: 1 })).toEqual({ deleted: 1 })
      expect(yield* users.deleteMany({ a: 1 })).toEqual({ deleted: 4 })
      expect(yield* users.count({ a: 1 })).toBe(7)
      expect(calls).toEqual([
        { method: "users.findOneAndDelete", args: [query, { sort: { _id: 1 } }] },
        { method: "users.deleteMany", args: [query, {}] },
        { method: "users.countDocuments", args: [query, {}] }
      ])
    })
  )

  it.effect("aggregate: a checked pipeline is sent as given", () =>
    Effect.gen(function* () {
      const { calls, users } = open()
      const pipeline = [
        { $match: { status: "done" } },
        { $group: { _id: "$category", total: { $sum: "$amount" } } },
        { $sort: { total: -1 } },
        { $limit: 3 }
      ]
      yield* users.aggregate(pipeline)
      expect(calls).toEqual([{ method: "users.aggregate", args: [pipeline, {}] }])
    })
  )

  it.effect("createIndex with its options; drop only an existing collection", () =>
    Effect.gen(function* () {
      const { calls, users } = open({ answers: { "users.createIndex": "by_email" } })
      expect(yield* users.createIndex({ email: 1, at: -1 }, { unique: true, name: "by_email" })).toEqual({
        name: "by_email"
      })
      expect(calls).toEqual([
        {
          method: "users.createIndex",
          args: [
            { email: 1, at: -1 },
            {
              unique: true,
              partialFilterExpression: { email: { $exists: true }, at: { $exists: true } },
              name: "by_email"
            }
          ]
        }
      ])
      yield* users.drop()
      expect(methods(calls).slice(1)).toEqual(["db.listCollections"])
      const present = open({ collections: [{ name: "users" }] })
      yield* present.users.drop()
      expect(methods(present.calls)).toEqual(["db.listCollections", "users.drop"])
    })
  )

  it.effect("collection names: identifiers only, never the library's dataflow_ collections", () =>
    Effect.gen(function* () {
      const { handle } = recorder()
      const collections = makeMongoCollections(handle)
      expect((yield* collections("Orders_2")).name).toBe("Orders_2")
      for (const bad of ["", "a.b", "system.views", "$x", "dataflow_migrations", "x".repeat(64)]) {
        expect(yield* failure(collections(bad))).toMatchObject({ _tag: "ValidationError", path: "name" })
      }
    })
  )
})

describe("MongoDB collection: a model's collection", () => {
  it.effect("every operation refused (ValidationError at collection), nothing sent, never dropped", () =>
    Effect.gen(function* () {
      const r = recorder({ collections: [{ name: "users" }] })
      const users = Effect.runSync(makeMongoCollections(r.handle, (name) => name === "users")("users"))
      for (const op of [users.count(), users.insertOne({ a: 1 }), users.find(), users.drop()]) {
        expect(yield* failure(op)).toMatchObject({ _tag: "ValidationError", path: "collection" })
      }
      expect(r.calls).toEqual([])
      const other = Effect.runSync(makeMongoCollections(r.handle, (name) => name === "users")("orders"))
      yield* other.count()
      expect(methods(r.calls)).toEqual(["orders.countDocuments"])
    })
  )
})
