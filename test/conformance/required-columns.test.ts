/**
 * A NOT NULL column without a default that an insert leaves out fails ValidationError naming that
 * column and saying the database has no default for it, on every database, whatever the column's
 * name — never "a required column was null" blamed on the input. (An Int key without a default:
 * values-existing.test.ts.)
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

/** The table has a required column this model does not know (its name is no identifier of ours). */
const ColumnUnknown = DataFlow.model(
  "ColumnUnknown",
  { id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("item_id")) },
  { table: "legacy_item", timestamps: false, autoIncrement: false }
)

const sql = (text: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(text)).pipe(Effect.orDie)

forEachDialect("required_columns", (it) => {
  it.effect("a required column the model does not know is named by its column, a dot and a space in its name", () =>
    Effect.gen(function* () {
      const q = (yield* sqlDatabase).hooks.quote
      yield* sql(`DROP TABLE IF EXISTS ${q("legacy_item")}`)
      yield* sql(
        `CREATE TABLE ${q("legacy_item")} (${q("item_id")} INT NOT NULL PRIMARY KEY, ${q("unit.price x")} VARCHAR(20) NOT NULL)`
      )
      const e = yield* Effect.flip(ColumnUnknown.create({ id: 1 }))
      expect(e).toMatchObject({
        _tag: "ValidationError",
        model: "ColumnUnknown",
        path: "unit.price x",
        reason: "column unit.price x has no default and was not given a value (the database requires one)"
      })
      expect(Number((yield* sql(`SELECT COUNT(*) AS n FROM ${q("legacy_item")}`))[0]!["n"])).toBe(0)
    })
  )
})
