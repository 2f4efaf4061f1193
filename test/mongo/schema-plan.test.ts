/**
 * MongoDB migration planning (src/mongo/MigratePlan.ts): the exact operations and commands that
 * bring live collections (validator, indexes) to the models. Pure: no server.
 */
import { describe, expect, it } from "@effect/vitest"
import { render } from "../../src/migrations/Operation.js"
import { canonical, diffCollections, type LiveCollection, mongoPlan } from "../../src/mongo/MigratePlan.js"
import {
  Tag,
  User,
  userCreate,
  userCreateIndexes,
  userIndexes,
  userValidator,
  UserWithNick,
  UserWithPlan
} from "./schema-fixtures.js"

const parsed = (ops: ReturnType<typeof diffCollections>) =>
  ops.map((o) => ({ ...o, up: o.up.map((s) => JSON.parse(s)), down: o.down.map((s) => JSON.parse(s)) }))

const live = (...cs: ReadonlyArray<LiveCollection>) => new Map(cs.map((c) => [c.name, c] as const))
const usersLive: LiveCollection = { name: "users", validator: userValidator, indexes: userIndexes }

describe("MongoDB plan", () => {
  it("a missing collection: create with the exact validator, then its indexes; undone by drop", () => {
    expect(parsed(diffCollections([User.info], live()))).toEqual([
      {
        kind: "createTable",
        table: "users",
        description: "create collection users (id, email, name, age, created_at, updated_at)",
        up: [userCreate, userCreateIndexes],
        down: [{ drop: "users" }],
        destructive: false,
        additive: true
      }
    ])
  })

  it("a collection that matches its model: nothing to do (key order of the live validator ignored)", () => {
    const reordered = {
      $jsonSchema: {
        properties: userValidator.$jsonSchema.properties,
        required: userValidator.$jsonSchema.required,
        bsonType: "object"
      }
    }
    expect(diffCollections([User.info], live({ ...usersLive, validator: reordered }))).toEqual([])
    expect(render(mongoPlan([]))).toBe("schema is up to date: nothing to do\n")
  })

  it("a new optional field: collMod, additive; undone by collMod back to the live validator", () => {
    const [op, ...rest] = parsed(diffCollections([UserWithNick.info], live(usersLive)))
    expect(rest).toEqual([])
    expect(op!.kind).toBe("alterColumn")
    expect(op!.description).toBe("change validator of users")
    expect(op!.additive).toBe(true)
    expect(op!.destructive).toBe(false)
    expect(op!.down).toEqual([{ collMod: "users", validator: userValidator, validationLevel: "strict" }])
    const next = op!.up[0] as { collMod: string; validator: typeof userValidator; validationLevel: string }
    expect(next.collMod).toBe("users")
    expect(next.validationLevel).toBe("strict")
    expect(next.validator.$jsonSchema.required).toEqual(userValidator.$jsonSchema.required)
    expect(next.validator.$jsonSchema.properties).toEqual({
      ...userValidator.$jsonSchema.properties,
      nick: { bsonType: ["string", "null"] }
    })
  })

  it("a new required field: collMod that is not additive (autoMigrate leaves it to migrate)", () => {
    const [op] = diffCollections([UserWithPlan.info], live(usersLive))
    expect(op!.kind).toBe("alterColumn")
    expect(op!.additive).toBe(false)
    expect(JSON.parse(op!.up[0]!).validator.$jsonSchema.required).toEqual([
      "_id",
      "email",
      "age",
      "plan",
      "created_at",
      "updated_at"
    ])
  })

  it("a collection without validator: collMod adds it; undone by validator {} and validationLevel off", () => {
    const [op] = parsed(diffCollections([User.info], live({ ...usersLive, validator: undefined as never })))
    expect(op!.up).toEqual([{ collMod: "users", validator: userValidator, validationLevel: "strict" }])
    expect(op!.down).toEqual([{ collMod: "users", validator: {}, validationLevel: "off" }])
    expect(op!.additive).toBe(false)
  })

  it("missing indexes are created, one operation each (the unique one names its key)", () => {
    const ops = parsed(diffCollections([User.info], live({ ...usersLive, indexes: [userIndexes[0]!] })))
    expect(ops).toEqual([
      {
        kind: "addUnique",
        table: "users",
        description: "add unique df_users_email_uniq on users (email)",
        up: [{ createIndexes: "users", indexes: [{ key: { email: 1 }, name: "df_users_email_uniq", unique: true }] }],
        down: [{ dropIndexes: "users", index: "df_users_email_uniq" }],
        destructive: false,
        additive: true,
        key: { name: "df_users_email_uniq", columns: ["email"] }
      },
      {
        kind: "addIndex",
        table: "users",
        description: "add index df_users_name_idx on users (name)",
        up: [{ createIndexes: "users", indexes: [{ key: { name: 1 }, name: "df_users_name_idx" }] }],
        down: [{ dropIndexes: "users", index: "df_users_name_idx" }],
        destructive: false,
        additive: true
      }
    ])
  })

  it("a df_ index the model no longer declares is dropped (destructive); other indexes are never touched", () => {
    const extra = [
      ...userIndexes,
      { v: 2, key: { age: 1 }, name: "df_users_age_idx" },
      { v: 2, key: { age: -1 }, name: "age_-1" }
    ]
    const ops = parsed(diffCollections([User.info], live({ ...usersLive, indexes: extra })))
    expect(ops).toEqual([
      {
        kind: "dropIndex",
        table: "users",
        description: "drop index df_users_age_idx on users (age)",
        up: [{ dropIndexes: "users", index: "df_users_age_idx" }],
        down: [{ createIndexes: "users", indexes: [{ key: { age: 1 }, name: "df_users_age_idx" }] }],
        destructive: true,
        additive: false
      }
    ])
    expect(render(mongoPlan(diffCollections([User.info], live({ ...usersLive, indexes: extra }))))).toBe(
      "1. drop index df_users_age_idx on users (age)  [destructive]\n" +
        '   up:   {"dropIndexes":"users","index":"df_users_age_idx"}\n' +
        '   down: {"createIndexes":"users","indexes":[{"key":{"age":1},"name":"df_users_age_idx"}]}\n'
    )
  })

  it("a df_ index whose definition changed: dropped (destructive), then created as declared", () => {
    const changed = [userIndexes[0]!, { v: 2, key: { email: 1 }, name: "df_users_email_uniq" }, userIndexes[2]!]
    const ops = diffCollections([User.info], live({ ...usersLive, indexes: changed }))
    expect(ops.map((o) => [o.kind, o.destructive])).toEqual([
      ["dropIndex", true],
      ["addUnique", false]
    ])
  })

  it("several models: each its own operations, in model order; the plan's dialect and checksum", () => {
    const p = mongoPlan(diffCollections([Tag.info, User.info], live(usersLive)))
    expect(p.dialect).toBe("mongodb")
    expect(p.operations.map((o) => o.description)).toEqual(["create collection tags (id, label)"])
    expect(JSON.parse(p.operations[0]!.up[0]!)).toEqual({
      create: "tags",
      validator: {
        $jsonSchema: {
          bsonType: "object",
          required: ["_id", "label"],
          properties: { _id: { bsonType: "string" }, label: { bsonType: "string" } }
        }
      },
      validationLevel: "strict",
      validationAction: "error"
    })
    expect(p.operations[0]!.up).toHaveLength(1)
    expect(p.checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(mongoPlan(diffCollections([Tag.info, User.info], live(usersLive))).checksum).toBe(p.checksum)
  })

  it("canonical: equal whatever the key order, different values differ", () => {
    expect(canonical({ a: 1, b: { c: 2, d: [1, { e: 1, f: 2 }] } })).toBe(
      canonical({ b: { d: [1, { f: 2, e: 1 }], c: 2 }, a: 1 })
    )
    expect(canonical({ a: [1, 2] })).not.toBe(canonical({ a: [2, 1] }))
  })
})
