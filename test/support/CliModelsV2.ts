/** The CLI tests' models, changed destructively: `color` is gone. */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

export const Widget = DataFlow.model(
  "Widget",
  {
    id: Schema.String,
    name: Schema.String
  },
  { indexes: [["name"]] }
)
