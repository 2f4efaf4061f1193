import { Effect, Exit, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { DataFlow } from "../../src/index.js"
import type { ModelInfo } from "../../src/model/Model.js"
import { toExpr } from "../../src/query/Filter.js"
import { makeMongoBackend } from "../../src/mongo/Backend.js"
import { methods, recorder } from "./runtime-recorder.js"

const Note = DataFlow.model(
  "Note",
  { id: Schema.String, title: Schema.String, n: Schema.optional(Schema.NullOr(Schema.Int)) },
  { softDelete: true, unique: [["title"]] }
).info
const Tick = DataFlow.model("Tick", { id: Schema.Int, hits: Schema.Int }, { timestamps: false }).info
const Doc = DataFlow.model("Doc", { id: Schema.UUID, body: Schema.String }, { timestamps: false }).info

const now = new Date("2026-12-04T20:00:00Z")
const expr = (model: ModelInfo, filter: unknown) => toExpr(model.name, model.columnMap, filter)
const f = (model: ModelInfo, name: string) => model.columnMap.get(name)!
const stored = (id: string, title: string, n: number | null = null) => ({
  _id: id,
  title,
  n,
  created_at: now,
  updated_at: now,
  deleted_at: null
})
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failed = async <A, E>(effect: Effect.Effect<A, E>) => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") throw new Error("did not fail")
  return exit.cause.error as { _tag: string; feature?: string; fields?: ReadonlyArray<string> }
}

