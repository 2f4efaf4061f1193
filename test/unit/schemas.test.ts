/**
 * A model's Schemas (src/model/Schemas.ts): an HTTP layer decodes a create or update body from
 * JSON, encodes a record to JSON, and an invalid body fails with a ParseError naming the field.
 */
import { BigDecimal, Either, ParseResult, Schema } from "effect"
import { describe, expect, test } from "vitest"
import { DataFlow } from "../../src/index.js"

const Invoice = DataFlow.model(
  "Invoice",
  {
    id: Schema.Int,
    customer: Schema.String,
    total: DataFlow.decimal(10, 2),
    issuedAt: Schema.DateFromSelf,
    paidAt: Schema.NullOr(Schema.DateFromSelf),
    units: Schema.BigIntFromSelf,
    note: Schema.optional(Schema.String),
    status: Schema.Literal("open", "paid"),
    lines: Schema.Array(Schema.Struct({ sku: Schema.String, qty: Schema.Int })),
    scan: Schema.optional(Schema.Uint8ArrayFromSelf)
  },
  { softDelete: true }
)
const Tag = DataFlow.model("Tag", { id: Schema.String, label: Schema.String }, { timestamps: false })
const Doc = DataFlow.model("Doc", { id: Schema.UUID, title: Schema.String })

const body = {
  customer: "c1",
  total: "12.50",
  issuedAt: "2026-01-02T03:04:05.000Z",
  paidAt: null,
  units: "12345678901234567890",
  status: "open",
  lines: [{ sku: "a", qty: 2 }],
  scan: "AQID"
}

const errorAt = (result: Either.Either<unknown, ParseResult.ParseError>): string => {
  if (Either.isRight(result)) throw new Error("expected a ParseError")
  expect(result.left).toBeInstanceOf(ParseResult.ParseError)
  return result.left.message
}

describe("create", () => {
  test("decodes a JSON body into the create input", () => {
    const { total, ...input } = Schema.decodeUnknownSync(Invoice.schemas.create)(body)
    expect(BigDecimal.equals(total, BigDecimal.unsafeFromString("12.5"))).toBe(true)
    expect(input).toEqual({
      customer: "c1",
      issuedAt: new Date("2026-01-02T03:04:05.000Z"),
      paidAt: null,
      units: 12345678901234567890n,
      status: "open",
      lines: [{ sku: "a", qty: 2 }],
      scan: new Uint8Array([1, 2, 3])
    })
  })

  test("an Int id is generated: not part of the input; a String id is required, a UUID optional", () => {
    expect(Schema.decodeUnknownSync(Invoice.schemas.create)({ ...body, id: 7 })).not.toHaveProperty("id")
    expect(errorAt(Schema.decodeUnknownEither(Tag.schemas.create)({ label: "x" }))).toContain('["id"]')
    expect(Schema.decodeUnknownSync(Doc.schemas.create)({ title: "t" })).toEqual({ title: "t" })
    expect(errorAt(Schema.decodeUnknownEither(Doc.schemas.create)({ id: "not-a-uuid", title: "t" }))).toContain(
      '["id"]'
    )
  })

  test("managed timestamps are never input", () => {
    const input = Schema.decodeUnknownSync(Invoice.schemas.create)({ ...body, created_at: "2020-01-01T00:00:00Z" })
    expect(input).not.toHaveProperty("created_at")
  })

  test("an invalid body fails with a ParseError naming the field", () => {
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.create)({ ...body, total: "1.234" }))).toContain(
      '["total"]'
    )
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.create)({ ...body, issuedAt: "yesterday" }))).toContain(
      '["issuedAt"]'
    )
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.create)({ ...body, status: "void" }))).toContain(
      '["status"]'
    )
    const { customer: _, ...noCustomer } = body
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.create)(noCustomer))).toContain('["customer"]')
  })
})

describe("update", () => {
  test("every field optional; the key and the timestamps are not fields", () => {
    expect(Schema.decodeUnknownSync(Invoice.schemas.update)({})).toEqual({})
    const fields = Schema.decodeUnknownSync(Invoice.schemas.update)({ total: "3", id: 9, updated_at: "2020-01-01" })
    expect(Object.keys(fields)).toEqual(["total"])
    expect(BigDecimal.equals(fields.total!, BigDecimal.unsafeFromString("3"))).toBe(true)
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.update)({ units: 3 }))).toContain('["units"]')
  })
})

describe("json and record", () => {
  const record = {
    id: 1,
    customer: "c1",
    total: BigDecimal.unsafeFromString("12.5"),
    issuedAt: new Date("2026-01-02T03:04:05.000Z"),
    paidAt: null,
    units: 5n,
    status: "paid" as const,
    lines: [],
    created_at: new Date(0),
    updated_at: new Date(1000),
    deleted_at: null
  }

  test("encodes a record to JSON and decodes it back", () => {
    const json = Schema.encodeSync(Invoice.schemas.json)(record)
    expect(json).toEqual({
      id: 1,
      customer: "c1",
      total: "12.5",
      issuedAt: "2026-01-02T03:04:05.000Z",
      paidAt: null,
      units: "5",
      status: "paid",
      lines: [],
      created_at: "1970-01-01T00:00:00.000Z",
      updated_at: "1970-01-01T00:00:01.000Z",
      deleted_at: null
    })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    expect(Schema.decodeUnknownSync(Invoice.schemas.json)(json)).toEqual(record)
  })

  test("record validates a record as read", () => {
    expect(Schema.is(Invoice.schemas.record)(record)).toBe(true)
    expect(Schema.is(Invoice.schemas.record)({ ...record, total: "12.5" })).toBe(false)
    expect(errorAt(Schema.decodeUnknownEither(Invoice.schemas.record)({ ...record, created_at: "x" }))).toContain(
      '["created_at"]'
    )
  })

  test("a timestamps: false model's record has no timestamps", () => {
    expect(Schema.encodeSync(Tag.schemas.json)({ id: "t", label: "x" })).toEqual({ id: "t", label: "x" })
  })
})
