/**
 * The operations need nothing SQL: every one of them runs here through a `Database` whose backend
 * is an in-memory one (test/support/MemoryBackend.ts), with the same validation and planning as on
 * a real database. A proof of the contract (src/backend/Backend.ts) only; the conformance tests
 * prove behaviour against the real databases.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { DataFlow } from "../../src/index.js"
import { makeMemoryBackend, memoryDatabase } from "../support/MemoryBackend.js"

const User = DataFlow.model(
  "ContractUser",
  { id: Schema.Int, email: Schema.String, name: Schema.String, age: Schema.Int },
  { unique: [["email"]] }
)
const Note = DataFlow.model("ContractNote", { id: Schema.String, body: Schema.String }, { softDelete: true })
const Vec = DataFlow.model("ContractVec", { id: Schema.String, tag: Schema.String, v: DataFlow.vector(2) })

/** Runs `effect` on a fresh memory backend; the Database service must have been asked for nothing else. */
const run = <A, E>(effect: Effect.Effect<A, E, import("../../src/Database.js").Database>) =>
  Effect.gen(function* () {
    const { backend } = makeMemoryBackend()
    const db = memoryDatabase(backend, [User, Note, Vec])
    const out = yield* Effect.provide(effect, db.layer)
    expect(db.asked).toEqual([])
    return out
  })

const people = [
  { email: "a@x", name: "Ann", age: 30 },
  { email: "b@x", name: "Bob", age: 25 },
  { email: "c@x", name: "Cid", age: 35 },
  { email: "d@x", name: "Dee", age: 25 }
]

