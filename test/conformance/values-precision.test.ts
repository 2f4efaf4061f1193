/**
 * A column that keeps fewer decimal places, digits or fractional seconds than its field admits would
 * round or cut writes silently (0.995 into NUMERIC(10,2) stored as 1.00, .123 s into DATETIME(0)
 * dropped). The model's first use fails `SchemaMismatch` instead — over a table the library did not
 * create (autoMigrate), one it created whose model has since grown, and with autoMigrate off (a
 * read-only check) — and nothing is written. SQLite keeps what it is given, so it writes exactly.
 */
import { expect } from "@effect/vitest"
import { BigDecimal, Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { type DialectName, forEachDialect, urlFor } from "../support/Dialects.js"
import { rawText as raw } from "../support/SqlDatabase.js"

/** Created by the library with two places and whole seconds; the model then grew. */
const Ours = DataFlow.model(
  "PrecisionOurs",
  { id: Schema.String, p: DataFlow.decimal(10, 2), at: DataFlow.dateTime({ precision: 0 }) },
  { table: "precision_ours", timestamps: false }
)
const OursGrown = DataFlow.model(
  "PrecisionOurs",
  { id: Schema.String, p: DataFlow.decimal(10, 3), at: DataFlow.dateTime({ precision: 0 }) },
  { table: "precision_ours", timestamps: false }
)

/** A table made by raw SQL, through fields that declare no precision. */
const Legacy = DataFlow.model(
  "PrecisionLegacy",
  { id: Schema.Int, total: Schema.BigDecimal },
  { table: "precision_legacy", timestamps: false, autoIncrement: false }
)
const LegacyStamp = DataFlow.model(
  "PrecisionStamp",
  { id: Schema.Int, at: Schema.DateFromSelf },
  { table: "precision_stamp", timestamps: false, autoIncrement: false }
)

const ddl: Record<DialectName, ReadonlyArray<string>> = {
  postgres: [
    "CREATE TABLE precision_legacy (id INT NOT NULL PRIMARY KEY, total NUMERIC(10,2) NOT NULL)",
    "CREATE TABLE precision_stamp (id INT NOT NULL PRIMARY KEY, at TIMESTAMP(0) NOT NULL)"
  ],
  mysql: [
    "CREATE TABLE precision_legacy (id INT NOT NULL PRIMARY KEY, total DECIMAL(10,2) NOT NULL)",
    "CREATE TABLE precision_stamp (id INT NOT NULL PRIMARY KEY, at DATETIME NOT NULL)"
  ],
  sqlite: [
    "CREATE TABLE precision_legacy (id INT NOT NULL PRIMARY KEY, total NUMERIC(10,2) NOT NULL)",
    "CREATE TABLE precision_stamp (id INT NOT NULL PRIMARY KEY, at DATETIME NOT NULL)"
  ]
}

const cents = BigDecimal.unsafeFromString("0.995")
const millis = new Date("2020-01-01T00:00:00.123Z")

forEachDialect("values_precision", (it, dialect) => {
  const url = urlFor(dialect, "df_values_precision")
  const exact = dialect === "sqlite"

  it.effect("a table the library created, its model grown by a decimal place: refused, not rounded", () =>
    Effect.gen(function* () {
      yield* Ours.create({ id: "a", p: BigDecimal.unsafeFromString("1.5"), at: new Date("2020-01-01T00:00:00Z") })
      const grown = Effect.either(
        Effect.provide(
          OursGrown.create({ id: "b", p: BigDecimal.unsafeFromString("1.005"), at: new Date("2020-01-01T00:00:01Z") }),
          Database.layer({ url })
        )
      )
      const result = yield* grown
      if (exact) {
        expect(result._tag).toBe("Right")
        expect(yield* raw("SELECT p FROM precision_ours WHERE id = 'b'")).toEqual([{ p: "1.005" }])
      } else {
        expect(result._tag === "Left" ? result.left : result).toMatchObject({
          _tag: "SchemaMismatch",
          model: "PrecisionOurs",
          field: "p",
          column: "p"
        })
        expect(yield* raw("SELECT id FROM precision_ours")).toEqual([{ id: "a" }])
      }
    })
  )

  for (const autoMigrate of [true, false]) {
    it.effect(`autoMigrate ${autoMigrate}: fields that declare no precision over NUMERIC(10,2) and DATETIME(0)`, () =>
      Effect.gen(function* () {
        for (const t of ["precision_legacy", "precision_stamp"]) yield* raw(`DROP TABLE IF EXISTS ${t}`)
        for (const s of ddl[dialect]) yield* raw(s)
        const layer = Database.layer({ url, autoMigrate })
        const total = yield* Effect.either(Effect.provide(Legacy.create({ id: 1, total: cents }), layer))
        // first used inside a transaction: checked all the same
        const stamp = yield* Effect.either(
          Effect.provide(Database.transaction(LegacyStamp.create({ id: 1, at: millis })), layer)
        )
        // given to the layer: its start refuses
        const started = yield* Effect.either(
          Effect.provide(Effect.void, Database.layer({ url, autoMigrate, models: [Legacy] }))
        )
        if (exact) {
          expect([total._tag, stamp._tag, started._tag]).toEqual(["Right", "Right", "Right"])
          expect(yield* raw("SELECT total FROM precision_legacy")).toEqual([{ total: "0.995" }])
          expect(yield* raw("SELECT at FROM precision_stamp")).toEqual([{ at: "2020-01-01T00:00:00.123Z" }])
        } else {
          const refusal = (e: typeof total | typeof stamp | typeof started) => (e._tag === "Left" ? e.left : e)
          expect(refusal(total)).toMatchObject({ _tag: "SchemaMismatch", field: "total" })
          expect(refusal(stamp)).toMatchObject({ _tag: "SchemaMismatch", field: "at" })
          expect(refusal(started)).toMatchObject({ _tag: "SchemaMismatch", field: "total" })
          expect(yield* raw("SELECT COUNT(*) AS n FROM precision_legacy")).toEqual([{ n: "0" }])
          expect(yield* raw("SELECT COUNT(*) AS n FROM precision_stamp")).toEqual([{ n: "0" }])
        }
      })
    )
  }
})
