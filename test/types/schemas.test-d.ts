/**
 * Type-level proofs that a model's Schemas agree with its operation types: `Schema.Type` of
 * `.create` is `CreateInput`, of `.update` is `UpdateFields`, of `.record` and `.json` is `Row`;
 * the encoded (JSON) side writes dates, decimals, bigints and bytes as strings.
 * Run by `vitest run test/types` (typecheck mode) and by `tsc --noEmit -p .`.
 */
import type { BigDecimal, Effect } from "effect"
import { Schema } from "effect"
import { describe, expectTypeOf, test } from "vitest"
import { DataFlow } from "../../src/index.js"

const fields = {
  id: Schema.Int,
  name: Schema.String,
  born: Schema.optional(Schema.DateFromSelf),
  total: DataFlow.decimal(10, 2),
  units: Schema.BigIntFromSelf,
  paidAt: Schema.NullOr(Schema.DateFromSelf)
}
const Invoice = DataFlow.model("Invoice", fields)
const tagFields = { id: Schema.String, label: Schema.String }
const Tag = DataFlow.model("Tag", tagFields, { timestamps: false })
type I = typeof fields

describe("Schemas agree with the operation types", () => {
  test("create, update, record, json", () => {
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.create>>().toEqualTypeOf<DataFlow.CreateInput<I>>()
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.update>>().toEqualTypeOf<DataFlow.UpdateFields<I>>()
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.record>>().toEqualTypeOf<DataFlow.Row<I>>()
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.json>>().toEqualTypeOf<typeof Invoice.Type>()
    expectTypeOf<Schema.Schema.Type<typeof Tag.schemas.json>>().toEqualTypeOf<
      DataFlow.Row<typeof tagFields, { timestamps: false }>
    >()
    // the create input is what create accepts
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.create>>().toEqualTypeOf<
      Parameters<typeof Invoice.create>[0]
    >()
  })

  test("the JSON side", () => {
    type J = Schema.Schema.Encoded<typeof Invoice.schemas.json>
    expectTypeOf<J["total"]>().toEqualTypeOf<string>()
    expectTypeOf<J["units"]>().toEqualTypeOf<string>()
    expectTypeOf<J["created_at"]>().toEqualTypeOf<string>()
    expectTypeOf<J["paidAt"]>().toEqualTypeOf<string | null>()
    expectTypeOf<J["name"]>().toEqualTypeOf<string>()
    expectTypeOf<Schema.Schema.Type<typeof Invoice.schemas.json>["total"]>().toEqualTypeOf<BigDecimal.BigDecimal>()
    type C = Schema.Schema.Encoded<typeof Invoice.schemas.create>
    expectTypeOf<C["total"]>().toEqualTypeOf<string>()
  })

  test("decoding gives the operation's input type", () => {
    const decoded = Schema.decodeUnknown(Invoice.schemas.update)({})
    expectTypeOf<Effect.Effect.Success<typeof decoded>>().toEqualTypeOf<DataFlow.UpdateFields<I>>()
    // @ts-expect-error the key is not an update field
    const _bad: Schema.Schema.Type<typeof Invoice.schemas.update> = { id: 1 }
  })
})
