/**
 * The MongoDB backend's bulk writes (src/mongo/BackendBulk.ts): batches in one transaction (every
 * write with its session, the counters without), "skip" as insert-only upserts, the refusal on a
 * standalone server — proved with a recorder of driver calls (test/mongo/backend-recorder.ts).
 */
import { createRequire } from "node:module"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeMongoBackend } from "../../src/mongo/Backend.js"
import { Counted, Profile, User, mongo, now, recorder } from "./backend-recorder.js"

const internal = createRequire(import.meta.url)
const { BulkWriteResult, WriteError } = internal("mongodb/lib/bulk/common.js") as {
  BulkWriteResult: new (bulkResult: Record<string, unknown>, ordered: boolean) => unknown
  WriteError: new (err: Record<string, unknown>) => unknown
}

const users = User.table
const stored = (id: string, email: string) => ({
  _id: id,
  email,
  name: id,
  age: null,
  created_at: now,
  updated_at: now,
  deleted_at: null
})
const rows = [
  { id: "u1", email: "a@x", name: "u1" },
  { id: "u2", email: "b@x", name: "u2" },
  { id: "u3", email: "c@x", name: "u3" }
]
const refusal = {
  _tag: "UnsupportedFeature",
  dialect: "mongodb",
  feature: "all-or-nothing bulk writes (they need a replica set: transactions)"
}

describe("batchRows", () => {
  it("1000 rows at most, fewer when batchSize says so", () => {
    const backend = makeMongoBackend(recorder().handle)
    expect(backend.batchRows(User, 5000)).toBe(1000)
    expect(backend.batchRows(User, 2)).toBe(2)
  })
})

describe("bulkInsert", () => {
  it.effect("ordered insertMany batches in one transaction, each with the session", () =>
    Effect.gen(function* () {
      const r = recorder((c) => ({ insertedCount: (c.args[0] as Array<unknown>).length }))
      const n = yield* makeMongoBackend(r.handle).bulkInsert(User, rows, { onConflict: "error", now, batchSize: 2 })
      expect(n).toBe(3)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "insertMany",
          args: [[stored("u1", "a@x"), stored("u2", "b@x")], { session: r.session, ordered: true }]
        },
        {
          collection: users,
          method: "insertMany",
          args: [[stored("u3", "c@x")], { session: r.session, ordered: true }]
        }
      ])
      expect(r.txCalls).toEqual(["startSession", "startTransaction", "commitTransaction", "endSession"])
    })
  )

  it.effect("Int keys: one counter reservation per batch, outside the transaction", () =>
    Effect.gen(function* () {
      let seq = 0
      const r = recorder((c) => {
        if (c.method === "findOneAndUpdate") {
          seq += (c.args[1] as { $inc: { seq: number } }).$inc.seq
          return { _id: Counted.table, seq }
        }
        return { insertedCount: (c.args[0] as Array<unknown>).length }
      })
      const input = [{ hits: 1 }, { hits: 2 }, { hits: 3 }]
      yield* makeMongoBackend(r.handle).bulkInsert(Counted, input, { onConflict: "error", now, batchSize: 2 })
      const counterCall = (n: number) => ({
        collection: "dataflow_counters",
        method: "findOneAndUpdate",
        args: [{ _id: Counted.table }, { $inc: { seq: n } }, { upsert: true, returnDocument: "after" }]
      })
      expect(r.calls).toEqual([
        counterCall(2),
        {
          collection: Counted.table,
          method: "insertMany",
          args: [
            [
              { _id: 1, hits: 1 },
              { _id: 2, hits: 2 }
            ],
            { session: r.session, ordered: true }
          ]
        },
        counterCall(1),
        {
          collection: Counted.table,
          method: "insertMany",
          args: [[{ _id: 3, hits: 3 }], { session: r.session, ordered: true }]
        }
      ])
    })
  )

  it.effect("a standalone server: UnsupportedFeature, nothing sent", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ insertedCount: 3 }), { transactions: false })
      const failure = yield* Effect.flip(
        makeMongoBackend(r.handle).bulkInsert(User, rows, { onConflict: "error", now, batchSize: 10 })
      )
      expect(failure).toMatchObject(refusal)
      expect(r.calls).toEqual([])
      expect(r.txCalls).toEqual([])
    })
  )

  it.effect("a failing batch aborts the transaction: the error is classified, nothing committed", () =>
    Effect.gen(function* () {
      const r = recorder(
        () => new mongo.MongoServerError({ errmsg: "E11000", code: 11000, keyPattern: { _id: 1 } } as never)
      )
      const failure = yield* Effect.flip(
        makeMongoBackend(r.handle).bulkInsert(User, rows, { onConflict: "error", now, batchSize: 10 })
      )
      expect(failure).toMatchObject({ _tag: "UniqueViolation", model: "User", fields: ["id"] })
      expect(r.txCalls).toEqual(["startSession", "startTransaction", "abortTransaction", "endSession"])
    })
  )
})

