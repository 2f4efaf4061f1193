import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { forEachDatabase, reset } from "../support/Dialects.js"

const Person = DataFlow.model(
  "Person",
  {
    id: Schema.String,
    name: Schema.String,
    age: Schema.optional(Schema.Int),
    team: Schema.String
  },
  { indexes: [["team"]] }
)

const people = [
  { id: "p01", name: "Ada", age: 36, team: "red" },
  { id: "p02", name: "Bob", age: 25, team: "blue" },
  { id: "p03", name: "Cy", team: "red" },
  { id: "p04", name: "Dee", age: 25, team: "red" },
  { id: "p05", name: "Eve", age: 41, team: "blue" },
  { id: "p06", name: "Fay", team: "blue" },
  { id: "p07", name: "Gus", age: 19, team: "red" }
]

const seed = Effect.zipRight(reset(Person), Person.bulkCreate({ data: people }))
const ids = (records: ReadonlyArray<{ readonly id: string }>) => records.map((r) => r.id)

forEachDatabase("list", (it) => {
  it.effect("orderBy is honoured, id breaks ties, NULLs sort last ascending and first descending", () =>
    Effect.gen(function* () {
      yield* seed
      expect(ids((yield* Person.list({ orderBy: ["age"] })).records)).toEqual([
        "p07",
        "p02",
        "p04",
        "p01",
        "p05",
        "p03",
        "p06"
      ])
      expect(ids((yield* Person.list({ orderBy: ["-age"] })).records)).toEqual([
        "p03",
        "p06",
        "p05",
        "p01",
        "p02",
        "p04",
        "p07"
      ])
      expect(ids((yield* Person.list({ orderBy: ["team", "-name"] })).records)).toEqual([
        "p06",
        "p05",
        "p02",
        "p07",
        "p04",
        "p03",
        "p01"
      ])
    })
  )

  it.effect("total counts every match, not the page; limit and offset page through", () =>
    Effect.gen(function* () {
      yield* seed
      const page = yield* Person.list({ filter: { team: "red" }, orderBy: ["id"], limit: 2, offset: 1 })
      expect(ids(page.records)).toEqual(["p03", "p04"])
      expect(page.total).toBe(4)
      expect(page.limit).toBe(2)
      expect(page.offset).toBe(1)
    })
  )

  it.effect("the keyset cursor walks every record exactly once, in order, with nullable and descending keys", () =>
    Effect.gen(function* () {
      yield* seed
      for (const orderBy of [["age"], ["-age"], ["team", "-age"], ["-name"]] as const) {
        const seen: Array<string> = []
        let cursor: string | null = null
        let pages = 0
        do {
          const page: { records: ReadonlyArray<{ id: string }>; nextCursor: string | null; total: number } =
            yield* Person.list({ orderBy, limit: 2, cursor })
          expect(page.total).toBe(7)
          seen.push(...ids(page.records))
          cursor = page.nextCursor
          pages++
        } while (cursor !== null && pages < 10)
        const all = ids((yield* Person.list({ orderBy })).records)
        expect(seen).toEqual(all)
        expect(pages).toBe(4)
      }
    })
  )

  it.effect("a cursor is refused for another ordering, with offset, or when it is garbage", () =>
    Effect.gen(function* () {
      yield* seed
      const first = yield* Person.list({ orderBy: ["age"], limit: 2 })
      const other = yield* Effect.flip(Person.list({ orderBy: ["name"], limit: 2, cursor: first.nextCursor }))
      expect(other).toMatchObject({ _tag: "ValidationError", path: "cursor" })
      const withOffset = yield* Effect.flip(Person.list({ orderBy: ["age"], offset: 1, cursor: first.nextCursor }))
      expect(withOffset).toMatchObject({ _tag: "ValidationError", path: "cursor" })
      const garbage = yield* Effect.flip(Person.list({ cursor: "not-a-cursor" }))
      expect(garbage).toMatchObject({ _tag: "ValidationError", path: "cursor" })
      // an edited cursor with values of the wrong kind is refused the same way, never a defect
      const forge = (o: string, v: ReadonlyArray<unknown>) =>
        Buffer.from(JSON.stringify({ o, v })).toString("base64url")
      for (const [orderBy, cursor] of [
        [["created_at"], forge("created_at,id", ["nope", "p01"])],
        [["age"], forge("age,id", ["x", "p01"])],
        [["age"], forge("age,id", [1.5, "p01"])],
        [["name"], forge("name,id", [{}, "p01"])],
        [["created_at"], forge("created_at,id", [1700000000000, "p01"])],
        [["created_at"], forge("created_at,id", [true, "p01"])],
        [["name"], Buffer.from("null").toString("base64url")],
        [["name"], Buffer.from("[1,2]").toString("base64url")],
        [["name"], Buffer.from('"text"').toString("base64url")]
      ] as const) {
        const forged = yield* Effect.flip(Person.list({ orderBy: orderBy as never, cursor }))
        expect(forged).toMatchObject({ _tag: "ValidationError", path: "cursor" })
      }
    })
  )

  it.effect("the last page has nextCursor null", () =>
    Effect.gen(function* () {
      yield* seed
      const page = yield* Person.list({ orderBy: ["id"], limit: 7 })
      expect(page.records).toHaveLength(7)
      expect(page.nextCursor).toBeNull()
      expect((yield* Person.list({ orderBy: ["id"], limit: 6 })).nextCursor).not.toBeNull()
    })
  )

  it.effect("select returns id and the chosen fields only", () =>
    Effect.gen(function* () {
      yield* seed
      const page = yield* Person.list({ filter: { id: "p01" }, select: ["name"] })
      expect(page.records).toEqual([{ id: "p01", name: "Ada" }])
      const byAge = yield* Person.list({ orderBy: ["-age"], select: ["team"], limit: 1 })
      expect(byAge.records).toEqual([{ id: "p03", team: "red" }])
    })
  )

  it.effect("bad list parameters fail with ValidationError naming them", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flip(Person.list({ limit: -1 }))).toMatchObject({ _tag: "ValidationError", path: "limit" })
      expect(yield* Effect.flip(Person.list({ limit: 1.5 }))).toMatchObject({ _tag: "ValidationError", path: "limit" })
      expect(yield* Effect.flip(Person.list({ limit: 10_001 }))).toMatchObject({
        _tag: "ValidationError",
        path: "limit"
      })
      expect(yield* Effect.flip(Person.list({ orderBy: ["nope" as "name"] }))).toMatchObject({
        _tag: "ValidationError",
        path: "orderBy.nope"
      })
      expect(yield* Effect.flip(Person.list({ select: ["nope" as "name"] }))).toMatchObject({
        _tag: "ValidationError",
        path: "select.nope"
      })
    })
  )

  it.effect("count applies the filter", () =>
    Effect.gen(function* () {
      yield* seed
      expect(yield* Person.count()).toBe(7)
      expect(yield* Person.count({ filter: { team: "blue" } })).toBe(3)
      expect(yield* Person.count({ filter: { age: null } })).toBe(2)
      expect(yield* Person.count({ filter: { $or: [{ age: { $lt: 20 } }, { name: "Eve" }] } })).toBe(2)
    })
  )

  it.effect("list without limit returns at most 100 and says so", () =>
    Effect.gen(function* () {
      yield* reset(Person)
      yield* Person.bulkCreate({
        data: Array.from({ length: 130 }, (_, i) => ({ id: `x${String(i).padStart(3, "0")}`, name: "n", team: "t" }))
      })
      const page = yield* Person.list()
      expect(page.records).toHaveLength(100)
      expect(page.limit).toBe(100)
      expect(page.total).toBe(130)
      expect(page.nextCursor).not.toBeNull()
    })
  )
})
