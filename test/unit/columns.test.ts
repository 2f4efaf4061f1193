/**
 * DataFlow.decimal / DataFlow.dateTime / DataFlow.dateOnly: what they accept, what they refuse, and the Field facts
 * classify reads from them. No database.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, Either, Schema } from "effect"
import { DataFlow, Errors } from "../../src/index.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)

describe("DataFlow.decimal / DataFlow.dateTime", () => {
  const M = DataFlow.model("Money", {
    id: Schema.String,
    total: DataFlow.decimal(5, 2),
    at: DataFlow.dateTime({ precision: 1 }),
    maybe: Schema.optional(Schema.NullOr(DataFlow.decimal(3, 0))),
    day: Schema.optional(Schema.NullOr(DataFlow.dateOnly()))
  })
  const ok = { id: "m", total: d("1"), at: new Date("2020-01-01T00:00:00.100Z") }
  const messageOf = (input: unknown) =>
    Either.match(M.info.validateCreate(input), { onLeft: (e) => e.message, onRight: () => "ok" })
  const pathOf = (input: unknown) =>
    Either.match(M.info.validateCreate(input), { onLeft: (e) => e.path, onRight: () => "ok" })

  it("Field facts carry precision, scale and fractional digits", () => {
    const f = (n: string) => M.info.columnMap.get(n)!
    expect([f("total").kind, f("total").precision, f("total").scale]).toEqual(["decimal", 5, 2])
    expect([f("at").kind, f("at").fractionalDigits]).toEqual(["date", 1])
    expect([f("maybe").precision, f("maybe").scale, f("maybe").nullable]).toEqual([3, 0, true])
    expect([f("day").kind, f("day").dayOnly, f("day").nullable, f("at").dayOnly]).toEqual([
      "date",
      true,
      true,
      undefined
    ])
  })

  it("values that fit pass; more digits than the column keeps are refused, naming the field", () => {
    expect(pathOf(ok)).toBe("ok")
    expect(pathOf({ ...ok, total: d("999.99") })).toBe("ok")
    expect(pathOf({ ...ok, total: d("-999.99") })).toBe("ok")
    expect(pathOf({ ...ok, total: d("1.500") })).toBe("ok") // trailing zeros do not count
    expect(pathOf({ ...ok, total: d("1000") })).toBe("total")
    expect(pathOf({ ...ok, total: d("0.001") })).toBe("total")
    expect(pathOf({ ...ok, maybe: d("1.5") })).toBe("maybe")
    expect(pathOf({ ...ok, maybe: null })).toBe("ok")
    expect(pathOf({ ...ok, at: new Date("2020-01-01T00:00:00.120Z") })).toBe("at")
  })

  it("dateOnly: midnight UTC passes; a time of day is refused, naming the field, never cut to its day", () => {
    expect(pathOf({ ...ok, day: new Date("2009-01-15T00:00:00.000Z") })).toBe("ok")
    expect(pathOf({ ...ok, day: new Date("1969-12-31T00:00:00.000Z") })).toBe("ok")
    expect(pathOf({ ...ok, day: null })).toBe("ok")
    for (const iso of [
      "2009-01-15T13:00:00.000Z",
      "2009-01-15T05:00:00.000Z",
      "2009-01-15T00:00:00.001Z",
      "1969-12-31T13:00:00Z"
    ]) {
      expect(pathOf({ ...ok, day: new Date(iso) })).toBe("day")
    }
    expect(messageOf({ ...ok, day: new Date("2009-01-15T13:00:00.000Z") })).toContain("the column keeps only the day")
  })

  it("impossible declarations are refused when the model is defined", () => {
    for (const make of [
      () => DataFlow.decimal(0, 0),
      () => DataFlow.decimal(66, 2),
      () => DataFlow.decimal(10, 11),
      () => DataFlow.decimal(40, 31),
      () => DataFlow.dateTime({ precision: 7 }),
      () => DataFlow.dateTime({ precision: 1.5 })
    ]) {
      expect(make).toThrow(Errors.ValidationError)
    }
  })
})
