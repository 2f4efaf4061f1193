import { expect, vi } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { forEachDatabase, reset } from "../support/Dialects.js"

const Member = DataFlow.model(
  "Member",
  {
    id: Schema.String,
    email: Schema.String,
    org: Schema.String,
    handle: Schema.String,
    visits: Schema.Int
  },
  { unique: [["email"], ["org", "handle"]] }
)

const Tag = DataFlow.model("Tag", { id: Schema.Int, slug: Schema.String, uses: Schema.Int }, { unique: [["slug"]] })

const Account = DataFlow.model(
  "Account",
  { id: Schema.String, email: Schema.String, visits: Schema.Int },
  { unique: [["email"]] }
)

const Note = DataFlow.model("Note", { id: Schema.String, body: Schema.String }, { softDelete: true })

const m = (id: string, visits = 0) => ({ id, email: `${id}@x.io`, org: "acme", handle: id, visits })

forEachDatabase("upsert", (it) => {
  it.effect("upsert creates when absent and updates when present, saying which", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      const first = yield* Member.upsert({ where: { email: "a@x.io" }, create: m("a", 1), update: { visits: 99 } })
      expect(first.created).toBe(true)
      expect(first.action).toBe("created")
      expect(first.record).toMatchObject({ id: "a", email: "a@x.io", visits: 1 })
      yield* Effect.sleep("5 millis")
      const second = yield* Member.upsert({ where: { email: "a@x.io" }, create: m("a", 1), update: { visits: 2 } })
      expect(second).toMatchObject({ created: false, action: "updated", record: { id: "a", visits: 2 } })
      expect(second.record.created_at.getTime()).toBe(first.record.created_at.getTime())
      expect(second.record.updated_at.getTime()).toBeGreaterThan(first.record.updated_at.getTime())
      expect(yield* Member.count()).toBe(1)
    })
  )

  it.effect("upsert accepts id or a whole declared unique key (also composite) as the target", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.upsert({ where: { id: "a" }, create: m("a"), update: { visits: 1 } })
      const byId = yield* Member.upsert({ where: { id: "a" }, create: m("a"), update: { visits: 5 } })
      expect(byId.record.visits).toBe(5)
      const composite = yield* Member.upsert({
        where: { org: "acme", handle: "a" },
        create: m("a"),
        update: { visits: 6 }
      })
      expect(composite).toMatchObject({ created: false, record: { id: "a", visits: 6 } })
    })
  )

  it.effect("any other conflict target fails ConflictTargetError before any SQL", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      const partial = yield* Effect.flip(Member.upsert({ where: { org: "acme" }, create: m("a"), update: {} }))
      expect(partial).toMatchObject({ _tag: "ConflictTargetError", fields: ["org"] })
      const notUnique = yield* Effect.flip(Member.upsert({ where: { visits: 1 }, create: m("a"), update: {} }))
      expect(notUnique._tag).toBe("ConflictTargetError")
      const bulk = yield* Effect.flip(Member.bulkUpsert({ data: [m("a")], conflictOn: ["handle"] }))
      expect(bulk).toMatchObject({ _tag: "ConflictTargetError", fields: ["handle"] })
      expect(yield* Member.count()).toBe(0)
    })
  )

  it.effect("upsert refuses a create that contradicts where", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Member.upsert({ where: { email: "a@x.io" }, create: { ...m("b"), email: "b@x.io" }, update: {} })
      )
      expect(error).toMatchObject({ _tag: "ValidationError", path: "create.email" })
    })
  )

  it.effect("bulkUpsert reports inserted and updated, and the last row per key wins", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      const result = yield* Member.bulkUpsert({ data: [m("a", 10), m("c", 3), m("c", 30), m("d", 4)] })
      expect(result).toEqual({ inserted: 2, updated: 1, skipped: 1 })
      const visits = (yield* Member.list({ orderBy: ["id"] })).records.map((r) => [r.id, r.visits])
      expect(visits).toEqual([
        ["a", 10],
        ["b", 1],
        ["c", 30],
        ["d", 4]
      ])
    })
  )

  it.effect("bulkUpsert on a unique key keeps existing ids and created_at", () =>
    Effect.gen(function* () {
      yield* reset(Tag)
      yield* Tag.bulkCreate({
        data: [
          { slug: "ts", uses: 1 },
          { slug: "js", uses: 1 }
        ]
      })
      const before = yield* Tag.list({ orderBy: ["slug"] })
      const result = yield* Tag.bulkUpsert({
        data: [
          { slug: "ts", uses: 5 },
          { slug: "go", uses: 1 }
        ],
        conflictOn: ["slug"],
        batchSize: 1
      })
      expect(result).toEqual({ inserted: 1, updated: 1, skipped: 0 })
      const after = yield* Tag.list({ orderBy: ["slug"] })
      expect(after.records.map((r) => [r.slug, r.uses])).toEqual([
        ["go", 1],
        ["js", 1],
        ["ts", 5]
      ])
      const ts = (p: typeof after) => p.records.find((r) => r.slug === "ts")!
      expect(ts(after).id).toBe(ts(before).id)
      expect(ts(after).created_at.getTime()).toBe(ts(before).created_at.getTime())
    })
  )

  it.effect("bulkUpsert is all-or-nothing", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.create(m("a", 1))
      // the second row collides on email with a different id: a unique violation rolls back the first
      const error = yield* Effect.flip(
        Member.bulkUpsert({ data: [m("a", 7), { ...m("z", 1), email: "a@x.io" }], batchSize: 1 })
      )
      expect(["UniqueViolation", "ConflictTargetError"]).toContain(error._tag)
      expect((yield* Member.read({ id: "a" })).visits).toBe(1)
      expect(yield* Member.count()).toBe(1)
    })
  )

  it.effect("concurrent upserts of one new key: exactly one reports created", () =>
    Effect.gen(function* () {
      for (let round = 0; round < 10; round++) {
        yield* reset(Member)
        const results = yield* Effect.all(
          Array.from({ length: 4 }, (_, i) =>
            // each racer proposes its own id: with one shared id the racers would also collide on
            // the primary key, which is not the target (PostgreSQL then rightly says UniqueViolation)
            Effect.either(
              Member.upsert({
                where: { email: "race@x.io" },
                create: { ...m(`race${i}`), email: "race@x.io" },
                update: { visits: i }
              })
            )
          ),
          { concurrency: "unbounded" }
        )
        const created = results.filter((r) => r._tag === "Right" && r.right.created).length
        // MariaDB may refuse a racer with a retryable deadlock instead of waiting: typed, never a second "created"
        for (const r of results) if (r._tag === "Left") expect(r.left._tag).toBe("TransactionConflict")
        expect(created).toBe(1)
        expect(yield* Member.count()).toBe(1)
      }
    })
  )

  it.effect("bulkUpsert checks batchSize like bulkCreate", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Member.bulkUpsert({ data: [m("a")], batchSize: Number.NaN }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "batchSize" })
    })
  )

  it.effect("bulkUpsert rows must carry the conflict key", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Tag.bulkUpsert({ data: [{ slug: "x", uses: 1 }] }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "conflictOn" })
    })
  )
})

