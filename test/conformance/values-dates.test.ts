/**
 * DATE columns the library did not create (tables made here by raw SQL), in a process whose time
 * zone is not UTC: a DATE reads as midnight UTC of its day on every database, whatever the zone.
 * A DATE keeps only the day: a field over one is `DataFlow.dateOnly()` (a time of day refused,
 * ValidationError); any other date field over one fails SchemaMismatch on the model's first use,
 * with autoMigrate on or off, instead of storing 13:00 as 00:00. SQLite has no DATE type: a column
 * declared DATE keeps the text it is given, time of day included, so any date field writes exactly.
 */

import "../support/NewYorkTime.js"
import { expect } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import * as Migrations from "../../src/migrations/Migrations.js"
import { type DialectName, forEachDialect, urlFor } from "../support/Dialects.js"
import { rawText as raw } from "../support/SqlDatabase.js"

const Day = DataFlow.model(
  "DatesDay",
  { id: Schema.Int, day: DataFlow.dateOnly() },
  { table: "dates_day", timestamps: false, autoIncrement: false }
)

/** The same table through date fields that admit a time of day. */
const Loose = DataFlow.model(
  "DatesLoose",
  { id: Schema.Int, day: Schema.Date },
  { table: "dates_day", timestamps: false, autoIncrement: false }
)
const LooseSelf = DataFlow.model(
  "DatesLooseSelf",
  { id: Schema.Int, when: Schema.DateFromSelf.pipe(Schema.propertySignature, Schema.fromKey("day")) },
  { table: "dates_day", timestamps: false, autoIncrement: false }
)

/** The same statement on every database (SQLite: a column declared DATE, which keeps text). */
const ddl = "CREATE TABLE dates_day (id INT NOT NULL PRIMARY KEY, day DATE NOT NULL)"

/** A table the library creates (a date column of its own type), written with a time of day, read as dateOnly. */
const OursAny = DataFlow.model(
  "DatesOursAny",
  { id: Schema.Int, day: Schema.Date },
  { table: "dates_ours", timestamps: false, autoIncrement: false }
)
const OursDay = DataFlow.model(
  "DatesOursDay",
  { id: Schema.Int, day: DataFlow.dateOnly() },
  { table: "dates_ours", timestamps: false, autoIncrement: false }
)

/** The stored day (and, on SQLite, the text as it is). */
const storedSql: Record<DialectName, string> = {
  postgres: "SELECT day::text AS day FROM dates_day WHERE id = 4",
  mysql: "SELECT CAST(day AS CHAR) AS day FROM dates_day WHERE id = 4",
  sqlite: "SELECT day FROM dates_day WHERE id = 4"
}

const setup = (dialect: DialectName) =>
  Effect.gen(function* () {
    yield* raw("DROP TABLE IF EXISTS dates_day")
    yield* raw(ddl)
    // winter and summer time in New York (-5 h, -4 h), and the first day of a year
    yield* raw("INSERT INTO dates_day VALUES (1, '2009-01-15'), (2, '2009-07-01'), (3, '2010-01-01')")
  })

