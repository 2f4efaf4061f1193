/**
 * The MongoDB backend's single writes (src/mongo/BackendWrite.ts, src/mongo/Counters.ts): the exact
 * commands sent, the session passed inside a transaction and not to the counters, `created` from the
 * server's answer, and E11000 classified into UniqueViolation — proved with a recorder of driver
 * calls (test/mongo/backend-recorder.ts), never a database's behaviour.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeMongoBackend } from "../../src/mongo/Backend.js"
import { toExpr } from "../../src/query/Filter.js"
import { Counted, Doc, User, later, mongo, now, recorder, userDoc } from "./backend-recorder.js"

const users = User.table
const expr = (filter: unknown) => toExpr(User.name, User.columnMap, filter)

describe("insert", () => {
  it.effect("inserts the whole document and returns it decoded", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ acknowledged: true, insertedId: "u1" }))
      const record = yield* makeMongoBackend(r.handle).insert(User, { id: "u1", email: "a@x", name: "Ann" }, now)
      const stored = {
        _id: "u1",
        email: "a@x",
        name: "Ann",
        age: null,
        created_at: now,
        updated_at: now,
        deleted_at: null
      }
      expect(r.calls).toEqual([{ collection: users, method: "insertOne", args: [stored, {}] }])
      expect(record).toEqual({
        id: "u1",
        email: "a@x",
        name: "Ann",
        created_at: now,
        updated_at: now,
        deleted_at: null
      })
    })
  )

  it.effect("an Int key takes the next counter value outside the transaction; the insert joins it", () =>
    Effect.gen(function* () {
      const r = recorder((c) => (c.method === "findOneAndUpdate" ? { _id: Counted.table, seq: 41 } : {}))
      const backend = makeMongoBackend(r.handle)
      const record = yield* backend.transaction(backend.insert(Counted, { hits: 3 }, now))
      expect(r.calls).toEqual([
        {
          collection: "dataflow_counters",
          method: "findOneAndUpdate",
          args: [{ _id: Counted.table }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: "after" }]
        },
        { collection: Counted.table, method: "insertOne", args: [{ _id: 41, hits: 3 }, { session: r.session }] }
      ])
      expect(r.txCalls).toEqual(["startSession", "startTransaction", "commitTransaction", "endSession"])
      expect(record).toEqual({ id: 41, hits: 3 })
    })
  )

  it.effect("a missing UUID key is generated", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({}))
      const record = yield* makeMongoBackend(r.handle).insert(Doc, { title: "t" }, now)
      const doc = r.calls[0]!.args[0] as { _id: string }
      expect(doc._id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(record).toEqual({ id: doc._id, title: "t" })
    })
  )

  it.effect("E11000 from the driver is UniqueViolation naming the key's fields", () =>
    Effect.gen(function* () {
      const error = new mongo.MongoServerError({
        errmsg:
          'E11000 duplicate key error collection: test.users index: df_users_email_uniq dup key: { email: "a@x" }',
        code: 11000,
        codeName: "DuplicateKey",
        keyPattern: { email: 1 },
        keyValue: { email: "a@x" }
      } as never)
      const r = recorder(() => error)
      const failure = yield* Effect.flip(
        makeMongoBackend(r.handle).insert(User, { id: "u2", email: "a@x", name: "B" }, now)
      )
      expect(failure).toMatchObject({ _tag: "UniqueViolation", model: "User", fields: ["email"] })
      expect(JSON.stringify(failure.message)).not.toContain("a@x")
    })
  )
})

describe("updates and deletes", () => {
  const changes = { names: ["name", "updated_at"], fields: { name: "Bo" }, now: later }

  it.effect("updateById: findOneAndUpdate of the live record, the document after", () =>
    Effect.gen(function* () {
      const r = recorder(() => userDoc("u1", "a@x", { name: "Bo", updated_at: later }))
      const record = yield* makeMongoBackend(r.handle).updateById(User, "u1", changes)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "findOneAndUpdate",
          args: [
            { $and: [{ _id: "u1" }, { deleted_at: null }] },
            { $set: { name: "Bo", updated_at: later } },
            { returnDocument: "after" }
          ]
        }
      ])
      expect(record).toMatchObject({ id: "u1", name: "Bo", updated_at: later })
    })
  )

  it.effect("updateById of no live record is undefined", () =>
    Effect.gen(function* () {
      const r = recorder(() => null)
      expect(yield* makeMongoBackend(r.handle).updateById(User, "u9", changes)).toBeUndefined()
    })
  )

  it.effect("updateWhere: updateMany over live records; the matched count", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ matchedCount: 3, modifiedCount: 2 }))
      const n = yield* makeMongoBackend(r.handle).updateWhere(User, expr({ age: 3 }), changes)
      expect(n).toBe(3)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "updateMany",
          args: [{ $and: [{ deleted_at: null }, { age: 3 }] }, { $set: { name: "Bo", updated_at: later } }, {}]
        }
      ])
    })
  )

  it.effect("deleteWhere on a soft-delete model sets deleted_at", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ matchedCount: 2, modifiedCount: 2 }))
      const n = yield* makeMongoBackend(r.handle).deleteWhere(User, expr({ age: 3 }), later, "bulkDelete")
      expect(n).toBe(2)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "updateMany",
          args: [{ $and: [{ deleted_at: null }, { age: 3 }] }, { $set: { deleted_at: later } }, {}]
        }
      ])
    })
  )

  it.effect("deleteWhere on a model without soft delete removes; the deleted count", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ deletedCount: 4 }))
      const n = yield* makeMongoBackend(r.handle).deleteWhere(
        Counted,
        toExpr(Counted.name, Counted.columnMap, { hits: { $lt: 2 } }),
        later,
        "delete"
      )
      expect(n).toBe(4)
      expect(r.calls).toEqual([{ collection: Counted.table, method: "deleteMany", args: [{ hits: { $lt: 2 } }, {}] }])
    })
  )
})

describe("upsert", () => {
  const plan = {
    conflict: [User.columnMap.get("email")!],
    where: expr({ email: "a@x" }),
    row: { id: "u1", email: "a@x", name: "Ann" },
    update: { name: "Ann B" },
    now: later
  }
  const answer = (updatedExisting: boolean) => () => ({
    value: userDoc("u1", "a@x", { name: updatedExisting ? "Ann B" : "Ann" }),
    lastErrorObject: updatedExisting
      ? { n: 1, updatedExisting: true }
      : { n: 1, updatedExisting: false, upserted: "u1" },
    ok: 1
  })

  it.effect("one findOneAndUpdate with upsert and the result's metadata; created when no record existed", () =>
    Effect.gen(function* () {
      const r = recorder(answer(false))
      const out = yield* makeMongoBackend(r.handle).upsert(User, plan)
      expect(r.calls).toHaveLength(1)
      const [filter, update, options] = r.calls[0]!.args as [unknown, Array<Record<string, unknown>>, unknown]
      expect(r.calls[0]!.method).toBe("findOneAndUpdate")
      expect(filter).toEqual({ email: "a@x" })
      expect(Object.keys(update[0]!)).toEqual(["$replaceWith"])
      expect(options).toEqual({ upsert: true, returnDocument: "after", includeResultMetadata: true })
      expect(out).toMatchObject({ created: true, record: { id: "u1", name: "Ann" } })
    })
  )

  it.effect("an existing record: created is false", () =>
    Effect.gen(function* () {
      const r = recorder(answer(true))
      const out = yield* makeMongoBackend(r.handle).upsert(User, plan)
      expect(out).toMatchObject({ created: false, record: { id: "u1", name: "Ann B" } })
    })
  )
})
