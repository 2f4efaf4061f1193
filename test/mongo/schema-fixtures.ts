/** Models of the MongoDB schema tests, and their expected validator (written out, not derived). */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

/** A unique key, an index, an optional nullable field, managed timestamps. */
export const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    email: Schema.String.pipe(Schema.maxLength(100)),
    name: Schema.optional(Schema.NullOr(Schema.String)),
    age: Schema.Int
  },
  { unique: [["email"]], indexes: [["name"]] }
)

/** User with one more optional field (`nick`). */
export const UserWithNick = DataFlow.model(
  "User",
  {
    id: Schema.String,
    email: Schema.String.pipe(Schema.maxLength(100)),
    name: Schema.optional(Schema.NullOr(Schema.String)),
    age: Schema.Int,
    nick: Schema.optional(Schema.String)
  },
  { unique: [["email"]], indexes: [["name"]] }
)

/** User with one more required field (`plan`). */
export const UserWithPlan = DataFlow.model(
  "User",
  {
    id: Schema.String,
    email: Schema.String.pipe(Schema.maxLength(100)),
    name: Schema.optional(Schema.NullOr(Schema.String)),
    age: Schema.Int,
    plan: Schema.String
  },
  { unique: [["email"]], indexes: [["name"]] }
)

/** A second model, another collection. */
export const Tag = DataFlow.model("Tag", { id: Schema.String, label: Schema.String }, { timestamps: false })

/** User's validator. */
export const userValidator = {
  $jsonSchema: {
    bsonType: "object",
    required: ["_id", "email", "age", "created_at", "updated_at"],
    properties: {
      _id: { bsonType: "string" },
      email: { bsonType: "string", maxLength: 100 },
      name: { bsonType: ["string", "null"] },
      age: { bsonType: "int" },
      created_at: { bsonType: "date" },
      updated_at: { bsonType: "date" }
    }
  }
}

/** User's indexes as listIndexes reports them (with the `_id_` index). */
export const userIndexes = [
  { v: 2, key: { _id: 1 }, name: "_id_" },
  { v: 2, key: { email: 1 }, name: "df_users_email_uniq", unique: true },
  { v: 2, key: { name: 1 }, name: "df_users_name_idx" }
]

/** The create command of User's collection. */
export const userCreate = {
  create: "users",
  validator: userValidator,
  validationLevel: "strict",
  validationAction: "error"
}

/** The createIndexes command of User's indexes. */
export const userCreateIndexes = {
  createIndexes: "users",
  indexes: [
    { key: { email: 1 }, name: "df_users_email_uniq", unique: true },
    { key: { name: 1 }, name: "df_users_name_idx" }
  ]
}
