/**
 * DATE columns the library did not create (tables made here by raw SQL), in a process whose time
 * zone is not UTC: a DATE reads as midnight UTC of its day on every database, whatever the zone.
 */
const processTz = process.env["TZ"]
process.env["TZ"] = "America/New_York"

import { afterAll, expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { type DialectName, forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

afterAll(() => {
  if (processTz === undefined) delete process.env["TZ"]
  else process.env["TZ"] = processTz
})

const Day = DataFlow.model(
  "DatesDay",
  { id: Schema.Int, day: Schema.Date },
  { table: "dates_day", timestamps: false, autoIncrement: false }
)

const ddl: Record<DialectName, string> = {
  postgres: "CREATE TABLE dates_day (id INT NOT NULL PRIMARY KEY, day DATE NOT NULL)",
  mysql: "CREATE TABLE dates_day (id INT NOT NULL PRIMARY KEY, day DATE NOT NULL)",
  sqlite: "CREATE TABLE dates_day (id INT NOT NULL PRIMARY KEY, day DATE NOT NULL)"
}

const raw = (sql: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql)).pipe(Effect.orDie)

const setup = (dialect: DialectName) =>
  Effect.gen(function* () {
    yield* raw("DROP TABLE IF EXISTS dates_day")
    yield* raw(ddl[dialect])
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
})
