/**
 * Write documents (src/mongo/Updates.ts, src/mongo/Values.ts): insert documents, `$set` from
 * Changes, the soft delete, the native upsert pipeline and the bulk operations. No server.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { matchNothing } from "../../src/mongo/Filter.js"
import {
  bulkUpsertOps,
  insertOps,
  setDocument,
  softDeleteUpdate,
  updateDocument,
  upsertWrite
} from "../../src/mongo/Updates.js"
import { insertDocument } from "../../src/mongo/Values.js"
import { Counter, expr, field, Item, Member, mongo } from "./translate-fixtures.js"

const now = new Date("2026-12-04T20:00:00.000Z")
const base = { id: "i1", name: "Ann", active: true, status: "draft" }
/** Item's insert document for `base`: every column, null where absent. */
const itemDoc = (extra: Record<string, unknown> = {}) => ({
  _id: "i1",
  name: "Ann",
  nick_name: null,
  age: null,
  score: null,
  big: null,
  price: null,
  born: null,
  active: true,
  status: "draft",
  token: null,
  data: null,
  tags: null,
  blob: null,
  embedding: null,
  created_at: now,
  updated_at: now,
  deleted_at: null,
  ...extra
})

describe("insert documents", () => {
  it("every column written (null when absent), timestamps = now, deleted_at null explicitly", () => {
    expect(insertDocument(mongo, Item, base, now)).toEqual(itemDoc())
  })
  it("each kind encoded: Long, Decimal128, Binary, Date, embedded JSON, lower-case UUID, float32 vector", () => {
    const born = new Date("1999-01-01T00:00:00.000Z")
    const doc = insertDocument(
      mongo,
      Item,
      {
        ...base,
        nick: "a",
        big: 2n ** 62n,
        price: BigDecimal.unsafeFromString("12.50"),
        born,
        token: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        data: { city: "Oslo", zip: 1, list: [1] },
        tags: ["x"],
        blob: new Uint8Array([1, 2]),
        embedding: [0.1, 2, 3]
      },
      now
    )
    expect(doc).toEqual(
      itemDoc({
        nick_name: "a",
        big: mongo.Long.fromBigInt(2n ** 62n),
        price: mongo.Decimal128.fromString("12.5"),
        born,
        token: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        data: { city: "Oslo", zip: 1, list: [1] },
        tags: ["x"],
        blob: new mongo.Binary(new Uint8Array([1, 2])),
        embedding: [0.1, 2, 3]
      })
    )
    expect(String(doc["price"])).toBe("12.5")
    expect((doc["embedding"] as Array<number>)[0]).toBe(0.1) // the shortest decimal of float32(0.1)
  })
  it("a composite key is _id: { column: value } in key order; no timestamps when off", () => {
    expect(insertDocument(mongo, Member, { org: "o", user: 3, role: "r" }, now)).toEqual({
      _id: { org: "o", user_id: 3 },
      role: "r",
      created_at: now,
      updated_at: now
    })
    expect(insertDocument(mongo, Counter, { id: 7, hits: 1 }, now)).toEqual({ _id: 7, hits: 1 })
  })
  it("bulk insert operations are insertOne documents", () => {
    expect(
      insertOps(
        mongo,
        Counter,
        [
          { id: 1, hits: 0 },
          { id: 2, hits: 5 }
        ],
        now
      )
    ).toEqual([{ insertOne: { document: { _id: 1, hits: 0 } } }, { insertOne: { document: { _id: 2, hits: 5 } } }])
  })
})

describe("updates", () => {
  it("$set by column, null stored as null, updated_at = now", () => {
    const changes = { names: ["nick", "age", "updated_at"], fields: { nick: "z", age: null }, now }
    expect(updateDocument(mongo, Item, changes)).toEqual({ $set: { nick_name: "z", age: null, updated_at: now } })
    expect(
      setDocument(mongo, Item, { names: ["price"], fields: { price: BigDecimal.unsafeFromString("1") }, now })
    ).toEqual({
      price: mongo.Decimal128.fromString("1")
    })
  })
  it("nothing to set is undefined (MongoDB refuses an empty $set)", () => {
    expect(updateDocument(mongo, Counter, { names: [], fields: {}, now })).toBeUndefined()
  })
  it("soft delete sets deleted_at only", () => {
    expect(softDeleteUpdate(Item, now)).toEqual({ $set: { deleted_at: now } })
  })
})

