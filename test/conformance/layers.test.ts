import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { dialectNames, forEachDialect, freshUrl, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Thing = DataFlow.model("Thing", { id: Schema.String, n: Schema.Int })

describe("Database layers", () => {
  it.effect("an unknown URL scheme fails with ValidationError naming url, without the URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(Database.health, Database.layer({ url: "oracle://scott:tiger@db/x" }))
      )
      expect(error).toMatchObject({ _tag: "ValidationError", path: "url" })
      expect(error.message).not.toContain("tiger")
    })
  )

  it.effect("an unreachable PostgreSQL fails with ConnectionError and never prints the password", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(
          Database.health,
          Database.layer({ url: "postgres://u:s3cret@127.0.0.1:1/x", connectTimeout: "2 seconds" })
        )
      )
      expect(error._tag).toBe("ConnectionError")
      expect(error.message).not.toContain("s3cret")
      expect(JSON.stringify({ ...error, cause: undefined })).not.toContain("s3cret")
    })
  )

  it.effect("an unreachable MySQL fails with ConnectionError and never prints the password", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(
          Database.health,
          Database.layer({ url: "mysql://u:s3cret@127.0.0.1:1/x", connectTimeout: "2 seconds" })
        )
      )
      expect(error._tag).toBe("ConnectionError")
      expect(error.message).not.toContain("s3cret")
    })
  )

  it.effect("wrong MariaDB credentials fail with ConnectionError (access denied, errno 1045/1698)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(Database.health, Database.layer({ url: "mysql://nobody:wrong@127.0.0.1:3306/test" }))
      )
      expect(error._tag).toBe("ConnectionError")
      expect(["1045", "1698"]).toContain((error as { code?: string }).code)
      expect(error.message).not.toContain("wrong")
    })
  )

  it.effect("options that do not exist yet are refused, not ignored", () =>
    Effect.gen(function* () {
      const cache = yield* Effect.flip(
        Effect.provide(Database.health, Database.layer({ url: "sqlite::memory:", cache: { url: "redis://x" } }))
      )
      expect(cache._tag).toBe("UnsupportedFeature")
      const replicas = yield* Effect.flip(
        Effect.provide(Database.health, Database.layer({ url: "sqlite::memory:", replicas: ["x"] }))
      )
      expect(replicas._tag).toBe("UnsupportedFeature")
    })
  )

  it.effect("layerFromEnv reads DATABASE_URL through Config", () =>
    Effect.gen(function* () {
      const url = yield* Effect.promise(() => freshUrl("sqlite", "df_env"))
      const provider = ConfigProvider.fromMap(new Map([["DATABASE_URL", url]]))
      const dialect = yield* Effect.provide(
        Effect.map(Database.Database, (db) => db.dialect),
        Database.layerFromEnv().pipe(Layer.provide(Layer.setConfigProvider(provider)))
      )
      expect(dialect).toBe("sqlite")
    })
  )

  it.effect("layerFromEnv defaults to SQLite when DATABASE_URL is unset", () =>
    Effect.gen(function* () {
      const provider = ConfigProvider.fromMap(new Map())
      const dialect = yield* Effect.provide(
        Effect.map(Database.Database, (db) => db.dialect),
        Database.layerFromEnv().pipe(Layer.provide(Layer.setConfigProvider(provider)))
      )
      expect(dialect).toBe("sqlite")
    })
  )

  it.effect("a Redacted URL is accepted", () =>
    Effect.gen(function* () {
      const h = yield* Effect.provide(Database.health, Database.layer({ url: Redacted.make("sqlite::memory:") }))
      expect(h.dialect).toBe("sqlite")
    })
  )

  it.effect("two databases in one program stay apart, even inside a transaction of one of them", () =>
    Effect.gen(function* () {
      const a = Database.layer({
        url: yield* Effect.promise(() =>
          freshUrl(dialectNames.includes("postgres") ? "postgres" : "sqlite", "df_two_a")
        )
      })
      const b = Database.layer({ url: yield* Effect.promise(() => freshUrl("sqlite", "df_two_b")) })
      yield* Effect.gen(function* () {
        yield* Database.transaction(
          Effect.gen(function* () {
            yield* Thing.create({ id: "in-a", n: 1 })
            yield* Thing.create({ id: "in-b", n: 2 }).pipe(Effect.provide(b))
          })
        )
      }).pipe(Effect.provide(a))
      const inA = yield* Effect.provide(
        Effect.map(Thing.list({ orderBy: ["id"] }), (p) => p.records.map((r) => r.id)),
        a
      )
      const inB = yield* Effect.provide(
        Effect.map(Thing.list({ orderBy: ["id"] }), (p) => p.records.map((r) => r.id)),
        b
      )
      expect(inA).toEqual(["in-a"])
      expect(inB).toEqual(["in-b"])
    })
  )
})

forEachDialect("layers", (it, dialect) => {
  it.effect("the models option creates tables when the layer starts", () =>
    Effect.gen(function* () {
      const Started = DataFlow.model("Started", { id: Schema.String })
      yield* Effect.provide(Database.health, Database.layer({ url: urlFor(dialect, "df_layers"), models: [Started] }))
      const db = yield* sqlDatabase
      const rows = yield* db.sql
        .unsafe<{ n: number }>(`SELECT COUNT(*) AS n FROM ${db.hooks.quote("starteds")}`)
        .pipe(Effect.orDie)
      expect(Number(rows[0]!.n)).toBe(0)
    })
  )

  it.effect("with autoMigrate off, a missing table is a typed DatabaseError, not a silent create", () =>
    Effect.gen(function* () {
      const Missing = DataFlow.model("Missing", { id: Schema.String })
      const error = yield* Effect.flip(
        Effect.provide(Missing.count(), Database.layer({ url: urlFor(dialect, "df_layers"), autoMigrate: false }))
      )
      expect(error._tag).toBe("DatabaseError")
      expect(error.message).toContain("Missing.count")
    })
  )

  it.effect("pool statistics and health are available; a transaction's connection is not idle", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      expect((yield* db.health).dialect).toBe(db.dialect)
      const before = db.poolStats()
      expect(before).toBeDefined()
      expect(before!.total).toBeGreaterThanOrEqual(1)
      expect(before!.idle).toBe(before!.total)
      expect(before!.waiting).toBe(0)
      const inside = yield* Database.transaction(Effect.sync(() => db.poolStats()))
      expect(inside!.total).toBeGreaterThanOrEqual(1)
      expect(inside!.idle).toBe(inside!.total - 1)
      expect(db.poolStats()!.idle).toBe(db.poolStats()!.total)
    })
  )
})
