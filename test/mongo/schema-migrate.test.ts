/**
 * MongoDB migrate, ledger, lock, rollback and autoMigrate's ensureCollection (src/mongo/Migrate.ts):
 * which driver calls they send, recorded by a stub (test/mongo/schema-recorder.ts) answering from
 * scripted state. No server: what the server does with the commands is proven by the tests gated on
 * DATAFLOW_TEST_MONGO.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { checksumOf } from "../../src/migrations/Operation.js"
import { ensureCollection, migrate, ownedCollections, resolve, rollback } from "../../src/mongo/Migrate.js"
import { duplicateKey, methods, recorder } from "./schema-recorder.js"
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

const usersInfo = { name: "users", type: "collection", options: { validator: userValidator } }

const entry = (over: Record<string, unknown>) => {
  const up = ['{"create":"x"}']
  const down = ['{"drop":"x"}']
  return {
    _id: "20261204000000000_abcdef01",
    checksum: checksumOf(up, down),
    description: ["create collection x (id)"],
    up,
    down,
    destructiveDown: ["create collection x (id)"],
    startedAt: "2026-12-04T00:00:00.000Z",
    finishedAt: "2026-12-04T00:00:01.000Z",
    success: true,
    failedStep: null,
    tables: ["x"],
    createdTables: ["x"],
    ...over
  }
}

const failure = <A, E>(e: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(e), (exit) =>
    Exit.isFailure(exit) ? (exit.cause as { error?: { _tag: string } }).error : undefined
  )

describe("MongoDB migrate", () => {
  it.effect("dryRun reads the live collections and sends nothing else", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder()
      const r = yield* migrate(handle, [User.info], { dryRun: true })
      expect(r.applied).toBe(false)
      expect(r.plan.operations.map((o) => o.kind)).toEqual(["createTable"])
      expect(calls).toEqual([{ method: "db.listCollections", args: [{ name: { $in: ["users"] } }] }])
    })
  )

  it.effect("apply: lock, plan, ledger entry started, the commands in order, entry finished, lock released", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder()
      const r = yield* migrate(handle, [User.info])
      expect(r.applied).toBe(true)
      expect(r.id).toMatch(/^\d{17}_[0-9a-f]{8}$/)
      expect(methods(calls)).toEqual([
        "dataflow_lock.deleteOne",
        "dataflow_lock.insertOne",
        "db.listCollections",
        "dataflow_migrations.find",
        "dataflow_migrations.sort",
        "dataflow_migrations.insertOne",
        "db.command",
        "db.command",
        "dataflow_migrations.updateOne",
        "dataflow_lock.deleteOne"
      ])
      const lock = calls[1]!.args[0] as { _id: string; owner: string; expiresAt: Date }
      expect(lock._id).toBe("migrate")
      expect(calls[9]!.args[0]).toEqual({ _id: "migrate", owner: lock.owner })
      expect(calls[6]!.args[0]).toEqual(userCreate)
      expect(calls[7]!.args[0]).toEqual(userCreateIndexes)
      const started = calls[5]!.args[0] as Record<string, unknown>
      expect(started).toMatchObject({
        _id: r.id,
        checksum: r.plan.checksum,
        description: ["create collection users (id, email, name, age, created_at, updated_at)"],
        up: [JSON.stringify(userCreate), JSON.stringify(userCreateIndexes)],
        down: ['{"drop":"users"}'],
        destructiveDown: ["create collection users (id, email, name, age, created_at, updated_at)"],
        tables: ["users"],
        createdTables: ["users"],
        finishedAt: null,
        success: false,
        failedStep: null
      })
      expect(calls[8]!.args[0]).toEqual({ _id: r.id })
      expect((calls[8]!.args[1] as { $set: Record<string, unknown> }).$set.success).toBe(true)
    })
  )

  it.effect("a failed command marks the entry dirty with the failed step, and the lock is released", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder({ throws: { "command.createIndexes": duplicateKey({ email: 1 }) } })
      const error = yield* failure(migrate(handle, [User.info]))
      expect(error?._tag).toBe("UniqueViolation")
      const failed = calls.find((c) => c.method === "dataflow_migrations.updateOne")!
      expect((failed.args[1] as { $set: { failedStep: string } }).$set.failedStep).toBe(
        `step 2 of 2 (create collection users (id, email, name, age, created_at, updated_at)): ${JSON.stringify(userCreateIndexes)} -- UniqueViolation`
      )
      expect(methods(calls).at(-1)).toBe("dataflow_lock.deleteOne")
    })
  )

  it.effect("a destructive plan is refused without allowDestructive, before any command", () =>
    Effect.gen(function* () {
      const extra = [...userIndexes, { v: 2, key: { age: 1 }, name: "df_users_age_idx" }]
      const script = { collections: [usersInfo], indexes: { users: extra } }
      const refused = recorder(script)
      const error = yield* failure(migrate(refused.handle, [User.info]))
      expect(error).toMatchObject({
        _tag: "DestructiveChangeRefused",
        changes: ["drop index df_users_age_idx on users (age)"]
      })
      expect(methods(refused.calls).filter((m) => m === "db.command" || m.endsWith("insertOne"))).toEqual([
        "dataflow_lock.insertOne"
      ])
      const allowed = recorder(script)
      const r = yield* migrate(allowed.handle, [User.info], { allowDestructive: true })
      expect(r.applied).toBe(true)
      expect(allowed.calls.filter((c) => c.method === "db.command").map((c) => c.args[0])).toEqual([
        { dropIndexes: "users", index: "df_users_age_idx" }
      ])
    })
  )

  it.effect("a dirty entry blocks a plan on its collections (DirtyMigration), not one on others", () =>
    Effect.gen(function* () {
      const dirty = entry({
        tables: ["users"],
        createdTables: ["users"],
        success: false,
        finishedAt: null,
        failedStep: "step 2 of 2"
      })
      const blocked = recorder({ found: { dataflow_migrations: [dirty] } })
      const error = yield* failure(migrate(blocked.handle, [User.info]))
      expect(error).toMatchObject({ _tag: "DirtyMigration", id: dirty._id, step: "step 2 of 2" })
      expect(methods(blocked.calls)).not.toContain("db.command")
      const other = recorder({ found: { dataflow_migrations: [dirty] } })
      const r = yield* migrate(other.handle, [Tag.info])
      expect(r.applied).toBe(true)
    })
  )

  it.effect("an entry edited after it was applied fails ChecksumMismatch", () =>
    Effect.gen(function* () {
      const edited = entry({ tables: ["users"], down: ['{"drop":"other"}'] })
      const { handle } = recorder({ found: { dataflow_migrations: [edited] } })
      expect(yield* failure(migrate(handle, [User.info]))).toMatchObject({ _tag: "ChecksumMismatch", id: edited._id })
    })
  )

  it.effect("nothing to do: no ledger entry, no command", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder({ collections: [usersInfo], indexes: { users: userIndexes } })
      const r = yield* migrate(handle, [User.info])
      expect(r).toMatchObject({ applied: false })
      expect(r.plan.operations).toEqual([])
      expect(methods(calls)).not.toContain("db.command")
      expect(methods(calls)).not.toContain("dataflow_migrations.insertOne")
    })
  )
})

describe("MongoDB migration prechecks", () => {
  it.effect(
    "a new unique index over duplicates, a validator existing documents fail: MigrationPrecheckFailed, no command",
    () =>
      Effect.gen(function* () {
        const { calls, handle } = recorder({
          collections: [usersInfo],
          indexes: { users: [userIndexes[0]!, userIndexes[2]!] },
          found: { users: [{ _id: null, n: 3 }] },
          answers: { "users.countDocuments": 2 }
        })
        const error = yield* failure(migrate(handle, [UserWithPlan.info]))
        expect(error).toMatchObject({
          _tag: "MigrationPrecheckFailed",
          problems: [
            "2 documents of users do not pass the new validator",
            "3 documents of users share their (email) with another document"
          ]
        })
        const collMod = JSON.parse(JSON.stringify(calls.find((c) => c.method === "users.countDocuments")!.args[0]))
        expect(Object.keys(collMod)).toEqual(["$nor"])
        expect(collMod.$nor[0].$jsonSchema.required).toContain("plan")
        expect(calls.find((c) => c.method === "users.aggregate")!.args[0]).toEqual([
          { $match: {} },
          { $group: { _id: { k0: "$email" }, n: { $sum: 1 } } },
          { $match: { n: { $gt: 1 } } },
          { $group: { _id: null, n: { $sum: "$n" } } }
        ])
        expect(methods(calls)).not.toContain("db.command")
        expect(methods(calls)).not.toContain("dataflow_migrations.insertOne")
      })
  )
})

describe("MongoDB migration lock", () => {
  it.live("held by another process: polls until lockTimeout, then MigrationLockTimeout; nothing planned", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder({ throws: { "dataflow_lock.insertOne": duplicateKey({ _id: 1 }) } })
      const error = yield* failure(migrate(handle, [User.info], { lockTimeout: "450 millis" }))
      expect(error?._tag).toBe("MigrationLockTimeout")
      const attempts = methods(calls).filter((m) => m === "dataflow_lock.insertOne").length
      // polled (every 200 ms), not spun: a few attempts in 450 ms, whatever the machine's load
      expect(attempts).toBeGreaterThanOrEqual(2)
      expect(attempts).toBeLessThanOrEqual(10)
      expect(methods(calls)).not.toContain("db.listCollections")
      // an expired holder's document is removed before each attempt
      const expiry = calls.find((c) => c.method === "dataflow_lock.deleteOne")!.args[0] as { expiresAt: { $lt: Date } }
      expect(expiry.expiresAt.$lt).toBeInstanceOf(Date)
    })
  )
})

describe("MongoDB rollback and resolve", () => {
  it.effect(
    "rollback runs the newest entry's down commands and removes it; destructive undo needs allowDestructive",
    () =>
      Effect.gen(function* () {
        const newest = entry({})
        const refused = recorder({ found: { dataflow_migrations: [newest] } })
        expect(yield* failure(rollback(refused.handle))).toMatchObject({
          _tag: "DestructiveChangeRefused",
          changes: [`undo ${newest._id}: create collection x (id)`]
        })
        const { calls, handle } = recorder({ found: { dataflow_migrations: [newest] } })
        const r = yield* rollback(handle, { allowDestructive: true })
        expect(r.applied).toBe(true)
        expect(r.entries.map((e) => e.id)).toEqual([newest._id])
        const sent = calls.filter((c) => c.method === "db.command" || c.method === "dataflow_migrations.deleteOne")
        expect(sent.map((c) => c.args[0])).toEqual([{ drop: "x" }, { _id: newest._id }])
      })
  )

  it.effect("resolve removes a dirty entry and refuses a clean one", () =>
    Effect.gen(function* () {
      const dirty = entry({ success: false, finishedAt: null })
      const { calls, handle } = recorder({ found: { dataflow_migrations: [dirty] } })
      expect((yield* resolve(handle, dirty._id)).id).toBe(dirty._id)
      expect(calls.find((c) => c.method === "dataflow_migrations.deleteOne")!.args[0]).toEqual({ _id: dirty._id })
      const clean = recorder({ found: { dataflow_migrations: [entry({})] } })
      expect(yield* failure(resolve(clean.handle, dirty._id))).toMatchObject({
        _tag: "ValidationError",
        reason: "this migration is not dirty; use rollback"
      })
    })
  )
})

describe("MongoDB ownership", () => {
  it("created by a finished entry, until a later entry drops it; dirty entries own nothing", () => {
    const e = (over: Record<string, unknown>) => {
      const { _id, ...rest } = entry(over)
      return { id: _id, ...rest } as unknown as Parameters<typeof ownedCollections>[0][number]
    }
    expect([...ownedCollections([e({ createdTables: ["a", "b"] })])]).toEqual(["a", "b"])
    expect([
      ...ownedCollections([
        e({ createdTables: ["a", "b"] }),
        e({ createdTables: [], description: ["drop collection a"] })
      ])
    ]).toEqual(["b"])
    expect([...ownedCollections([e({ createdTables: ["a"], success: false })])]).toEqual([])
  })
})

describe("MongoDB ensureCollection (autoMigrate)", () => {
  it.effect("an absent collection is created (one ledger entry)", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder()
      yield* ensureCollection(handle, User.info)
      expect(calls.filter((c) => c.method === "db.command").map((c) => c.args[0])).toEqual([
        userCreate,
        userCreateIndexes
      ])
      expect(methods(calls).filter((m) => m === "dataflow_migrations.insertOne")).toHaveLength(1)
    })
  )

  it.effect("a collection we created gets its missing index and an additive validator, never a non-additive one", () =>
    Effect.gen(function* () {
      const ours = entry({ tables: ["users"], createdTables: ["users"], description: ["create collection users (id)"] })
      const script = {
        collections: [usersInfo],
        indexes: { users: [userIndexes[0]!, userIndexes[1]!] },
        found: { dataflow_migrations: [{ ...ours, checksum: checksumOf(ours.up, ours.down) }] }
      }
      const added = recorder(script)
      yield* ensureCollection(added.handle, UserWithNick.info)
      const sent = added.calls.filter((c) => c.method === "db.command").map((c) => Object.keys(c.args[0] as object)[0])
      expect(sent).toEqual(["collMod", "createIndexes"])
      const strict = recorder(script)
      yield* ensureCollection(strict.handle, UserWithPlan.info)
      expect(
        strict.calls.filter((c) => c.method === "db.command").map((c) => Object.keys(c.args[0] as object)[0])
      ).toEqual(["createIndexes"])
    })
  )

  it.effect("a collection the model obviously means under another spelling: SchemaMismatch, no `users` created", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder({ collections: [{ name: "User", type: "collection", options: {} }] })
      expect(yield* failure(ensureCollection(handle, User.info))).toMatchObject({
        _tag: "SchemaMismatch",
        model: "User",
        table: "users",
        reason:
          'table User exists and looks like this model\'s, while users does not: set table: "User" to use it, ' +
          "or create users beside it with dataflow migrate apply"
      })
      expect(methods(calls)).not.toContain("db.command")
      expect(methods(calls)).not.toContain("dataflow_migrations.insertOne")
      const named = recorder({ collections: [{ name: "User", type: "collection", options: {} }] })
      yield* ensureCollection(
        named.handle,
        DataFlow.model("User", { id: Schema.String, age: Schema.Int }, { table: "User" }).info
      )
      expect(methods(named.calls)).not.toContain("db.command")
    })
  )

  it.effect("a collection we did not create is never altered", () =>
    Effect.gen(function* () {
      const { calls, handle } = recorder({
        collections: [{ name: "users", type: "collection", options: {} }],
        indexes: { users: [userIndexes[0]!] }
      })
      yield* ensureCollection(handle, User.info)
      expect(methods(calls)).not.toContain("db.command")
      expect(methods(calls)).not.toContain("dataflow_lock.insertOne")
    })
  )

  it.effect("a collection we did not create whose validator contradicts the model: SchemaMismatch", () =>
    Effect.gen(function* () {
      const typed = {
        $jsonSchema: { bsonType: "object", properties: { age: { bsonType: "string" } } }
      }
      const wrongType = recorder({ collections: [{ name: "users", options: { validator: typed } }] })
      expect(yield* failure(ensureCollection(wrongType.handle, User.info))).toMatchObject({
        _tag: "SchemaMismatch",
        model: "User",
        table: "users",
        field: "age",
        column: "age",
        reason: "the collection's validator admits string for age, while the field stores int"
      })
      const requires = {
        $jsonSchema: { bsonType: "object", required: ["_id", "name"], properties: {} }
      }
      const optional = recorder({ collections: [{ name: "users", options: { validator: requires } }] })
      expect(yield* failure(ensureCollection(optional.handle, User.info))).toMatchObject({
        _tag: "SchemaMismatch",
        field: "name",
        reason: "the collection's validator requires name, which the field may leave empty: make the field required"
      })
      const unknown = {
        $jsonSchema: { bsonType: "object", required: ["sku"], properties: { age: { bsonType: "number" } } }
      }
      const missing = recorder({ collections: [{ name: "users", options: { validator: unknown } }] })
      expect(yield* failure(ensureCollection(missing.handle, User.info))).toMatchObject({
        _tag: "SchemaMismatch",
        column: "sku",
        reason:
          "the collection's validator requires sku, which the model does not have: add the field, or change the validator"
      })
      for (const r of [wrongType, optional, missing]) expect(methods(r.calls)).not.toContain("db.command")
    })
  )
})