describe("the operations run on a backend that is not SQL", () => {
  it.effect("create, read, update, delete", () =>
    run(
      Effect.gen(function* () {
        const ann = yield* User.create({ email: "a@x", name: "Ann", age: 30 })
        expect(ann).toMatchObject({ email: "a@x", name: "Ann", age: 30 })
        expect(ann.created_at).toBeInstanceOf(Date)
        expect(yield* User.read({ id: ann.id })).toEqual(ann)
        const older = yield* User.update({ filter: { id: ann.id }, fields: { age: 31 } })
        expect(older.age).toBe(31)
        expect(yield* User.delete({ id: ann.id })).toEqual({ id: ann.id, deleted: true })
        expect(yield* User.delete({ id: ann.id })).toEqual({ id: ann.id, deleted: false })
        const gone = yield* Effect.flip(User.read({ id: ann.id }))
        expect(gone._tag).toBe("NotFound")
        const missing = yield* Effect.flip(User.update({ filter: { id: 999 }, fields: { age: 1 } }))
        expect(missing._tag).toBe("NotFound")
      })
    )
  )

  it.effect("vectorSearch: the filter, k, the distance and ties by key go through the contract", () =>
    run(
      Effect.gen(function* () {
        yield* Vec.bulkCreate({
          data: [
            { id: "c", tag: "x", v: [1, 0] },
            { id: "b", tag: "x", v: [1, 0] },
            { id: "a", tag: "y", v: [1, 0] },
            { id: "d", tag: "x", v: [0, 1] }
          ]
        })
        const hits = yield* Vec.vectorSearch({ vector: [1, 0.1], k: 3, filter: { tag: "x" }, select: ["tag"] })
        expect(hits.records.map((h) => h.record)).toEqual([
          { id: "b", tag: "x" },
          { id: "c", tag: "x" },
          { id: "d", tag: "x" }
        ])
        const l2 = yield* Vec.vectorSearch({ vector: [0, 1], k: 1, distance: "l2" })
        expect(l2.records.map((h) => [h.record.id, h.distance])).toEqual([["d", 0]])
        const bad = yield* Effect.flip(Vec.vectorSearch({ vector: [1], k: 1 }))
        expect(bad._tag === "ValidationError" && bad.path).toBe("vector")
      })
    )
  )

  it.effect("bad input fails ValidationError before the backend is asked", () =>
    run(
      Effect.gen(function* () {
        const bad = yield* Effect.flip(User.create({ email: "a@x", name: "Ann", age: "old" } as never))
        expect(bad._tag).toBe("ValidationError")
        const badId = yield* Effect.flip(User.read({ id: "one" } as never))
        expect(badId).toMatchObject({ _tag: "ValidationError", path: "id" })
        const badFilter = yield* Effect.flip(User.list({ filter: { nope: 1 } as never }))
        expect(badFilter._tag).toBe("ValidationError")
        const badOrder = yield* Effect.flip(User.list({ orderBy: ["nope" as never] }))
        expect(badOrder).toMatchObject({ _tag: "ValidationError", path: "orderBy.nope" })
        const dup = yield* Effect.flip(
          Effect.zipRight(User.create(people[0]!), User.create({ ...people[0]!, name: "Other" }))
        )
        expect(dup).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      })
    )
  )

  it.effect("list with filter, orderBy and a keyset cursor; count", () =>
    run(
      Effect.gen(function* () {
        yield* User.bulkCreate({ data: people })
        const first = yield* User.list({ orderBy: ["age", "-name"], limit: 2 })
        expect(first.records.map((r) => r.name)).toEqual(["Dee", "Bob"])
        expect(first.total).toBe(4)
        expect(first.nextCursor).not.toBeNull()
        const second = yield* User.list({ orderBy: ["age", "-name"], limit: 2, cursor: first.nextCursor })
        expect(second.records.map((r) => r.name)).toEqual(["Ann", "Cid"])
        expect(second.nextCursor).toBeNull()
        const young = yield* User.list({ filter: { age: { $lt: 30 } }, orderBy: ["name"], select: ["name"] })
        expect(young.records).toEqual([
          { id: expect.any(Number), name: "Bob" },
          { id: expect.any(Number), name: "Dee" }
        ])
        expect(yield* User.count({ filter: { $or: [{ age: 35 }, { name: { $like: "A%" } }] } })).toBe(2)
        expect(yield* User.count()).toBe(4)
        const wrongCursor = yield* Effect.flip(User.list({ orderBy: ["name"], cursor: first.nextCursor }))
        expect(wrongCursor).toMatchObject({ _tag: "ValidationError", path: "cursor" })
      })
    )
  )

  it.effect("soft delete hides records unless includeDeleted", () =>
    run(
      Effect.gen(function* () {
        yield* Note.create({ id: "n1", body: "one" })
        yield* Note.create({ id: "n2", body: "two" })
        yield* Note.delete({ id: "n1" })
        expect(yield* Note.count()).toBe(1)
        expect(yield* Note.count({ includeDeleted: true })).toBe(2)
        const deleted = yield* Note.read({ id: "n1", includeDeleted: true })
        expect(deleted.deleted_at).toBeInstanceOf(Date)
        expect((yield* Effect.flip(Note.read({ id: "n1" })))._tag).toBe("NotFound")
        // upserting onto a soft-deleted record brings it back
        const back = yield* Note.upsert({ where: { id: "n1" }, create: { body: "again" }, update: { body: "back" } })
        expect(back).toMatchObject({ created: false, action: "updated", record: { body: "back", deleted_at: null } })
      })
    )
  )

  it.effect("upsert by id and by a unique key; a target that is neither fails ConflictTargetError", () =>
    run(
      Effect.gen(function* () {
        const made = yield* User.upsert({
          where: { email: "a@x" },
          create: { name: "Ann", age: 30 },
          update: { age: 31 }
        })
        expect(made).toMatchObject({ created: true, action: "created", record: { email: "a@x", age: 30 } })
        const again = yield* User.upsert({
          where: { email: "a@x" },
          create: { name: "Ann", age: 30 },
          update: { age: 31 }
        })
        expect(again).toMatchObject({ created: false, record: { id: made.record.id, age: 31 } })
        const byId = yield* Note.upsert({ where: { id: "n9" }, create: { body: "new" }, update: { body: "changed" } })
        expect(byId).toMatchObject({ created: true, record: { id: "n9", body: "new" } })
        const byIdAgain = yield* Note.upsert({
          where: { id: "n9" },
          create: { body: "new" },
          update: { body: "changed" }
        })
        expect(byIdAgain).toMatchObject({ created: false, record: { id: "n9", body: "changed" } })
        const bad = yield* Effect.flip(User.upsert({ where: { name: "Ann" }, create: {}, update: {} } as never))
        expect(bad._tag).toBe("ConflictTargetError")
      })
    )
  )

  it.effect("bulkCreate (array, stream, skip), bulkUpdate, bulkDelete, bulkUpsert; empty filters refused", () =>
    run(
      Effect.gen(function* () {
        expect(yield* User.bulkCreate({ data: people.slice(0, 2) })).toEqual({ inserted: 2, skipped: 0 })
        expect(yield* User.bulkCreate({ data: Stream.fromIterable(people.slice(2)), batchSize: 1 })).toEqual({
          inserted: 2,
          skipped: 0
        })
        expect(yield* User.bulkCreate({ data: people, onConflict: "skip" })).toEqual({ inserted: 0, skipped: 4 })
        // all or nothing: a duplicate fails the call and nothing of it stays
        const dup = yield* Effect.flip(User.bulkCreate({ data: [{ email: "e@x", name: "Eve", age: 1 }, people[0]!] }))
        expect(dup._tag).toBe("UniqueViolation")
        expect(yield* User.count()).toBe(4)
        expect(yield* User.bulkUpdate({ filter: { age: 25 }, fields: { age: 26 } })).toEqual({ updated: 2 })
        expect((yield* Effect.flip(User.bulkUpdate({ filter: {}, fields: { age: 1 } })))._tag).toBe(
          "EmptyFilterRefused"
        )
        expect((yield* Effect.flip(User.bulkDelete({ filter: {} })))._tag).toBe("EmptyFilterRefused")
        expect(yield* User.bulkDelete({ filter: { age: 26 } })).toEqual({ deleted: 2 })
        const upserted = yield* User.bulkUpsert({
          data: [
            { email: "a@x", name: "Ann", age: 40 },
            { email: "z@x", name: "Zed", age: 50 },
            { email: "z@x", name: "Zed", age: 51 }
          ],
          conflictOn: ["email"]
        })
        expect(upserted).toEqual({ inserted: 1, updated: 1, skipped: 1 })
        const all = yield* User.list({ orderBy: ["email"] })
        expect(all.records.map((r) => [r.email, r.age])).toEqual([
          ["a@x", 40],
          ["c@x", 35],
          ["z@x", 51]
        ])
        expect(yield* User.bulkDelete({ filter: {}, confirmed: true })).toEqual({ deleted: 3 })
      })
    )
  )
})
