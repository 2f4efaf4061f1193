import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { forEachDialect, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Note = DataFlow.model(
  "Note",
  { id: Schema.String, body: Schema.String, slug: Schema.String },
  { softDelete: true, unique: [["slug"]] }
)

forEachDialect("softdelete", (it) => {
  it.effect("delete sets deleted_at; reads, lists and counts hide the row unless includeDeleted", () =>
    Effect.gen(function* () {
      yield* reset(Note)
      yield* Note.bulkCreate({
        data: [
          { id: "n1", body: "a", slug: "a" },
          { id: "n2", body: "b", slug: "b" }
        ]
      })
      expect((yield* Note.read({ id: "n1" })).deleted_at).toBeNull()
      expect(yield* Note.delete({ id: "n1" })).toEqual({ id: "n1", deleted: true })
      expect(yield* Note.delete({ id: "n1" })).toEqual({ id: "n1", deleted: false })
      expect((yield* Effect.flip(Note.read({ id: "n1" })))._tag).toBe("NotFound")
      const hidden = yield* Note.read({ id: "n1", includeDeleted: true })
      expect(hidden.deleted_at).toBeInstanceOf(Date)
      expect((yield* Note.list()).records.map((r) => r.id)).toEqual(["n2"])
      expect((yield* Note.list({ includeDeleted: true, orderBy: ["id"] })).total).toBe(2)
      expect(yield* Note.count()).toBe(1)
      expect(yield* Note.count({ includeDeleted: true })).toBe(2)
      expect((yield* Effect.flip(Note.update({ filter: { id: "n1" }, fields: { body: "x" } })))._tag).toBe("NotFound")
      // the row is still in the table
      const db = yield* sqlDatabase
      const rows = yield* db.sql
        .unsafe<{ n: number }>(`SELECT COUNT(*) AS n FROM ${db.hooks.quote("notes")}`)
        .pipe(Effect.orDie)
      expect(Number(rows[0]!.n)).toBe(2)
    })
  )

  it.effect("bulkDelete soft-deletes the matches; bulkUpdate leaves deleted rows alone", () =>
    Effect.gen(function* () {
      yield* reset(Note)
      yield* Note.bulkCreate({
        data: [
          { id: "n1", body: "a", slug: "a" },
          { id: "n2", body: "b", slug: "b" },
          { id: "n3", body: "b", slug: "c" }
        ]
      })
      expect(yield* Note.bulkDelete({ filter: { body: "b" } })).toEqual({ deleted: 2 })
      expect(yield* Note.bulkDelete({ filter: { body: "b" } })).toEqual({ deleted: 0 })
      expect(yield* Note.bulkUpdate({ filter: {}, fields: { body: "z" }, confirmed: true })).toEqual({ updated: 1 })
      expect((yield* Note.read({ id: "n2", includeDeleted: true })).body).toBe("b")
    })
  )

  it.effect("upsert onto a soft-deleted row brings it back", () =>
    Effect.gen(function* () {
      yield* reset(Note)
      yield* Note.create({ id: "n1", body: "a", slug: "a" })
      yield* Note.delete({ id: "n1" })
      const r = yield* Note.upsert({
        where: { slug: "a" },
        create: { id: "n1", body: "new" },
        update: { body: "back" }
      })
      expect(r).toMatchObject({ created: false, record: { id: "n1", body: "back", deleted_at: null } })
      expect(yield* Note.count()).toBe(1)
    })
  )
})
