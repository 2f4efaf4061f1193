import { expect } from "@effect/vitest"
import { Data, Effect, Schema, Stream } from "effect"
import { DataFlow } from "../../src/index.js"
import { forEachDatabase, reset } from "../support/Dialects.js"

const Item = DataFlow.model(
  "Item",
  {
    id: Schema.String,
    sku: Schema.String,
    qty: Schema.Int,
    note: Schema.optional(Schema.String)
  },
  { unique: [["sku"]] }
)

const Serial = DataFlow.model("Serial", { id: Schema.Int, code: Schema.String }, { unique: [["code"]] })

const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    id: `i${String(i + from).padStart(5, "0")}`,
    sku: `s${i + from}`,
    qty: (i + from) % 7
  }))

const ids = Effect.map(Item.list({ orderBy: ["id"], limit: 10_000, select: ["id"] }), (p) => p.records.map((r) => r.id))

forEachDatabase("bulk", (it) => {
  it.effect("bulkCreate inserts every row, batched under the parameter limit", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const result = yield* Item.bulkCreate({ data: rows(2500), batchSize: 700 })
      expect(result).toEqual({ inserted: 2500, skipped: 0 })
      expect(yield* Item.count()).toBe(2500)
      expect(yield* Item.read({ id: "i02499" })).toMatchObject({ sku: "s2499", qty: 2499 % 7 })
    })
  )

  it.effect("bulkCreate accepts any iterable", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      function* gen() {
        yield* rows(3)
      }
      expect(yield* Item.bulkCreate({ data: gen() })).toEqual({ inserted: 3, skipped: 0 })
    })
  )

  it.effect("bulkCreate is all-or-nothing: a duplicate in a late batch leaves nothing behind", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const data = [...rows(50), { id: "dup", sku: "s3", qty: 1 }]
      const error = yield* Effect.flip(Item.bulkCreate({ data, batchSize: 10 }))
      expect(error).toMatchObject({ _tag: "UniqueViolation", fields: ["sku"] })
      expect(yield* Item.count()).toBe(0)
    })
  )

  it.effect("bulkCreate validates every row before any SQL and names the bad row", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const data = [...rows(5), { id: "bad", sku: "x", qty: "three" }] as never
      const error = yield* Effect.flip(Item.bulkCreate({ data }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "data[5].qty" })
      expect(error.message).not.toContain("three")
      const managed = yield* Effect.flip(
        Item.bulkCreate({ data: [{ ...rows(1)[0]!, created_at: new Date() }] as never })
      )
      expect(managed).toMatchObject({ _tag: "ValidationError", path: "data[0].created_at" })
      expect(yield* Item.count()).toBe(0)
    })
  )

  it.effect("onConflict skip skips rows colliding on any unique key and counts them", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({ data: rows(3) })
      const data = [
        { id: "i00000", sku: "new-a", qty: 1 }, // id collides
        { id: "fresh1", sku: "s1", qty: 1 }, // sku collides
        { id: "fresh2", sku: "new-b", qty: 2 },
        { id: "fresh2", sku: "new-c", qty: 3 } // collides with a row of the same call
      ]
      expect(yield* Item.bulkCreate({ data, onConflict: "skip" })).toEqual({ inserted: 1, skipped: 3 })
      expect(yield* Item.bulkCreate({ data: [{ id: "i00001", sku: "zz", qty: 1 }], onConflict: "skip" })).toEqual({
        inserted: 0,
        skipped: 1
      })
      expect(yield* Item.bulkCreate({ data: [{ id: "solo", sku: "solo", qty: 1 }], onConflict: "skip" })).toEqual({
        inserted: 1,
        skipped: 0
      })
      expect(yield* ids).toEqual(["fresh2", "i00000", "i00001", "i00002", "solo"])
      expect((yield* Item.read({ id: "fresh2" })).sku).toBe("new-b")
    })
  )

  it.effect("bulkCreate takes an Effect Stream, written batch by batch in one transaction", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const stream = Stream.range(0, 2499).pipe(Stream.map((i) => rows(1, i)[0]!))
      expect(yield* Item.bulkCreate({ data: stream, batchSize: 400 })).toEqual({ inserted: 2500, skipped: 0 })
      expect(yield* Item.count()).toBe(2500)
      expect((yield* Item.read({ id: "i01999" })).sku).toBe("s1999")
    })
  )

  it.effect("a bad row late in a Stream fails with its index and leaves nothing behind", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const stream = Stream.range(0, 1999).pipe(
        Stream.map((i) => (i === 1500 ? { id: "bad", sku: "x", qty: "many" } : rows(1, i)[0]!))
      )
      const error = yield* Effect.flip(Item.bulkCreate({ data: stream as never, batchSize: 300 }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "data[1500].qty" })
      expect(yield* Item.count()).toBe(0)
    })
  )

  it.effect("the stream's own typed error comes out unchanged and nothing is written", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      class SourceDown extends Data.TaggedError("SourceDown")<{}> {}
      const stream = Stream.concat(Stream.fromIterable(rows(700)), Stream.fail(new SourceDown()))
      const error = yield* Effect.flip(Item.bulkCreate({ data: stream, batchSize: 100 }))
      expect(error).toBeInstanceOf(SourceDown)
      expect(yield* Item.count()).toBe(0)
    })
  )

  it.effect('commit: "batch" keeps the batches written before a failure', () =>
    Effect.gen(function* () {
      yield* reset(Item)
      const data = [...rows(25), { id: "dup", sku: "s3", qty: 1 }]
      const error = yield* Effect.flip(Item.bulkCreate({ data, batchSize: 10, commit: "batch" }))
      expect(error._tag).toBe("UniqueViolation")
      expect(yield* Item.count()).toBe(20)
    })
  )

  it.effect("bulkCreate with auto-increment ids", () =>
    Effect.gen(function* () {
      yield* reset(Serial)
      expect(
        yield* Serial.bulkCreate({ data: [{ code: "a" }, { code: "b" }, { code: "a" }], onConflict: "skip" })
      ).toEqual({ inserted: 2, skipped: 1 })
      const page = yield* Serial.list({ orderBy: ["id"] })
      expect(page.records.map((r) => r.code)).toEqual(["a", "b"])
      expect(page.records[1]!.id).toBeGreaterThan(page.records[0]!.id)
    })
  )

  it.effect("bulkUpdate updates every match, bumps updated_at and reports the count", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({ data: rows(20) })
      const before = yield* Item.read({ id: "i00000" })
      yield* Effect.sleep("5 millis")
      expect(yield* Item.bulkUpdate({ filter: { qty: { $in: [0, 1] } }, fields: { note: "low" } })).toEqual({
        updated: 6
      })
      expect(yield* Item.count({ filter: { note: "low" } })).toBe(6)
      const after = yield* Item.read({ id: "i00000" })
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime())
      expect(yield* Item.bulkUpdate({ filter: { qty: 99 }, fields: { note: "none" } })).toEqual({ updated: 0 })
    })
  )

  it.effect("bulkUpdate and bulkDelete refuse an empty filter unless confirmed", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({ data: rows(4) })
      expect(yield* Effect.flip(Item.bulkUpdate({ filter: {}, fields: { qty: 0 } }))).toMatchObject({
        _tag: "EmptyFilterRefused",
        operation: "bulkUpdate"
      })
      expect(yield* Effect.flip(Item.bulkDelete({ filter: {} }))).toMatchObject({
        _tag: "EmptyFilterRefused",
        operation: "bulkDelete"
      })
      expect(yield* Effect.flip(Item.bulkDelete({ filter: { $and: [] } }))).toMatchObject({
        _tag: "EmptyFilterRefused"
      })
      // filters that match every row whatever they look like are empty too
      for (const filter of [
        { $or: [{}] },
        { $not: { $or: [] } },
        { $or: [{ id: undefined }] },
        { $not: { qty: { $in: [] } } },
        { $and: [{}, { $or: [{ qty: 1 }, {}] }] }
      ]) {
        expect(yield* Effect.flip(Item.bulkDelete({ filter: filter as never }))).toMatchObject({
          _tag: "EmptyFilterRefused"
        })
        expect(yield* Effect.flip(Item.bulkUpdate({ filter: filter as never, fields: { qty: 0 } }))).toMatchObject({
          _tag: "EmptyFilterRefused"
        })
      }
      expect(yield* Item.count({ filter: { qty: 0 } })).toBe(1)
      expect(yield* Item.bulkUpdate({ filter: {}, fields: { qty: 0 }, confirmed: true })).toEqual({ updated: 4 })
      expect(yield* Item.bulkDelete({ filter: {}, confirmed: true })).toEqual({ deleted: 4 })
      expect(yield* Item.count()).toBe(0)
    })
  )

  it.effect("bulkUpdate fails validation for unknown or managed fields and changes nothing", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({ data: rows(2) })
      expect(yield* Effect.flip(Item.bulkUpdate({ filter: { qty: 0 }, fields: { nope: 1 } as never }))).toMatchObject({
        _tag: "ValidationError",
        path: "nope"
      })
      expect(
        yield* Effect.flip(Item.bulkUpdate({ filter: { qty: 0 }, fields: { updated_at: new Date() } as never }))
      ).toMatchObject({ _tag: "ValidationError", path: "updated_at" })
      expect(yield* Effect.flip(Item.bulkUpdate({ filter: { nope: 0 } as never, fields: { qty: 1 } }))).toMatchObject({
        _tag: "ValidationError",
        path: "nope"
      })
      expect(yield* Item.count({ filter: { qty: 0 } })).toBe(1)
    })
  )

  it.effect("bulkDelete deletes the matches only", () =>
    Effect.gen(function* () {
      yield* reset(Item)
      yield* Item.bulkCreate({ data: rows(10) })
      expect(yield* Item.bulkDelete({ filter: { qty: { $gte: 5 } } })).toEqual({ deleted: 2 })
      expect(yield* ids).toEqual(["i00000", "i00001", "i00002", "i00003", "i00004", "i00007", "i00008", "i00009"])
    })
  )
})
