/** Models of the concurrent-migration test: a table that gains columns and a key, and a new table. */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

export const Account = DataFlow.model(
  "Account",
  {
    id: Schema.String,
    name: Schema.String
  },
  { table: "accounts" }
)

export const AccountV2 = DataFlow.model(
  "Account",
  {
    id: Schema.String,
    name: Schema.String,
    tier: Schema.Int,
    email: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
  },
  { table: "accounts", indexes: [["tier"]], unique: [["email"]] }
)

export const Audit = DataFlow.model(
  "Audit",
  {
    id: Schema.String,
    account: Schema.String,
    note: Schema.String
  },
  { table: "audits", indexes: [["account"]] }
)
