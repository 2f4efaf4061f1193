import { Schema } from "effect"
import { DataFlow } from "../../../src/index.js"

export const Member = DataFlow.model(
  "Member",
  {
    id: Schema.String,
    email: Schema.String.pipe(Schema.maxLength(200)),
    nickname: Schema.optional(Schema.String)
  },
  { unique: [["email"]] }
)
