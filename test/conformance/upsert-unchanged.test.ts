/**
 * An upsert with nothing to set on an existing row (a key-only table, or a model without managed
 * timestamps given an empty `update`): the database still needs an assignment, one that changes
 * nothing, and it must be valid SQL everywhere (PostgreSQL refuses an unqualified `col = col` in
 * ON CONFLICT … DO UPDATE as ambiguous between the row and EXCLUDED).
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { forEachDialect, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

/** A join table: its composite key is all it holds. */
const Link = DataFlow.model(
  "Link",
  {
    listId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("list_id")),
    itemId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("item_id"))
  },
  { table: "links", timestamps: false, primaryKey: ["listId", "itemId"] }
)

/** No managed timestamps: an empty `update` sets nothing. */
const Label = DataFlow.model(
  "Label",
  { id: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("label_id")), name: Schema.String },
  { table: "labels", timestamps: false }
)

/** Rows over the test's own connection, integers as numbers (SQLite's client returns bigints). */
const rows = (sql: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql)).pipe(
    Effect.map((found) =>
      found.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]))
      )
    ),
    Effect.orDie
  )

forEachDialect("upsert_unchanged", (it) => {
  it.effect("upsert of a key-only row: created, then found unchanged; the table holds it once", () =>
    Effect.gen(function* () {
      yield* reset(Link)
      const key = { listId: 1, itemId: 2 }
      expect(yield* Link.upsert({ where: key, create: key, update: {} })).toMatchObject({
        created: true,
        record: key
      })
      expect(yield* Link.upsert({ where: key, create: key, update: {} })).toMatchObject({
        created: false,
        record: key
      })
      expect(yield* rows("SELECT list_id, item_id FROM links")).toEqual([{ list_id: 1, item_id: 2 }])
    })
  )

  it.effect("bulkUpsert of key-only rows counts the new and the existing ones and writes each once", () =>
    Effect.gen(function* () {
      yield* reset(Link)
      yield* Link.create({ listId: 1, itemId: 2 })
      const result = yield* Link.bulkUpsert({
        data: [
          { listId: 1, itemId: 2 },
          { listId: 1, itemId: 3 }
        ],
        conflictOn: ["listId", "itemId"]
      })
      expect(result).toMatchObject({ inserted: 1, updated: 1 })
      expect(yield* rows("SELECT list_id, item_id FROM links ORDER BY item_id")).toEqual([
        { list_id: 1, item_id: 2 },
        { list_id: 1, item_id: 3 }
      ])
    })
  )

  it.effect("an empty update on a model without timestamps leaves the stored row as it was", () =>
    Effect.gen(function* () {
      yield* reset(Label)
      const created = yield* Label.upsert({ where: { id: "a" }, create: { name: "first" }, update: {} })
      expect(created).toMatchObject({ created: true, record: { id: "a", name: "first" } })
      const found = yield* Label.upsert({ where: { id: "a" }, create: { name: "second" }, update: {} })
      expect(found).toMatchObject({ created: false, record: { id: "a", name: "first" } })
      expect(yield* rows("SELECT label_id, name FROM labels")).toEqual([{ label_id: "a", name: "first" }])
    })
  )
})
