/** The models module the CLI tests pass as --models. */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

export const Widget = DataFlow.model(
  "Widget",
  {
    id: Schema.String,
    name: Schema.String,
    color: Schema.optional(Schema.String)
  },
  { indexes: [["name"]] }
)
