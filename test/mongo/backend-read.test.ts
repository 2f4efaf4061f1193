/**
 * The MongoDB backend's reads (src/mongo/BackendRead.ts): the exact commands sent, proved with a
 * recorder of driver calls (test/mongo/backend-recorder.ts), and the records decoded from answers.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { makeMongoBackend } from "../../src/mongo/Backend.js"
import { toExpr } from "../../src/query/Filter.js"
import { Member, User, now, recorder, userDoc } from "./backend-recorder.js"

const users = User.table
const expr = (filter: unknown) => toExpr(User.name, User.columnMap, filter)
const field = (name: string) => User.columnMap.get(name)!

describe("readById", () => {
  it.effect("finds the live record by _id and decodes it", () =>
    Effect.gen(function* () {
      const r = recorder(() => userDoc("u1", "a@x"))
      const record = yield* makeMongoBackend(r.handle).readById(User, "u1", false, "read")
      expect(r.calls).toEqual([
        { collection: users, method: "findOne", args: [{ $and: [{ _id: "u1" }, { deleted_at: null }] }, {}] }
      ])
      expect(record).toEqual({
        id: "u1",
        email: "a@x",
        name: "name-u1",
        created_at: now,
        updated_at: now,
        deleted_at: null
      })
    })
  )

  it.effect("includeDeleted drops the soft-delete condition; no document is undefined", () =>
    Effect.gen(function* () {
      const r = recorder(() => null)
      const record = yield* makeMongoBackend(r.handle).readById(User, "u1", true, "read")
      expect(r.calls[0]!.args[0]).toEqual({ _id: "u1" })
      expect(record).toBeUndefined()
    })
  )

  it.effect("a stored document that does not fit the model is InvalidRow", () =>
    Effect.gen(function* () {
      const r = recorder(() => userDoc("u1", "a@x", { name: 42 }))
      const exit = yield* Effect.exit(makeMongoBackend(r.handle).readById(User, "u1", false, "read"))
      expect(exit).toMatchObject({
        _tag: "Failure",
        cause: { error: { _tag: "InvalidRow", field: "name", key: "u1" } }
      })
    })
  )
})

describe("readById: keys and options", () => {
  it.effect("a composite key is the _id object in key order; maxTimeMS is sent when set", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ _id: { org: "o", user_id: 7 }, role: "admin" }), { maxTimeMS: 500 })
      const record = yield* makeMongoBackend(r.handle).readById(Member, { user: 7, org: "o" }, false, "read")
      expect(r.calls).toEqual([
        { collection: Member.table, method: "findOne", args: [{ _id: { org: "o", user_id: 7 } }, { maxTimeMS: 500 }] }
      ])
      expect(record).toEqual({ org: "o", user: 7, role: "admin" })
    })
  )
})

describe("find", () => {
  it.effect("sends find with filter, sort, skip, limit + 1 and projection, then countDocuments", () =>
    Effect.gen(function* () {
      const r = recorder((c) =>
        c.method === "find" ? [userDoc("u1", "a@x"), userDoc("u2", "b@x"), userDoc("u3", "c@x")] : 7
      )
      const found = yield* makeMongoBackend(r.handle).find(User, {
        expr: expr({ email: { $like: "%@x" } }),
        includeDeleted: false,
        orderBy: [{ field: field("id"), descending: true }],
        limit: 2,
        offset: 4,
        fields: [field("id"), field("email")]
      })
      const filter = { $and: [{ deleted_at: null }, { email: { $regex: "^[\\s\\S]*@x\\z" } }] }
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "find",
          args: [filter, { sort: { _id: -1 }, skip: 4, limit: 3, projection: { _id: 1, email: 1 } }]
        },
        { collection: users, method: "countDocuments", args: [filter, {}] }
      ])
      expect(found).toEqual({
        records: [
          { id: "u1", email: "a@x" },
          { id: "u2", email: "b@x" }
        ],
        more: true,
        total: 7
      })
    })
  )

  it.effect("a nullable ordering field reads through the pipeline; no extra document: more is false", () =>
    Effect.gen(function* () {
      const r = recorder((c) => (c.method === "aggregate" ? [userDoc("u1", "a@x", { age: 3 })] : 1))
      const found = yield* makeMongoBackend(r.handle).find(User, {
        expr: expr({}),
        includeDeleted: true,
        orderBy: [
          { field: field("age"), descending: false },
          { field: field("id"), descending: false }
        ],
        after: [2, "u0"],
        limit: 1,
        offset: 0,
        fields: [field("id"), field("age")]
      })
      expect(r.calls.map((c) => c.method)).toEqual(["aggregate", "countDocuments"])
      const pipeline = r.calls[0]!.args[0] as Array<Record<string, unknown>>
      expect(pipeline.map((s) => Object.keys(s)[0])).toEqual(["$match", "$addFields", "$sort", "$limit", "$project"])
      expect(pipeline[3]).toEqual({ $limit: 2 })
      expect(r.calls[1]!.args[0]).toEqual({})
      expect(found).toEqual({ records: [{ id: "u1", age: 3 }], more: false, total: 1 })
    })
  )
})

describe("count", () => {
  it.effect("countDocuments with the filter and the soft-delete rule", () =>
    Effect.gen(function* () {
      const r = recorder(() => 5)
      const n = yield* makeMongoBackend(r.handle).count(User, expr({ age: { $gte: 18 } }), false, "count")
      expect(n).toBe(5)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "countDocuments",
          args: [{ $and: [{ deleted_at: null }, { age: { $gte: 18 } }] }, {}]
        }
      ])
    })
  )
})

describe("search", () => {
  it.effect("vector and text search are UnsupportedFeature, without a driver call", () =>
    Effect.gen(function* () {
      const r = recorder()
      const backend = makeMongoBackend(r.handle)
      const vector = yield* Effect.exit(backend.vectorSearch(User, {} as never))
      const text = yield* Effect.exit(backend.textSearch(User, {} as never))
      const exits: Array<Exit.Exit<unknown, unknown>> = [vector, text]
      for (const exit of exits) {
        expect(Exit.isFailure(exit)).toBe(true)
        expect(exit).toMatchObject({ cause: { error: { _tag: "UnsupportedFeature", dialect: "mongodb" } } })
      }
      expect(r.calls).toEqual([])
    })
  )
})

describe("transaction", () => {
  it.effect("reads inside backend.transaction pass the transaction's session", () =>
    Effect.gen(function* () {
      const r = recorder(() => null)
      const backend = makeMongoBackend(r.handle)
      yield* backend.transaction(backend.readById(User, "u1", true, "read"))
      expect(r.calls).toEqual([{ collection: users, method: "findOne", args: [{ _id: "u1" }, { session: r.session }] }])
      expect(r.txCalls).toEqual(["startSession", "startTransaction", "commitTransaction", "endSession"])
    })
  )

  it.effect("on a standalone server backend.transaction is UnsupportedFeature and runs nothing", () =>
    Effect.gen(function* () {
      const r = recorder(() => null, { transactions: false })
      const backend = makeMongoBackend(r.handle)
      const failure = yield* Effect.flip(backend.transaction(backend.readById(User, "u1", true, "read")))
      expect(failure).toMatchObject({ _tag: "UnsupportedFeature", dialect: "mongodb" })
      expect(r.calls).toEqual([])
      expect(r.txCalls).toEqual([])
    })
  )
})
