import { Schema } from "effect"
import { DataFlow } from "../../../src/index.js"

export const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String
  },
  { unique: [["email"]] }
)