forEachDialect("values_dates", (it, dialect) => {
  it.effect("the process runs in New York time (the rest of the file proves nothing otherwise)", () =>
    Effect.sync(() => expect(new Date(2009, 0, 1).getTimezoneOffset()).toBe(300))
  )

  it.effect("a DATE reads as midnight UTC of its day, whatever the process's time zone", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const page = yield* Day.list({ orderBy: ["id"] })
      expect(page.records.map((r) => r.day.toISOString())).toEqual([
        "2009-01-15T00:00:00.000Z",
        "2009-07-01T00:00:00.000Z",
        "2010-01-01T00:00:00.000Z"
      ])
      expect((yield* Day.read({ id: 2 })).day).toEqual(new Date("2009-07-01T00:00:00.000Z"))
      // a filter on the day finds it
      const found = yield* Day.list({ filter: { day: new Date("2010-01-01T00:00:00.000Z") } })
      expect(found.records.map((r) => r.id)).toEqual([3])
    })
  )

  it.effect("dateOnly: a time of day is refused before any SQL; midnight UTC is stored as its day", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const e = yield* Effect.flip(Day.create({ id: 4, day: new Date("2009-03-01T13:00:00.000Z") }))
      expect(e).toMatchObject({ _tag: "ValidationError", path: "day" })
      expect(e.message).toContain("the column keeps only the day")
      expect(yield* raw(storedSql[dialect])).toEqual([])
      yield* Day.create({ id: 4, day: new Date("2009-03-01T00:00:00.000Z") })
      const day = dialect === "sqlite" ? "2009-03-01T00:00:00.000Z" : "2009-03-01"
      expect(yield* raw(storedSql[dialect])).toEqual([{ day }])
      expect((yield* Day.read({ id: 4 })).day).toEqual(new Date("2009-03-01T00:00:00.000Z"))
      yield* Day.update({ filter: { id: 4 }, fields: { day: new Date("2009-03-02T00:00:00.000Z") } })
      expect((yield* Day.read({ id: 4 })).day.toISOString()).toBe("2009-03-02T00:00:00.000Z")
      // local midnight in New York is 05:00 UTC
      const local = Day.update({ filter: { id: 4 }, fields: { day: new Date(2009, 2, 3) } })
      expect(yield* Effect.flip(local)).toMatchObject({ _tag: "ValidationError", path: "day" })
      expect(yield* raw(storedSql[dialect])).toEqual([
        { day: dialect === "sqlite" ? "2009-03-02T00:00:00.000Z" : "2009-03-02" }
      ])
    })
  )

  for (const autoMigrate of [true, false]) {
    it.effect(
      `autoMigrate ${autoMigrate}: a date field that is not dateOnly over a DATE: refused, not cut to its day`,
      () =>
        Effect.gen(function* () {
          yield* setup(dialect)
          const layer = Database.layer({ url: urlFor(dialect, "df_values_dates"), autoMigrate })
          const thirteen = new Date("2009-03-01T13:00:00.000Z")
          const created = yield* Effect.either(Effect.provide(Loose.create({ id: 4, day: thirteen }), layer))
          // first used inside a transaction, or read only: checked all the same
          const inTx = yield* Effect.either(
            Effect.provide(Database.transaction(LooseSelf.create({ id: 4, when: thirteen })), layer)
          )
          const read = yield* Effect.either(Effect.provide(Loose.read({ id: 1 }), layer))
          // given to the layer: its start refuses
          const started = yield* Effect.either(
            Effect.provide(
              Effect.void,
              Database.layer({ url: urlFor(dialect, "df_values_dates"), autoMigrate, models: [Loose] })
            )
          )
          if (dialect === "sqlite") {
            expect([created._tag, inTx._tag, read._tag, started._tag]).toEqual(["Right", "Left", "Right", "Right"])
            // the second create hit the key of the first: the time of day was kept
            expect(inTx._tag === "Left" ? inTx.left._tag : "").toBe("UniqueViolation")
            expect(yield* raw(storedSql[dialect])).toEqual([{ day: "2009-03-01T13:00:00.000Z" }])
          } else {
            const refusal = (r: Either.Either<unknown, unknown>) => (Either.isLeft(r) ? r.left : r)
            for (const [r, model, field] of [
              [created, "DatesLoose", "day"],
              [inTx, "DatesLooseSelf", "when"],
              [read, "DatesLoose", "day"],
              [started, "DatesLoose", "day"]
            ] as const) {
              expect(refusal(r)).toMatchObject({
                _tag: "SchemaMismatch",
                model,
                table: "dates_day",
                field,
                column: "day"
              })
              expect((refusal(r) as Error).message).toContain("the column keeps only the day")
              expect((refusal(r) as Error).message).toContain("declare it DataFlow.dateOnly()")
            }
            expect(yield* raw(storedSql[dialect])).toEqual([])
            expect(yield* raw("SELECT COUNT(*) AS n FROM dates_day")).toEqual([{ n: "3" }])
          }
        })
    )
  }

  it.effect("discovery renders the DATE column as DataFlow.dateOnly() (SQLite: a plain Date)", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const found = (yield* Database.discover()).find((m) => m.table === "dates_day")!
      const day = dialect === "sqlite" ? "Schema.DateFromSelf" : "DataFlow.dateOnly()"
      expect(Migrations.renderModels([found])).toContain(`  day: ${day}\n`)
    })
  )

  it.effect("a stored time of day read through dateOnly fails InvalidRow, never returned cut to its day", () =>
    Effect.gen(function* () {
      yield* raw("DROP TABLE IF EXISTS dates_ours")
      yield* OursAny.create({ id: 1, day: new Date("2009-01-15T13:00:00.000Z") })
      yield* OursAny.create({ id: 2, day: new Date("2009-01-16T00:00:00.000Z") })
      expect((yield* OursDay.read({ id: 2 })).day.toISOString()).toBe("2009-01-16T00:00:00.000Z")
      const e = yield* Effect.flip(OursDay.read({ id: 1 }))
      expect(e).toMatchObject({ _tag: "InvalidRow", model: "DatesOursDay", field: "day", key: 1 })
      expect(e.message).toContain("holds a time of day")
    })
  )
})
