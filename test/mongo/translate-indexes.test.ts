/**
 * Index specifications and the `$jsonSchema` validator derived from models (src/mongo/Indexes.ts,
 * src/mongo/Validator.ts). No server.
 */
import { describe, expect, it } from "@effect/vitest"
import { fieldsOfIndex, indexSpecs, uniqueIndexName } from "../../src/mongo/Indexes.js"
import { jsonSchemaOf, validatorOf } from "../../src/mongo/Validator.js"
import { Counter, Item, Member } from "./translate-fixtures.js"

describe("index specs", () => {
  it("unique keys (partial over non-null values where a field can be null), then indexes; deterministic names", () => {
    expect(indexSpecs(Item)).toEqual([
      { key: { name: 1 }, name: "df_items_name_uniq", unique: true },
      {
        key: { nick_name: 1, age: 1 },
        name: "df_items_nick_name_age_uniq",
        unique: true,
        partialFilterExpression: { nick_name: { $type: "string" }, age: { $type: "number" } }
      },
      { key: { status: 1, age: 1 }, name: "df_items_status_age_idx" }
    ])
  })
  it("liveOnly: unique among live records (deleted_at stored as null explicitly)", () => {
    expect(indexSpecs(Item, { liveOnly: true }).slice(0, 2)).toEqual([
      {
        key: { name: 1 },
        name: "df_items_name_uniq",
        unique: true,
        partialFilterExpression: { deleted_at: { $type: "null" } }
      },
      {
        key: { nick_name: 1, age: 1 },
        name: "df_items_nick_name_age_uniq",
        unique: true,
        partialFilterExpression: {
          nick_name: { $type: "string" },
          age: { $type: "number" },
          deleted_at: { $type: "null" }
        }
      }
    ])
  })
  it("a model without keys has no specs; liveOnly without soft delete changes nothing", () => {
    expect(indexSpecs(Counter, { liveOnly: true })).toEqual([])
    expect(indexSpecs(Member)).toEqual([])
  })
  it("index names map back to fields (ours, _id_, default names)", () => {
    expect(uniqueIndexName(Item, ["nick", "age"])).toBe("df_items_nick_name_age_uniq")
    expect(fieldsOfIndex(Item, "df_items_nick_name_age_uniq")).toEqual(["nick", "age"])
    expect(fieldsOfIndex(Item, "_id_")).toEqual(["id"])
    expect(fieldsOfIndex(Member, "_id_")).toEqual(["org", "user"])
    expect(fieldsOfIndex(Item, "nick_name_1_age_-1")).toEqual(["nick", "age"])
    expect(fieldsOfIndex(Item, "unknown_1")).toBeUndefined()
    expect(fieldsOfIndex(Item, "weird")).toBeUndefined()
  })
})

describe("$jsonSchema validator", () => {
  it("bsonType per kind, required fields, maxLength, enum, nullable optional fields", () => {
    expect(validatorOf(Item)).toEqual({
      $jsonSchema: {
        bsonType: "object",
        required: ["_id", "name", "active", "status", "created_at", "updated_at"],
        properties: {
          _id: { bsonType: "string" },
          name: { bsonType: "string", maxLength: 50 },
          nick_name: { bsonType: ["string", "null"] },
          age: { bsonType: ["int", "null"] },
          score: { bsonType: ["number", "null"] },
          big: { bsonType: ["long", "null"] },
          price: { bsonType: ["decimal", "null"] },
          born: { bsonType: ["date", "null"] },
          active: { bsonType: "bool" },
          status: { bsonType: "string", enum: ["draft", "live"] },
          token: { bsonType: ["string", "null"] },
          data: {},
          tags: { bsonType: ["array", "null"] },
          blob: { bsonType: ["binData", "null"] },
          embedding: { bsonType: ["array", "null"], minItems: 3, maxItems: 3, items: { bsonType: "number" } },
          created_at: { bsonType: "date" },
          updated_at: { bsonType: "date" },
          deleted_at: { bsonType: ["date", "null"] }
        }
      }
    })
  })
  it("a composite key is an object of its columns; an Int id is int", () => {
    expect(jsonSchemaOf(Member)).toEqual({
      bsonType: "object",
      required: ["_id", "role", "created_at", "updated_at"],
      properties: {
        _id: {
          bsonType: "object",
          required: ["org", "user_id"],
          properties: { org: { bsonType: "string" }, user_id: { bsonType: "int" } }
        },
        role: { bsonType: "string" },
        created_at: { bsonType: "date" },
        updated_at: { bsonType: "date" }
      }
    })
    expect(jsonSchemaOf(Counter)).toEqual({
      bsonType: "object",
      required: ["_id", "hits"],
      properties: { _id: { bsonType: "int" }, hits: { bsonType: "int" } }
    })
  })
})
