/**
 * Stored documents → records (src/mongo/Values.ts `decodeDocument`): every kind read back, null and
 * missing as SQL's NULL, and InvalidRow (model, field, key; never the value) for what does not fit.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { InvalidRow, ValidationError } from "../../src/Errors.js"
import { decodeDocument, encodeId, encodeValue, insertDocument } from "../../src/mongo/Values.js"
import { Counter, field, Item, Member, mongo } from "./translate-fixtures.js"

const now = new Date("2026-12-04T20:00:00.000Z")
const stored = { _id: "i1", name: "Ann", active: true, status: "draft", created_at: now, updated_at: now }

const failure = (f: () => unknown): InvalidRow => {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidRow) return e
    throw e
  }
  throw new Error("expected InvalidRow")
}

describe("decode", () => {
  it("round-trips every kind through the insert document", () => {
    const row = {
      id: "i1",
      name: "Ann",
      nick: "a",
      age: 3,
      score: 1.5,
      big: -(2n ** 63n),
      price: BigDecimal.unsafeFromString("12.5"),
      born: new Date("1999-01-01T00:00:00.000Z"),
      active: false,
      status: "live",
      token: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      data: { city: "Oslo", zip: 1, list: [1, 2] },
      tags: ["x", "y"],
      blob: new Uint8Array([1, 2, 3]),
      embedding: [0.5, 1, 2]
    }
    const back = decodeDocument(Item, insertDocument(mongo, Item, row, now))
    expect(back).toEqual({ ...row, created_at: now, updated_at: now, deleted_at: null })
    expect(back["blob"]).toBeInstanceOf(Uint8Array)
    expect(BigDecimal.equals(back["price"] as BigDecimal.BigDecimal, BigDecimal.unsafeFromString("12.50"))).toBe(true)
  })
  it("null or missing: absent in an optional field, null in a nullable one", () => {
    expect(decodeDocument(Item, { ...stored, age: null })).toEqual({
      id: "i1",
      name: "Ann",
      score: null,
      active: true,
      status: "draft",
      created_at: now,
      updated_at: now,
      deleted_at: null
    })
  })
  it("bigint from a promoted number, a Long or a bigint", () => {
    const doc = (big: unknown) => decodeDocument(Item, { ...stored, big }, [field(Item, "big")])
    expect(doc(5)).toEqual({ big: 5n })
    expect(doc(mongo.Long.fromBigInt(2n ** 60n))).toEqual({ big: 2n ** 60n })
    expect(doc(7n)).toEqual({ big: 7n })
  })
  it("only the requested fields; the key comes from _id, a composite key from its columns", () => {
    expect(decodeDocument(Item, stored, [field(Item, "name")])).toEqual({ name: "Ann" })
    expect(
      decodeDocument(Member, { _id: { org: "o", user_id: 2 }, role: "r", created_at: now, updated_at: now })
    ).toEqual({ org: "o", user: 2, role: "r", created_at: now, updated_at: now })
    expect(encodeId(mongo, Member, { org: "o", user: 2 })).toEqual({ org: "o", user_id: 2 })
    expect(encodeId(mongo, Counter, 4)).toBe(4)
  })
  it("a decimal is exact in Decimal128 up to 34 digits; more is a ValidationError, never a rounded value", () => {
    const v = BigDecimal.unsafeFromString("-0.00012")
    expect(String(encodeValue(mongo, field(Item, "price"), v))).toBe("-0.00012")
    const d34 = BigDecimal.unsafeFromString(`0.${"1".repeat(34)}`)
    expect(String(encodeValue(mongo, field(Item, "price"), d34))).toBe(`0.${"1".repeat(34)}`)
    const d35 = BigDecimal.unsafeFromString(`-${"1".repeat(35)}`)
    expect(() => encodeValue(mongo, field(Item, "price"), d35)).toThrow(ValidationError)
  })
})

describe("InvalidRow", () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string, string]> = [
    ["a missing required field", { name: undefined }, "name", "is null or missing in the database"],
    ["a number where a string belongs", { name: 5 }, "name", "holds a number, not a string"],
    ["text over maxLength", { name: "x".repeat(51) }, "name", "holds text longer than the model's maxLength (50)"],
    [
      "a value outside the literal union",
      { status: "gone" },
      "status",
      "holds a value outside the model's literal union"
    ],
    ["a string where a date belongs", { born: "2020-01-01" }, "born", "holds a string, not a valid date"],
    ["a fraction in an Int", { age: 1.5 }, "age", "holds a number that is not a 32-bit integer"],
    ["a double where a decimal belongs", { price: 1.5 }, "price", "holds a number, not a Decimal128"],
    [
      "too many decimal digits",
      { price: mongo.Decimal128.fromString("1.234") },
      "price",
      "holds more digits than the model's decimal(10, 2)"
    ],
    ["a non-UUID", { token: "nope" }, "token", "holds text that is not a UUID"],
    ["a BSON type inside JSON", { data: { at: now } }, "data", "holds a value JSON cannot hold"],
    ["a short vector", { embedding: [1, 2] }, "embedding", "holds a vector of 2 numbers, not 3"],
    ["a string where a boolean belongs", { active: "yes" }, "active", "holds a string, not a boolean"],
    ["a Long where bytes belong", { blob: mongo.Long.fromNumber(1) }, "blob", "holds Long, not binary data"]
  ]
  for (const [title, change, fieldName, reason] of cases) {
    it(title, () => {
      const e = failure(() => decodeDocument(Item, { ...stored, ...change }))
      expect({ model: e.model, field: e.field, key: e.key }).toEqual({ model: "Item", field: fieldName, key: "i1" })
      expect(e.reason.startsWith(reason)).toBe(true)
      expect(e.message).not.toContain("yes")
    })
  }
  it("names a composite key; a wrong key type names no key", () => {
    const e = failure(() =>
      decodeDocument(Member, { _id: { org: "o", user_id: 2 }, role: 1, created_at: now, updated_at: now })
    )
    expect({ field: e.field, key: e.key }).toEqual({ field: "role", key: { org: "o", user: 2 } })
    const k = failure(() => decodeDocument(Counter, { _id: "x", hits: 1 }))
    expect({ field: k.field, key: k.key }).toEqual({ field: "id", key: undefined })
  })
})
