import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { statSync } from "node:fs"
import { forEachDatabase, reset, urlFor } from "../support/Dialects.js"

const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.optional(Schema.Int),
    active: Schema.Boolean,
    tags: Schema.optional(Schema.Array(Schema.String))
  },
  { unique: [["email"]], indexes: [["age"]] }
)

const Counter = DataFlow.model("Counter", { id: Schema.Int, label: Schema.String })
const Token = DataFlow.model("Token", { id: Schema.UUID, label: Schema.String })

forEachDatabase(
  "crud",
  (it, dialect) => {
    if (dialect === "sqlite") {
      // (this file's layer asks for WAL: sqlite.journalMode)
      // SQLite checkpoints its WAL only after a statement steps to its end; a write with RETURNING
      // stepped once (its first row) commits on reset and skipped it, so the WAL grew by every write
      it.effect("single-row writes keep SQLite's WAL checkpointed: it stays near 1000 pages", () =>
        Effect.gen(function* () {
          yield* reset(User)
          const wal = `${urlFor("sqlite", "df_crud").slice("sqlite:".length)}-wal`
          for (let i = 0; i < 1500; i++)
            yield* User.create({ id: `w${i}`, name: "n", email: `w${i}@x.io`, active: true })
          for (let i = 0; i < 500; i++) yield* User.update({ filter: { id: `w${i}` }, fields: { name: `m${i}` } })
          expect(yield* User.count()).toBe(1500)
          // a frame is a 4096-byte page and a 24-byte header; SQLite checkpoints at 1000 frames
          expect(statSync(wal).size / 4120).toBeLessThan(1100)
        })
      )
    }

    it.effect("create returns the stored record and read finds it", () =>
      Effect.gen(function* () {
        yield* reset(User)
        const created = yield* User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true, tags: ["a", "b"] })
        expect(created).toMatchObject({ id: "u1", name: "Alice", email: "a@x.io", active: true, tags: ["a", "b"] })
        expect(created.created_at).toBeInstanceOf(Date)
        expect(created.updated_at.getTime()).toBe(created.created_at.getTime())
        expect("age" in created).toBe(false)
        const read = yield* User.read({ id: "u1" })
        expect(read).toEqual(created)
      })
    )

    it.effect("read of a missing id fails NotFound", () =>
      Effect.gen(function* () {
        yield* reset(User)
        const error = yield* Effect.flip(User.read({ id: "nope" }))
        expect(error._tag).toBe("NotFound")
      })
    )

    it.effect("update changes fields, bumps updated_at, and fails NotFound for a missing id", () =>
      Effect.gen(function* () {
        yield* reset(User)
        const created = yield* User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true })
        yield* Effect.sleep("5 millis")
        const updated = yield* User.update({ filter: { id: "u1" }, fields: { name: "Alicia", age: 31 } })
        expect(updated).toMatchObject({ id: "u1", name: "Alicia", age: 31, email: "a@x.io" })
        expect(updated.updated_at.getTime()).toBeGreaterThan(created.updated_at.getTime())
        expect(updated.created_at.getTime()).toBe(created.created_at.getTime())
        expect((yield* User.read({ id: "u1" })).name).toBe("Alicia")
        const missing = yield* Effect.flip(User.update({ filter: { id: "nope" }, fields: { name: "X" } }))
        expect(missing._tag).toBe("NotFound")
      })
    )

    it.effect("delete reports whether a row was removed", () =>
      Effect.gen(function* () {
        yield* reset(User)
        yield* User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true })
        expect(yield* User.delete({ id: "u1" })).toEqual({ id: "u1", deleted: true })
        expect(yield* User.delete({ id: "u1" })).toEqual({ id: "u1", deleted: false })
        expect(yield* User.count()).toBe(0)
      })
    )

    it.effect("auto-increment ids are generated and UUID ids are generated when omitted", () =>
      Effect.gen(function* () {
        yield* reset(Counter, Token)
        const a = yield* Counter.create({ label: "a" })
        const b = yield* Counter.create({ label: "b" })
        expect(typeof a.id).toBe("number")
        expect(b.id).toBeGreaterThan(a.id)
        expect((yield* Counter.read({ id: b.id })).label).toBe("b")
        const t = yield* Token.create({ label: "t" })
        expect(t.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
        const given = yield* Token.create({ id: "0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f", label: "g" })
        expect(given.id).toBe("0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f")
      })
    )

    it.effect("a duplicate unique key fails UniqueViolation naming the fields; the primary key names id", () =>
      Effect.gen(function* () {
        yield* reset(User)
        yield* User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true })
        const byEmail = yield* Effect.flip(User.create({ id: "u2", name: "Al", email: "a@x.io", active: true }))
        expect(byEmail._tag).toBe("UniqueViolation")
        expect(byEmail._tag === "UniqueViolation" && byEmail.fields).toEqual(["email"])
        expect(byEmail.message).not.toContain("a@x.io")
        const byId = yield* Effect.flip(User.create({ id: "u1", name: "Al", email: "other@x.io", active: true }))
        expect(byId._tag === "UniqueViolation" && byId.fields).toEqual(["id"])
        expect(yield* User.count()).toBe(1)
      })
    )

    it.effect("tables are created once even when many fibers use a new model at once", () =>
      Effect.gen(function* () {
        const Fresh = DataFlow.model("Fresh", { id: Schema.String, n: Schema.Int })
        const results = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          (i) => Fresh.create({ id: `f${i}`, n: i }),
          { concurrency: "unbounded" }
        )
        expect(results).toHaveLength(20)
        expect(yield* Fresh.count()).toBe(20)
      })
    )

    it.effect("health answers", () =>
      Effect.gen(function* () {
        const h = yield* Database.health
        expect(["sqlite", "postgres", "mysql"]).toContain(h.dialect)
      })
    )
  },
  { sqlite: { journalMode: "wal" } }
)