describe("insertBatch onConflict skip", () => {
  const skipOp = (id: string, email: string) => ({
    updateOne: {
      filter: { $or: [{ _id: id }, { email }] },
      update: { $setOnInsert: stored(id, email) },
      upsert: true
    }
  })

  it.effect("in a transaction: ordered insert-only upserts on every unique key; the upserted count", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ upsertedCount: 2, matchedCount: 1 }))
      const backend = makeMongoBackend(r.handle)
      const n = yield* backend.transaction(backend.insertBatch(User, rows, { onConflict: "skip", now }))
      expect(n).toBe(2)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "bulkWrite",
          args: [[skipOp("u1", "a@x"), skipOp("u2", "b@x"), skipOp("u3", "c@x")], { session: r.session, ordered: true }]
        }
      ])
    })
  )

  it.effect("outside a transaction: an unordered insertMany whose duplicate-key errors are ignored", () =>
    Effect.gen(function* () {
      const result = new BulkWriteResult(
        {
          ok: 1,
          writeErrors: [],
          writeConcernErrors: [],
          insertedIds: [],
          nInserted: 2,
          nUpserted: 0,
          nMatched: 0,
          nModified: 0,
          nRemoved: 0,
          upserted: []
        },
        false
      )
      const error = new mongo.MongoBulkWriteError(
        {
          message: "E11000",
          code: 11000,
          writeErrors: [new WriteError({ code: 11000, index: 2, errmsg: "E11000" })]
        } as never,
        result as never
      )
      const r = recorder(() => error)
      const n = yield* makeMongoBackend(r.handle).insertBatch(User, rows, { onConflict: "skip", now })
      expect(n).toBe(2)
      expect(r.calls).toEqual([
        {
          collection: users,
          method: "insertMany",
          args: [[stored("u1", "a@x"), stored("u2", "b@x"), stored("u3", "c@x")], { ordered: false }]
        }
      ])
    })
  )

  it.effect("outside a transaction: a write error that is not a duplicate key fails the batch", () =>
    Effect.gen(function* () {
      const error = new mongo.MongoBulkWriteError(
        {
          message: "Document failed validation",
          code: 121,
          writeErrors: [new WriteError({ code: 121, index: 0, errmsg: "Document failed validation" })]
        } as never,
        new BulkWriteResult({ ok: 1, writeErrors: [], insertedIds: [], upserted: [] }, false) as never
      )
      const r = recorder(() => error)
      const failure = yield* Effect.flip(
        makeMongoBackend(r.handle).insertBatch(User, rows, { onConflict: "skip", now })
      )
      expect(failure).toMatchObject({ _tag: "ValidationError", model: "User" })
    })
  )

  it.effect("a unique key with a missing value is left out of the filter (NULLs never collide)", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ upsertedCount: 2 }))
      const input = [{ id: "p1" }, { id: "p2", nick: "n" }]
      const backend = makeMongoBackend(r.handle)
      const n = yield* backend.transaction(backend.insertBatch(Profile, input, { onConflict: "skip", now }))
      expect(n).toBe(2)
      const ops = r.calls[0]!.args[0] as Array<{ updateOne: { filter: unknown } }>
      expect(ops.map((o) => o.updateOne.filter)).toEqual([{ _id: "p1" }, { $or: [{ _id: "p2" }, { nick: "n" }] }])
    })
  )
})

describe("bulkUpsert", () => {
  it.effect("ordered bulkWrite of upserts in one transaction; the matched count is how many existed", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({ matchedCount: 1, upsertedCount: 1 }))
      const n = yield* makeMongoBackend(r.handle).bulkUpsert(User, rows.slice(0, 2), [User.columnMap.get("email")!], {
        batchSize: 100,
        now
      })
      expect(n).toBe(1)
      expect(r.calls).toHaveLength(1)
      const [ops, options] = r.calls[0]!.args as [Array<{ updateOne: { filter: unknown; upsert: boolean } }>, unknown]
      expect(r.calls[0]!.method).toBe("bulkWrite")
      expect(ops.map((o) => o.updateOne.filter)).toEqual([{ email: "a@x" }, { email: "b@x" }])
      expect(ops.every((o) => o.updateOne.upsert)).toBe(true)
      expect(options).toEqual({ session: r.session, ordered: true })
      expect(r.txCalls).toEqual(["startSession", "startTransaction", "commitTransaction", "endSession"])
    })
  )

  it.effect("a standalone server: UnsupportedFeature, nothing sent", () =>
    Effect.gen(function* () {
      const r = recorder(() => ({}), { transactions: false })
      const failure = yield* Effect.flip(
        makeMongoBackend(r.handle).bulkUpsert(User, rows, [User.columnMap.get("email")!], { batchSize: 100, now })
      )
      expect(failure).toMatchObject(refusal)
      expect(r.calls).toEqual([])
    })
  )
})