forEachDatabase("upsert_keys", (it) => {
  // MySQL's ON DUPLICATE KEY fires on any unique key; these prove it means ON CONFLICT (target) everywhere
  it.effect("a row whose target exists updates that row even when its id names another row", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      const r = yield* Member.upsert({
        where: { email: "b@x.io" },
        create: { ...m("a"), email: "b@x.io", handle: "zz" },
        update: { visits: 7 }
      })
      expect(r).toMatchObject({ created: false, record: { id: "b", visits: 7 } })
      expect((yield* Member.read({ id: "a" })).visits).toBe(1)
      const bulk = yield* Member.bulkUpsert({
        data: [{ ...m("a", 9), email: "b@x.io", handle: "b" }],
        conflictOn: ["email"]
      })
      expect(bulk).toEqual({ inserted: 0, updated: 1, skipped: 0 })
      expect((yield* Member.list({ orderBy: ["id"] })).records.map((x) => [x.id, x.visits])).toEqual([
        ["a", 1],
        ["b", 9]
      ])
    })
  )

  it.effect("a new row colliding on another unique key fails UniqueViolation naming that key", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.create(m("a", 1))
      const single = yield* Effect.flip(
        Member.upsert({ where: { id: "n" }, create: { ...m("n"), email: "a@x.io" }, update: {} })
      )
      expect(single).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      const bulk = yield* Effect.flip(Member.bulkUpsert({ data: [{ ...m("n"), email: "a@x.io" }] }))
      expect(bulk).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      expect(yield* Member.count()).toBe(1)
    })
  )

  it.effect("an update that moves a unique key onto another row fails UniqueViolation", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      const bulk = yield* Effect.flip(Member.bulkUpsert({ data: [{ ...m("a", 5), email: "b@x.io" }] }))
      expect(bulk).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      const single = yield* Effect.flip(
        Member.upsert({ where: { id: "a" }, create: m("a"), update: { email: "b@x.io" } })
      )
      expect(single).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      expect((yield* Member.list({ orderBy: ["id"] })).records.map((x) => [x.id, x.email, x.visits])).toEqual([
        ["a", "a@x.io", 1],
        ["b", "b@x.io", 1]
      ])
    })
  )
})

