/**
 * What the MongoDB translation tests share: the loaded driver module (no server is contacted), the
 * models, and the filter IR built through the real entry (src/query/Filter.ts `toExpr`).
 */
import { Schema } from "effect"
import * as mongo from "mongodb"
import { DataFlow } from "../../src/index.js"
import type { ModelInfo } from "../../src/model/Model.js"
import { toExpr } from "../../src/query/Filter.js"

export { mongo }

/** Every field kind; columns mapped with Schema.fromKey; soft delete; unique keys and an index. */
export const Item = DataFlow.model(
  "Item",
  {
    id: Schema.String,
    name: Schema.String.pipe(Schema.maxLength(50)),
    nick: Schema.optional(Schema.String).pipe(Schema.fromKey("nick_name")),
    age: Schema.optional(Schema.Int),
    score: Schema.optional(Schema.NullOr(Schema.Number)),
    big: Schema.optional(Schema.BigIntFromSelf),
    price: Schema.optional(DataFlow.decimal(10, 2)),
    born: Schema.optional(Schema.DateFromSelf),
    active: Schema.Boolean,
    status: Schema.Literal("draft", "live"),
    token: Schema.optional(Schema.UUID),
    data: Schema.optional(
      Schema.Struct({ city: Schema.String, zip: Schema.Number, list: Schema.Array(Schema.Number) })
    ),
    tags: Schema.optional(Schema.Array(Schema.String)),
    blob: Schema.optional(Schema.Uint8ArrayFromSelf),
    embedding: Schema.optional(DataFlow.vector(3))
  },
  { unique: [["name"], ["nick", "age"]], indexes: [["status", "age"]], softDelete: true }
).info

/** An auto-increment id, timestamps off. */
export const Counter = DataFlow.model("Counter", { id: Schema.Int, hits: Schema.Int }, { timestamps: false }).info

/** A composite key. */
export const Member = DataFlow.model(
  "Member",
  {
    org: Schema.String,
    user: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("user_id")),
    role: Schema.String
  },
  { primaryKey: ["org", "user"] }
).info

/** The IR of a user filter, through the real filter checker. */
export const expr = (filter: unknown, model: ModelInfo = Item) => toExpr(model.name, model.columnMap, filter)

export const field = (model: ModelInfo, name: string) => model.columnMap.get(name)!