describe("upsert", () => {
  const plan = (row: Record<string, unknown>, update: Record<string, unknown>, on = ["name"]) => ({
    conflict: on.map((n) => field(Item, n)),
    where: expr(Object.fromEntries(on.map((n) => [n, row[n]]))),
    row,
    update,
    now
  })
  it("on a unique key: a pipeline choosing the new document (no _id yet) or the merged update; deleted_at cleared", () => {
    const w = upsertWrite(mongo, Item, plan(base, { age: 3, id: "ignored", created_at: now, nick: undefined }), base)
    expect(w).toEqual({
      filter: { name: "Ann" },
      update: [
        {
          $replaceWith: {
            $cond: [
              { $eq: [{ $type: "$_id" }, "missing"] },
              { $literal: itemDoc() },
              { $mergeObjects: ["$$ROOT", { $literal: { age: 3, updated_at: now, deleted_at: null } }] }
            ]
          }
        }
      ]
    })
  })
  it("on the key: a new document is the seed { _id } alone", () => {
    const w = upsertWrite(mongo, Item, plan(base, { name: "Bo" }, ["id"]), base)
    expect(w.filter).toEqual({ _id: "i1" })
    expect(w.update).toEqual([
      {
        $replaceWith: {
          $cond: [
            { $eq: [{ $size: { $objectToArray: "$$ROOT" } }, 1] },
            { $literal: itemDoc() },
            { $mergeObjects: ["$$ROOT", { $literal: { name: "Bo", updated_at: now, deleted_at: null } }] }
          ]
        }
      }
    ])
  })
  it("on a composite key: the whole _id object", () => {
    const row = { org: "o", user: 2, role: "admin" }
    const w = upsertWrite(
      mongo,
      Member,
      { conflict: Member.key, where: expr({ org: "o", user: 2 }, Member), row, update: { role: "admin" }, now },
      row
    )
    expect(w.filter).toEqual({ _id: { org: "o", user_id: 2 } })
  })
  it("a conflict key holding null never matches (SQL NULLs never conflict): the row is inserted", () => {
    const w = upsertWrite(
      mongo,
      Item,
      { ...plan({ ...base, nick: null }, {}, ["nick"]), where: expr({ nick: null }) },
      base
    )
    expect(w.filter).toEqual(matchNothing)
  })
})

describe("bulk upsert", () => {
  it("$set the batch's columns (null where a row has none), $setOnInsert the rest; filter by the conflict key", () => {
    const rows = [
      { ...base, age: 1 },
      { ...base, id: "i2", name: "Bo", nick: "b" }
    ]
    const ops = bulkUpsertOps(mongo, Item, rows, [field(Item, "name")], now)
    expect(ops).toEqual([
      {
        updateOne: {
          filter: { name: "Ann" },
          update: {
            $set: { nick_name: null, age: 1, active: true, status: "draft", updated_at: now, deleted_at: null },
            $setOnInsert: {
              _id: "i1",
              score: null,
              big: null,
              price: null,
              born: null,
              token: null,
              data: null,
              tags: null,
              blob: null,
              embedding: null,
              created_at: now
            }
          },
          upsert: true
        }
      },
      {
        updateOne: {
          filter: { name: "Bo" },
          update: {
            $set: { nick_name: "b", age: null, active: true, status: "draft", updated_at: now, deleted_at: null },
            $setOnInsert: {
              _id: "i2",
              score: null,
              big: null,
              price: null,
              born: null,
              token: null,
              data: null,
              tags: null,
              blob: null,
              embedding: null,
              created_at: now
            }
          },
          upsert: true
        }
      }
    ])
  })
  it("on the key: filter { _id }, the key is never set", () => {
    expect(bulkUpsertOps(mongo, Member, [{ org: "o", user: 1, role: "r" }], Member.key, now)).toEqual([
      {
        updateOne: {
          filter: { _id: { org: "o", user_id: 1 } },
          update: { $set: { role: "r", updated_at: now }, $setOnInsert: { created_at: now } },
          upsert: true
        }
      }
    ])
  })
  it("a null conflict value is a plain insert; a key-only write still has an operator", () => {
    expect(
      bulkUpsertOps(mongo, Item, [{ ...base, nick: null, age: 2 }], [field(Item, "nick"), field(Item, "age")], now)
    ).toEqual([{ insertOne: { document: itemDoc({ age: 2 }) } }])
    const KeyOnly = { ...Counter, columns: [Counter.key[0]!] }
    expect(bulkUpsertOps(mongo, KeyOnly, [{ id: 4 }], KeyOnly.key, now)).toEqual([
      { updateOne: { filter: { _id: 4 }, update: { $setOnInsert: { _id: 4 } }, upsert: true } }
    ])
  })
})