/** Runs `effect` with `Date` frozen at one instant: every write stamps the same millisecond. */
const frozenClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-02T03:04:05.678Z") })),
    () => effect,
    () => Effect.sync(() => vi.useRealTimers())
  )

const visitsById = Effect.map(Member.list({ orderBy: ["id"] }), (p) => p.records.map((r) => [r.id, r.email, r.visits]))

forEachDatabase("upsert_counts", (it) => {
  // SQLite counts inserts by rowid and MariaDB by the statement's duplicates count (no read first):
  // these prove the counts and the rows stay exact in the cases where such counting could slip
  it.effect("rows written in the same millisecond and set to their own values count as updated", () =>
    frozenClock(
      Effect.gen(function* () {
        yield* reset(Member)
        yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1), m("c", 1)] })
        const same = yield* Member.bulkUpsert({ data: [m("a", 1), m("b", 1), m("c", 1), m("d", 1), m("e", 1)] })
        expect(same).toEqual({ inserted: 2, updated: 3, skipped: 0 })
        // several batches, the last of one row
        const again = yield* Member.bulkUpsert({
          data: [m("a", 1), m("b", 1), m("c", 1), m("d", 1), m("e", 1)],
          batchSize: 2
        })
        expect(again).toEqual({ inserted: 0, updated: 5, skipped: 0 })
        const mixed = yield* Member.bulkUpsert({
          data: [m("a", 1), m("f", 2), m("b", 2), m("g", 2), m("c", 1)],
          batchSize: 2
        })
        expect(mixed).toEqual({ inserted: 2, updated: 3, skipped: 0 })
        expect(yield* visitsById).toEqual([
          ["a", "a@x.io", 1],
          ["b", "b@x.io", 2],
          ["c", "c@x.io", 1],
          ["d", "d@x.io", 1],
          ["e", "e@x.io", 1],
          ["f", "f@x.io", 2],
          ["g", "g@x.io", 2]
        ])
        const created = (yield* Member.read({ id: "a" })).created_at.getTime()
        expect(created).toBe(new Date("2026-01-02T03:04:05.678Z").getTime())
      })
    )
  )

  it.effect("counts stay exact across many small batches", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("b", 1), m("e", 1), m("f", 1), m("k", 1)] })
      const ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]
      for (const batchSize of [1, 2, 3, 1000]) {
        const result = yield* Member.bulkUpsert({ data: ids.map((id) => m(id, batchSize)), batchSize })
        const existing = batchSize === 1 ? 4 : ids.length
        expect(result).toEqual({ inserted: ids.length - existing, updated: existing, skipped: 0 })
        expect((yield* visitsById).map((r) => r[2])).toEqual(ids.map(() => batchSize))
      }
      expect(yield* Member.count()).toBe(ids.length)
    })
  )

  it.effect("a soft-deleted row is brought back and counts as updated", () =>
    Effect.gen(function* () {
      yield* reset(Note)
      yield* Note.bulkCreate({
        data: [
          { id: "n1", body: "one" },
          { id: "n2", body: "two" },
          { id: "n3", body: "three" }
        ]
      })
      yield* Note.delete({ id: "n2" })
      yield* Note.delete({ id: "n3" })
      const result = yield* Note.bulkUpsert({
        data: [
          { id: "n2", body: "back" },
          { id: "n3", body: "back too" },
          { id: "n4", body: "new" }
        ]
      })
      expect(result).toEqual({ inserted: 1, updated: 2, skipped: 0 })
      const rows = (yield* Note.list({ orderBy: ["id"] })).records.map((r) => [r.id, r.body, r.deleted_at])
      expect(rows).toEqual([
        ["n1", "one", null],
        ["n2", "back", null],
        ["n3", "back too", null],
        ["n4", "new", null]
      ])
    })
  )

  it.effect("an auto-increment model upserts on its unique key: counts, kept ids, new ids", () =>
    Effect.gen(function* () {
      yield* reset(Tag)
      yield* Tag.bulkCreate({
        data: [
          { slug: "a", uses: 1 },
          { slug: "b", uses: 1 },
          { slug: "c", uses: 1 }
        ]
      })
      const before = new Map((yield* Tag.list()).records.map((r) => [r.slug, r.id]))
      // the highest id is gone: a new row must still be told apart from the updated ones
      const c = before.get("c")!
      yield* Tag.delete({ id: c })
      const data = [
        { slug: "a", uses: 5 },
        { slug: "d", uses: 1 },
        { slug: "b", uses: 5 },
        { slug: "e", uses: 1 },
        { slug: "f", uses: 1 }
      ]
      const result = yield* Tag.bulkUpsert({ data, conflictOn: ["slug"], batchSize: 2 })
      expect(result).toEqual({ inserted: 3, updated: 2, skipped: 0 })
      const after = (yield* Tag.list({ orderBy: ["slug"] })).records
      expect(after.map((r) => [r.slug, r.uses])).toEqual([
        ["a", 5],
        ["b", 5],
        ["d", 1],
        ["e", 1],
        ["f", 1]
      ])
      expect(after.find((r) => r.slug === "a")!.id).toBe(before.get("a"))
      expect(after.find((r) => r.slug === "b")!.id).toBe(before.get("b"))
      const newIds = after.filter((r) => ["d", "e", "f"].includes(r.slug)).map((r) => r.id)
      expect(new Set(newIds).size).toBe(3)
      for (const id of newIds) expect(id).toBeGreaterThan(before.get("b")!)
      const again = yield* Tag.bulkUpsert({ data, conflictOn: ["slug"] })
      expect(again).toEqual({ inserted: 0, updated: 5, skipped: 0 })
    })
  )

  it.effect("a new row colliding on another key with an existing row fails and leaves the table unchanged", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      for (const batchSize of [1000, 2]) {
        // the collision sits in the last batch: earlier batches were written and must be undone
        const data = [m("a", 7), m("c", 7), m("b", 7), { ...m("n", 7), email: "a@x.io" }]
        const error = yield* Effect.flip(Member.bulkUpsert({ data, batchSize }))
        expect(error).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
        const composite = yield* Effect.flip(
          Member.bulkUpsert({ data: [m("c", 7), { ...m("n", 7), handle: "b" }], batchSize })
        )
        expect(composite).toMatchObject({ _tag: "UniqueViolation", fields: ["org", "handle"] })
        expect(yield* visitsById).toEqual([
          ["a", "a@x.io", 1],
          ["b", "b@x.io", 1]
        ])
      }
    })
  )

  it.effect("two new rows of one call sharing another key fail UniqueViolation and write nothing", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.create(m("a", 1))
      const error = yield* Effect.flip(
        Member.bulkUpsert({ data: [m("a", 2), m("p", 2), { ...m("q", 2), email: "p@x.io" }] })
      )
      expect(error).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      expect(yield* visitsById).toEqual([["a", "a@x.io", 1]])
    })
  )

  it.effect("an update moving a key onto another row fails in a many-row batch and writes nothing", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      const error = yield* Effect.flip(
        Member.bulkUpsert({ data: [m("c", 2), { ...m("a", 2), email: "b@x.io" }, m("d", 2)] })
      )
      expect(error).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
      expect(yield* visitsById).toEqual([
        ["a", "a@x.io", 1],
        ["b", "b@x.io", 1]
      ])
    })
  )

  it.effect("in a many-row batch, a row whose target exists updates it even when its id names another row", () =>
    Effect.gen(function* () {
      yield* reset(Member)
      yield* Member.bulkCreate({ data: [m("a", 1), m("b", 1)] })
      const data = [
        { ...m("a", 9), email: "b@x.io", handle: "b" },
        m("c", 9),
        { ...m("zz", 9), email: "a@x.io", handle: "a" }
      ]
      const result = yield* Member.bulkUpsert({ data, conflictOn: ["email"] })
      expect(result).toEqual({ inserted: 1, updated: 2, skipped: 0 })
      expect(yield* visitsById).toEqual([
        ["a", "a@x.io", 9],
        ["b", "b@x.io", 9],
        ["c", "c@x.io", 9]
      ])
    })
  )

  it.effect("on a unique key, a row whose id names another row updates the row holding that key", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      yield* Account.bulkCreate({
        data: [
          { id: "a", email: "a@x.io", visits: 1 },
          { id: "b", email: "b@x.io", visits: 1 }
        ]
      })
      const data = [
        { id: "a", email: "b@x.io", visits: 9 },
        { id: "c", email: "c@x.io", visits: 9 },
        { id: "b", email: "a@x.io", visits: 8 }
      ]
      const result = yield* Account.bulkUpsert({ data, conflictOn: ["email"] })
      expect(result).toEqual({ inserted: 1, updated: 2, skipped: 0 })
      const rows = (yield* Account.list({ orderBy: ["id"] })).records.map((r) => [r.id, r.email, r.visits])
      expect(rows).toEqual([
        ["a", "a@x.io", 8],
        ["b", "b@x.io", 9],
        ["c", "c@x.io", 9]
      ])
    })
  )
})