describe("MongoDB backend: the commands each method sends (driver calls recorded)", () => {
  it("readById: findOne by _id, live only; decoded", async () => {
    const r = recorder({ answers: { "notes.findOne": stored("a", "A", 3) }, maxTimeMS: 500 })
    const record = await run(makeMongoBackend(r.handle).readById(Note, "a", false, "read"))
    expect(r.calls).toEqual([
      { method: "notes.findOne", args: [{ $and: [{ _id: "a" }, { deleted_at: null }] }, { maxTimeMS: 500 }] }
    ])
    expect(record).toEqual({ id: "a", title: "A", n: 3, created_at: now, updated_at: now, deleted_at: null })
  })

  it("find: a plain find for a non-nullable ordering (limit+1, projection), then countDocuments", async () => {
    const r = recorder({ answers: { "notes.find": [stored("a", "A"), stored("b", "B")], "notes.countDocuments": 7 } })
    const found = await run(
      makeMongoBackend(r.handle).find(Note, {
        expr: expr(Note, { title: { $like: "A%" } }),
        includeDeleted: false,
        orderBy: [{ field: f(Note, "id"), descending: false }],
        limit: 1,
        offset: 2,
        fields: [f(Note, "id"), f(Note, "title")]
      })
    )
    const filter = { $and: [{ deleted_at: null }, { title: { $regex: "^A[\\s\\S]*\\z" } }] }
    expect(r.calls).toEqual([
      {
        method: "notes.find",
        args: [filter, { sort: { _id: 1 }, skip: 2, limit: 2, projection: { _id: 1, title: 1 } }]
      },
      { method: "notes.countDocuments", args: [filter, {}] }
    ])
    expect(found).toEqual({ records: [{ id: "a", title: "A" }], more: true, total: 7 })
  })

  it("find: an aggregation when an ordering field can be null", async () => {
    const r = recorder({ answers: { "notes.aggregate": [stored("a", "A")] } })
    const found = await run(
      makeMongoBackend(r.handle).find(Note, {
        expr: expr(Note, {}),
        includeDeleted: true,
        orderBy: [
          { field: f(Note, "n"), descending: false },
          { field: f(Note, "id"), descending: false }
        ],
        limit: 5,
        offset: 0,
        fields: [f(Note, "id"), f(Note, "n")]
      })
    )
    expect(methods(r.calls)).toEqual(["notes.aggregate", "notes.countDocuments"])
    const pipeline = r.calls[0]!.args[0] as Array<Record<string, unknown>>
    expect(pipeline.map((s) => Object.keys(s)[0])).toEqual(["$match", "$addFields", "$sort", "$limit", "$project"])
    expect(found.records).toEqual([{ id: "a", n: null }])
    expect(found.more).toBe(false)
  })

  it("count: countDocuments of the filter and the soft-delete rule", async () => {
    const r = recorder({ answers: { "notes.countDocuments": 4 } })
    expect(await run(makeMongoBackend(r.handle).count(Note, expr(Note, { n: 3 }), false, "count"))).toBe(4)
    expect(r.calls).toEqual([
      { method: "notes.countDocuments", args: [{ $and: [{ deleted_at: null }, { n: 3 }] }, {}] }
    ])
  })

  it("insert: the whole document (null columns, timestamps); returns the stored record", async () => {
    const r = recorder()
    const record = await run(makeMongoBackend(r.handle).insert(Note, { id: "a", title: "A" }, now))
    expect(r.calls).toEqual([{ method: "notes.insertOne", args: [stored("a", "A"), {}] }])
    expect(record).toEqual({ id: "a", title: "A", n: null, created_at: now, updated_at: now, deleted_at: null })
  })

  it("insert with an Int key: the counter is taken first, without the transaction's session", async () => {
    const r = recorder({ answers: { "dataflow_counters.findOneAndUpdate": { _id: "ticks", seq: 41 } } })
    const backend = makeMongoBackend(r.handle)
    const record = await run(backend.transaction(backend.insert(Tick, { hits: 2 }, now)))
    expect(r.calls.slice(2, 4)).toEqual([
      {
        method: "dataflow_counters.findOneAndUpdate",
        args: [{ _id: Tick.table }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: "after" }]
      },
      { method: "ticks.insertOne", args: [{ _id: 41, hits: 2 }, { session: "<session>" }] }
    ])
    expect(record).toEqual({ id: 41, hits: 2 })
  })

  it("insertBatch with Int keys: one counter $inc of the batch's size, consecutive ids", async () => {
    const r = recorder({ answers: { "dataflow_counters.findOneAndUpdate": { _id: "ticks", seq: 13 } } })
    const rows = [{ hits: 1 }, { hits: 2 }, { hits: 3 }]
    expect(await run(makeMongoBackend(r.handle).insertBatch(Tick, rows, { onConflict: "error", now }))).toBe(3)
    expect(r.calls).toEqual([
      {
        method: "dataflow_counters.findOneAndUpdate",
        args: [{ _id: Tick.table }, { $inc: { seq: 3 } }, { upsert: true, returnDocument: "after" }]
      },
      {
        method: "ticks.insertMany",
        args: [
          [
            { _id: 11, hits: 1 },
            { _id: 12, hits: 2 },
            { _id: 13, hits: 3 }
          ],
          { ordered: true }
        ]
      }
    ])
  })

  it("insert with a UUID key: generated when absent", async () => {
    const r = recorder()
    const record = await run(makeMongoBackend(r.handle).insert(Doc, { body: "x" }, now))
    expect(record["id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(r.calls[0]!.args[0]).toEqual({ _id: record["id"], body: "x" })
  })

  it("updateById: findOneAndUpdate returning the document after; undefined when none", async () => {
    const r = recorder({ answers: { "notes.findOneAndUpdate": stored("a", "B") } })
    const backend = makeMongoBackend(r.handle)
    const changes = { names: ["title", "updated_at"], fields: { title: "B" }, now }
    expect((await run(backend.updateById(Note, "a", changes)))?.["title"]).toBe("B")
    expect(r.calls).toEqual([
      {
        method: "notes.findOneAndUpdate",
        args: [
          { $and: [{ _id: "a" }, { deleted_at: null }] },
          { $set: { title: "B", updated_at: now } },
          { returnDocument: "after" }
        ]
      }
    ])
    const none = recorder()
    expect(await run(makeMongoBackend(none.handle).updateById(Note, "zz", changes))).toBeUndefined()
  })

  it("updateWhere: updateMany, matched count; deleteWhere: a soft delete is an updateMany, else deleteMany", async () => {
    const r = recorder({
      answers: { "notes.updateMany": { matchedCount: 3 }, "ticks.deleteMany": { deletedCount: 2 } }
    })
    const backend = makeMongoBackend(r.handle)
    const changes = { names: ["n"], fields: { n: null }, now }
    expect(await run(backend.updateWhere(Note, expr(Note, { title: "A" }), changes))).toBe(3)
    expect(await run(backend.deleteWhere(Note, expr(Note, { title: "A" }), now, "deleteMany"))).toBe(3)
    expect(await run(backend.deleteWhere(Tick, expr(Tick, { hits: 1 }), now, "deleteMany"))).toBe(2)
    const live = { $and: [{ deleted_at: null }, { title: "A" }] }
    expect(r.calls).toEqual([
      { method: "notes.updateMany", args: [live, { $set: { n: null } }, {}] },
      { method: "notes.updateMany", args: [live, { $set: { deleted_at: now } }, {}] },
      { method: "ticks.deleteMany", args: [{ hits: 1 }, {}] }
    ])
  })

  it("upsert: one findOneAndUpdate (upsert, after, with metadata); created from updatedExisting", async () => {
    for (const [updatedExisting, created] of [
      [false, true],
      [true, false]
    ] as const) {
      const r = recorder({
        answers: {
          "notes.findOneAndUpdate": { value: stored("a", "A"), lastErrorObject: { updatedExisting }, ok: 1 }
        }
      })
      const result = await run(
        makeMongoBackend(r.handle).upsert(Note, {
          conflict: [f(Note, "id")],
          where: expr(Note, { id: "a" }),
          row: { id: "a", title: "A" },
          update: { title: "A" },
          now
        })
      )
      expect(result.created).toBe(created)
      expect(result.record["id"]).toBe("a")
      expect(methods(r.calls)).toEqual(["notes.findOneAndUpdate"])
      const [filter, update, options] = r.calls[0]!.args
      expect(filter).toEqual({ _id: "a" })
      expect(Array.isArray(update)).toBe(true)
      expect(options).toEqual({ upsert: true, returnDocument: "after", includeResultMetadata: true })
    }
  })

  it("insertBatch skip outside a transaction: unordered insertMany, duplicate keys ignored", async () => {
    const dup = Object.assign(new Error("E11000"), {
      name: "MongoBulkWriteError",
      code: 11000,
      writeErrors: [{ code: 11000, errmsg: "E11000" }],
      insertedCount: 1
    })
    const r = recorder({ throws: { "notes.insertMany": [dup] } })
    const rows = [
      { id: "a", title: "A" },
      { id: "b", title: "B" }
    ]
    expect(await run(makeMongoBackend(r.handle).insertBatch(Note, rows, { onConflict: "skip", now }))).toBe(1)
    expect(r.calls).toEqual([
      { method: "notes.insertMany", args: [[stored("a", "A"), stored("b", "B")], { ordered: false }] }
    ])
  })

  it("insertBatch error: an ordered insertMany; E11000 is UniqueViolation with the key's fields", async () => {
    const dup = Object.assign(new Error("E11000"), { name: "MongoServerError", code: 11000, keyPattern: { title: 1 } })
    const r = recorder({ throws: { "notes.insertMany": [dup] } })
    const e = await failed(
      makeMongoBackend(r.handle).insertBatch(Note, [{ id: "a", title: "A" }], { onConflict: "error", now })
    )
    expect(e).toMatchObject({ _tag: "UniqueViolation", fields: ["title"] })
    expect(r.calls[0]!.args[1]).toEqual({ ordered: true })
  })

  it("bulkInsert: batches in one transaction; a standalone server refuses it", async () => {
    const r = recorder()
    const rows = [1, 2, 3].map((i) => ({ id: `k${i}`, title: `T${i}` }))
    expect(
      await run(makeMongoBackend(r.handle).bulkInsert(Note, rows, { onConflict: "error", now, batchSize: 2 }))
    ).toBe(3)
    expect(methods(r.calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "notes.insertMany",
      "notes.insertMany",
      "session.commitTransaction",
      "session.endSession"
    ])
    const standalone = recorder({ transactions: false })
    const e = await failed(
      makeMongoBackend(standalone.handle).bulkInsert(Note, rows, { onConflict: "error", now, batchSize: 2 })
    )
    expect(e._tag).toBe("UnsupportedFeature")
    expect(standalone.calls).toEqual([])
  })

  it("bulkUpsert: bulkWrite of upserts in one transaction; existing = matchedCount", async () => {
    const r = recorder({ answers: { "notes.bulkWrite": { matchedCount: 1 } } })
    const rows = [
      { id: "a", title: "A" },
      { id: "b", title: "B" }
    ]
    expect(await run(makeMongoBackend(r.handle).bulkUpsert(Note, rows, [f(Note, "id")], { batchSize: 10, now }))).toBe(
      1
    )
    expect(methods(r.calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "notes.bulkWrite",
      "session.commitTransaction",
      "session.endSession"
    ])
    const ops = r.calls[2]!.args[0] as Array<{ updateOne: { filter: unknown; upsert: boolean } }>
    expect(ops.map((o) => [o.updateOne.filter, o.updateOne.upsert])).toEqual([
      [{ _id: "a" }, true],
      [{ _id: "b" }, true]
    ])
    expect(r.calls[2]!.args[1]).toEqual({ session: "<session>", ordered: true })
  })

  it("vector and text search: UnsupportedFeature", async () => {
    const backend = makeMongoBackend(recorder().handle)
    expect((await failed(backend.vectorSearch(Note, {} as never)))._tag).toBe("UnsupportedFeature")
    expect((await failed(backend.textSearch(Note, {} as never)))._tag).toBe("UnsupportedFeature")
  })
})
