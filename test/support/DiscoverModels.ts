/** Models whose tables the discovery test reads back through generated source. */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

export const Product = DataFlow.model(
  "Product",
  {
    id: Schema.String,
    sku: Schema.String.pipe(Schema.maxLength(40)),
    title: Schema.String,
    price: Schema.Number,
    stock: Schema.Int,
    active: Schema.Boolean,
    note: Schema.optional(Schema.String),
    big: Schema.optional(Schema.BigIntFromSelf),
    released: Schema.optional(Schema.DateFromSelf),
    meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
    status: Schema.Literal("draft", "live")
  },
  { unique: [["sku"]], indexes: [["stock"]], softDelete: true }
)

export const Tag = DataFlow.model("Tag", { id: Schema.Int, label: Schema.String })
