/**
 * MongoDB migrations, discovery and the document API against a real server: runs only when
 * DATAFLOW_TEST_MONGO (a mongodb:// URL; `docker compose up` gives a one-node replica set) is set,
 * in the database `<DATAFLOW_TEST_NS>schema` (test/support/Mongo.ts `freshMongoUrl`). Skipped otherwise (the global setup
 * prints the one skip line).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Db, MongoClient } from "mongodb"
import { makeMongoCollections } from "../../src/mongo/Collection.js"
import { discover } from "../../src/mongo/Discover.js"
import { classifyMongoError } from "../../src/mongo/Errors.js"
import { ensureCollection, migrate, migrations, rollback } from "../../src/mongo/Migrate.js"
import type { MongoSchemaHandle } from "../../src/mongo/MigrateDb.js"
import { freshMongoUrl, mongoUrl } from "../support/Mongo.js"
import { Tag, User, userValidator } from "./schema-fixtures.js"

const connect = async (): Promise<{ client: MongoClient; handle: MongoSchemaHandle }> => {
  const { MongoClient } = await import("mongodb")
  const client = new MongoClient(await freshMongoUrl("schema"))
  await client.connect()
  const db: Db = client.db()
  const hello = await db.admin().command({ hello: 1 })
  const handle: MongoSchemaHandle = {
    client,
    db,
    session: Effect.succeed(undefined),
    transactions: hello["setName"] !== undefined || hello["msg"] === "isdbgrid",
    run: (context, f) =>
      Effect.tryPromise({
        try: () => f(db, undefined),
        catch: (e) => classifyMongoError(e, { operation: context.operation })
      })
  }
  return { client, handle }
}

const withServer = <A, E>(f: (h: MongoSchemaHandle) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(connect),
    ({ handle }) => f(handle),
    ({ client }) => Effect.promise(() => client.close())
  )

describe.skipIf(!mongoUrl)("MongoDB schema on a real server", () => {
  it.live(
    "migrate creates the collection, its validator and indexes; again: nothing; rollback drops it",
    () =>
      withServer((h) =>
        Effect.gen(function* () {
          const first = yield* migrate(h, [User.info, Tag.info])
          expect(first.applied).toBe(true)
          const infos = yield* Effect.promise(() => h.db.listCollections({ name: "users" }).toArray())
          expect((infos[0] as unknown as { options: { validator: unknown } }).options.validator).toEqual(userValidator)
          const indexes = yield* Effect.promise(() => h.db.collection("users").listIndexes().toArray())
          expect(indexes.map((i) => i["name"]).sort()).toEqual(["_id_", "df_users_email_uniq", "df_users_name_idx"])
          const refused = yield* Effect.flip(
            Effect.tryPromise(() => h.db.collection<{ _id: string }>("users").insertOne({ _id: "x" }))
          )
          expect((refused.error as { code?: number }).code).toBe(121)
          expect((yield* migrate(h, [User.info, Tag.info])).applied).toBe(false)
          expect((yield* migrations(h)).map((e) => e.success)).toEqual([true])
          const undone = yield* rollback(h, { allowDestructive: true })
          expect(undone.applied).toBe(true)
          const left = yield* Effect.promise(() => h.db.listCollections({}, { nameOnly: true }).toArray())
          expect(left.map((c) => c.name).filter((n) => n === "users" || n === "tags")).toEqual([])
        })
      ),
    60_000
  )

  it.live(
    "ensureCollection leaves a collection it did not create alone; discover samples it",
    () =>
      withServer((h) =>
        Effect.gen(function* () {
          yield* Effect.promise(() =>
            h.db.collection<Record<string, unknown>>("users").insertMany([
              { _id: "a" as never, email: "a@x", age: 3, created_at: new Date(), updated_at: new Date() },
              { _id: "b" as never, email: "b@x", age: 4, name: "B", created_at: new Date(), updated_at: new Date() }
            ])
          )
          yield* ensureCollection(h, User.info)
          const indexes = yield* Effect.promise(() => h.db.collection("users").listIndexes().toArray())
          expect(indexes.map((i) => i["name"])).toEqual(["_id_"])
          const [users] = yield* discover(h)
          expect(users!.columns.map((c) => [c.name, c.kind, c.nullable])).toEqual([
            ["id", "string", false],
            ["email", "string", false],
            ["age", "int", false],
            ["created_at", "date", false],
            ["updated_at", "date", false],
            ["name", "string", true]
          ])
        })
      ),
    60_000
  )

  it.live(
    "the document API: insert, find, update, delete, count, aggregate; insertMany all or nothing",
    () =>
      withServer((h) =>
        Effect.gen(function* () {
          const orders = yield* makeMongoCollections(h)("orders")
          yield* orders.insertMany([
            { _id: "1", status: "done", category: "books", amount: 12 },
            { _id: "2", status: "done", category: "books", amount: 3 },
            { _id: "3", status: "new", category: "toys", amount: 5 }
          ])
          expect((yield* orders.find({ status: "done" }, { sort: { amount: 1 } })).map((d) => d._id)).toEqual([
            "2",
            "1"
          ])
          expect(yield* orders.updateOne({ status: "done" }, { $inc: { amount: 1 } })).toEqual({
            matched: 1,
            modified: 1
          })
          expect((yield* orders.findOne({ _id: "1" }))?.["amount"]).toBe(13)
          expect(yield* orders.count({ category: "books" })).toBe(2)
          expect(
            yield* orders.aggregate([
              { $match: { status: "done" } },
              { $group: { _id: "$category", total: { $sum: "$amount" } } }
            ])
          ).toEqual([{ _id: "books", total: 16 }])
          if (h.transactions) {
            const dup = yield* Effect.flip(orders.insertMany([{ _id: "9" }, { _id: "1" }]))
            expect(dup._tag).toBe("UniqueViolation")
            expect(yield* orders.count({ _id: "9" })).toBe(0)
          }
          expect(yield* orders.deleteOne({ status: "done" })).toEqual({ deleted: 1 })
          yield* orders.drop()
          expect(yield* orders.count()).toBe(0)
        })
      ),
    60_000
  )
})
