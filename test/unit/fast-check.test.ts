/**
 * The compiled input check answers exactly what Schema's own `is` answers (exact optional
 * properties, excess properties refused) for every kind of field a model holds.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, ParseResult, Schema } from "effect"
import { compileIs } from "../../src/model/FastCheck.js"

const Struct = Schema.Struct({
  id: Schema.String,
  name: Schema.String.pipe(Schema.maxLength(5)),
  age: Schema.Int,
  score: Schema.Number,
  flag: Schema.Boolean,
  big: Schema.BigIntFromSelf,
  at: Schema.DateFromSelf,
  blob: Schema.Uint8ArrayFromSelf,
  amount: Schema.BigDecimalFromSelf,
  status: Schema.Literal("open", "closed"),
  nick: Schema.NullOr(Schema.String),
  note: Schema.optional(Schema.String),
  exactNote: Schema.optionalWith(Schema.String, { exact: true }),
  maybe: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.between(1, 9)))),
  doc: Schema.Struct({ a: Schema.Number, tags: Schema.Array(Schema.String) }),
  scores: Schema.Record({ key: Schema.String, value: Schema.Number }),
  pair: Schema.Tuple(Schema.String, Schema.Int),
  email: Schema.String.pipe(Schema.pattern(/^[^@]+@[^@]+$/)),
  unknown: Schema.Unknown,
  branded: Schema.String.pipe(Schema.brand("Sku"))
})

const valid = {
  id: "a",
  name: "abc",
  age: 3,
  score: 0.5,
  flag: true,
  big: 10n,
  at: new Date(0),
  blob: new Uint8Array([1]),
  amount: BigDecimal.fromNumber(1.5),
  status: "open",
  nick: null,
  doc: { a: 1, tags: ["x"] },
  scores: { x: 1 },
  pair: ["p", 2],
  email: "a@b",
  unknown: { any: [1] },
  branded: "sku-1"
}

const variants: ReadonlyArray<[string, unknown]> = [
  ["valid", valid],
  ["all optionals set", { ...valid, note: "n", exactNote: "e", maybe: 5 }],
  ["optional set to undefined (allowed by optional)", { ...valid, note: undefined }],
  ["exact optional set to undefined", { ...valid, exactNote: undefined }],
  ["maybe null", { ...valid, maybe: null }],
  ["maybe out of range", { ...valid, maybe: 10 }],
  ["maybe not an int", { ...valid, maybe: 1.5 }],
  ["name too long", { ...valid, name: "abcdef" }],
  ["age not an int", { ...valid, age: 1.5 }],
  ["age NaN", { ...valid, age: NaN }],
  ["score NaN", { ...valid, score: NaN }],
  ["score a string", { ...valid, score: "1" }],
  ["flag a number", { ...valid, flag: 1 }],
  ["big a number", { ...valid, big: 10 }],
  ["at a string", { ...valid, at: "2020-01-01" }],
  ["at invalid date", { ...valid, at: new Date(NaN) }],
  ["blob an array", { ...valid, blob: [1] }],
  ["amount a number", { ...valid, amount: 1.5 }],
  ["status unknown", { ...valid, status: "gone" }],
  ["nick undefined", { ...valid, nick: undefined }],
  [
    "nick missing",
    (() => {
      const { nick: _, ...rest } = valid
      return rest
    })()
  ],
  [
    "id missing",
    (() => {
      const { id: _, ...rest } = valid
      return rest
    })()
  ],
  [
    "unknown missing",
    (() => {
      const { unknown: _, ...rest } = valid
      return rest
    })()
  ],
  ["excess key", { ...valid, extra: 1 }],
  ["excess symbol", { ...valid, [Symbol("s")]: 1 }],
  ["doc with excess key", { ...valid, doc: { a: 1, tags: [], b: 2 } }],
  ["doc tags wrong", { ...valid, doc: { a: 1, tags: [1] } }],
  ["scores wrong", { ...valid, scores: { x: "1" } }],
  ["pair too long", { ...valid, pair: ["p", 2, 3] }],
  ["email bad", { ...valid, email: "nope" }],
  ["null", null],
  ["array", [valid]],
  ["string", "x"],
  ["inherited fields only", Object.create(valid)]
]

describe("compileIs", () => {
  const is = ParseResult.is(Struct, { onExcessProperty: "error", exact: true })
  const fast = compileIs(Struct)
  for (const [name, input] of variants) {
    it(`agrees with Schema.is: ${name}`, () => {
      expect(fast(input)).toBe(is(input))
    })
  }
  it("accepts valid input and refuses invalid input (the variants are not all one answer)", () => {
    expect(fast(valid)).toBe(true)
    expect(fast({ ...valid, age: 1.5 })).toBe(false)
  })
  it("a partial (update) schema and a non-struct schema agree too", () => {
    const partial = Schema.partialWith(Struct, { exact: true })
    const isP = ParseResult.is(partial, { onExcessProperty: "error", exact: true })
    const fastP = compileIs(partial)
    for (const input of [{}, { age: 2 }, { age: undefined }, { age: 1.5 }, { extra: 1 }, { nick: null }]) {
      expect(fastP(input)).toBe(isP(input))
    }
    const union = Schema.Union(Schema.String, Schema.Number)
    expect(compileIs(union)(1)).toBe(true)
    expect(compileIs(union)(true)).toBe(false)
  })
})
