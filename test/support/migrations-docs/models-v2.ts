import { Schema } from "effect"
import { DataFlow } from "../../../src/index.js"

export const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.optional(Schema.Int),
    plan: Schema.Literal("free", "pro")
  },
  { unique: [["email"]], indexes: [["age"]] }
)
