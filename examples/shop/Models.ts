// The models the checkout examples share (checkout-effect.ts, checkout-workflow.ts, checkout-typed.ts).
import { Schema } from "effect"
import { DataFlow } from "effect-dataflow"

export const Product = DataFlow.model(
  "Product",
  {
    id: Schema.String,
    name: Schema.String,
    stock: Schema.Int.pipe(Schema.nonNegative())
  },
  { table: "checkout_products" }
)

export const Order = DataFlow.model(
  "Order",
  {
    id: Schema.UUID,
    productId: Schema.String,
    quantity: Schema.Int.pipe(Schema.positive()),
    status: Schema.Literal("pending", "paid")
  },
  { table: "checkout_orders", indexes: [["productId"]] }
)
