import { expect } from "@effect/vitest"
import { Deferred, Effect, Exit, Layer, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { forEachDialect, reset, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Parent = DataFlow.model("Parent", { id: Schema.String })
const Child = DataFlow.model("Child", { id: Schema.String, parentId: Schema.String })
const Slot = DataFlow.model("Slot", { id: Schema.String, n: Schema.Int, team: Schema.String })

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail"
    ? exit.cause.error._tag
    : Exit.isSuccess(exit)
      ? "success"
      : "defect"

forEachDialect("errors", (it, dialect) => {
  const other = Layer.fresh(Database.layer({ url: urlFor(dialect, "df_errors"), connectTimeout: "200 millis" }))

  it.effect("a foreign key violation is ForeignKeyViolation and changes nothing", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      yield* reset(Parent)
      const q = db.hooks.quote
      // models do not declare foreign keys yet: this one is made by hand
      yield* db.sql.unsafe(`DROP TABLE IF EXISTS ${q("children")}`).pipe(Effect.orDie)
      const time = dialect === "postgres" ? "TIMESTAMPTZ" : dialect === "mysql" ? "DATETIME(6)" : "TEXT"
      yield* db.sql
        .unsafe(
          `CREATE TABLE ${q("children")} (${q("id")} VARCHAR(255) PRIMARY KEY, ${q("parentId")} VARCHAR(255) NOT NULL, ` +
            `${q("created_at")} ${time} NOT NULL, ${q("updated_at")} ${time} NOT NULL, ` +
            `FOREIGN KEY (${q("parentId")}) REFERENCES ${q("parents")} (${q("id")}))${db.hooks.tableOptions}`
        )
        .pipe(Effect.orDie)
      yield* Parent.create({ id: "p" })
      yield* Child.create({ id: "c1", parentId: "p" })
      const orphan = yield* Effect.flip(Child.create({ id: "c2", parentId: "nope" }))
      expect(orphan._tag).toBe("ForeignKeyViolation")
      const inUse = yield* Effect.flip(Parent.delete({ id: "p" }))
      expect(inUse._tag).toBe("ForeignKeyViolation")
      expect(yield* Child.count()).toBe(1)
      expect(yield* Parent.count()).toBe(1)
    })
  )

  if (dialect !== "sqlite") {
    it.effect("a deadlock between two transactions is a retryable TransactionConflict for one of them", () =>
      Effect.gen(function* () {
        yield* reset(Slot)
        yield* Slot.bulkCreate({
          data: [
            { id: "a", n: 0, team: "x" },
            { id: "b", n: 0, team: "x" }
          ]
        })
        const first = yield* Deferred.make<void>()
        const second = yield* Deferred.make<void>()
        const t1 = Database.transaction(
          Effect.gen(function* () {
            yield* Slot.update({ filter: { id: "a" }, fields: { n: 1 } })
            yield* Deferred.succeed(first, undefined)
            yield* Deferred.await(second)
            yield* Slot.update({ filter: { id: "b" }, fields: { n: 1 } })
          })
        )
        const t2 = Database.transaction(
          Effect.gen(function* () {
            yield* Deferred.await(first)
            yield* Slot.update({ filter: { id: "b" }, fields: { n: 2 } })
            yield* Deferred.succeed(second, undefined)
            yield* Effect.sleep("50 millis")
            yield* Slot.update({ filter: { id: "a" }, fields: { n: 2 } })
          })
        ).pipe(Effect.provide(other))
        const [e1, e2] = yield* Effect.all([Effect.exit(t1), Effect.exit(t2)], { concurrency: 2 })
        expect([failureTag(e1), failureTag(e2)].sort()).toEqual(["TransactionConflict", "success"])
        const loser = Exit.isFailure(e1) ? e1 : e2
        if (Exit.isFailure(loser) && loser.cause._tag === "Fail")
          expect((loser.cause.error as { retryable?: boolean }).retryable).toBe(true)
      })
    )

    it.effect("a statement cancelled by a statement timeout is StatementTimeout", () =>
      Effect.gen(function* () {
        const db = yield* sqlDatabase
        const slow =
          dialect === "postgres"
            ? { sql: "SELECT pg_sleep(2)", params: [] }
            : {
                sql:
                  "SET STATEMENT max_statement_time=0.1, max_recursive_iterations=1000000000 FOR " +
                  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 1000000000) SELECT COUNT(*) FROM r",
                params: []
              }
        const run =
          dialect === "postgres"
            ? Database.transaction(
                Effect.zipRight(db.query({ sql: "SET LOCAL statement_timeout = 100", params: [] }), db.query(slow))
              )
            : db.query(slow)
        const error = yield* Effect.flip(run)
        expect(error._tag).toBe("StatementTimeout")
      })
    )
  }

  if (dialect === "postgres") {
    it.effect(
      "a serialization failure (here at the write or at COMMIT) is a typed TransactionConflict, not a defect",
      () =>
        Effect.gen(function* () {
          yield* reset(Slot)
          const read = yield* Deferred.make<void>()
          const committed = yield* Deferred.make<void>()
          const t1 = Database.transaction(
            Effect.gen(function* () {
              yield* Slot.count({ filter: { team: "y" } })
              yield* Deferred.succeed(read, undefined)
              yield* Deferred.await(committed)
              yield* Slot.create({ id: "t1", n: 1, team: "y" })
            }),
            { isolation: "serializable" }
          )
          const t2 = Database.transaction(
            Effect.gen(function* () {
              yield* Deferred.await(read)
              yield* Slot.count({ filter: { team: "y" } })
              yield* Slot.create({ id: "t2", n: 1, team: "y" })
            }),
            { isolation: "serializable" }
          ).pipe(Effect.provide(other), Effect.ensuring(Deferred.succeed(committed, undefined)))
          const [e1, e2] = yield* Effect.all([Effect.exit(t1), Effect.exit(t2)], { concurrency: 2 })
          expect(failureTag(e2)).toBe("success")
          expect(failureTag(e1)).toBe("TransactionConflict")
          expect((yield* Slot.list({ filter: { team: "y" } })).records.map((r) => r.id)).toEqual(["t2"])
        })
    )
  }

  if (dialect !== "sqlite") {
    it.effect("waiting longer than connectTimeout for a pooled connection is PoolTimeout", () =>
      Effect.gen(function* () {
        const tiny = Layer.fresh(
          Database.layer({ url: urlFor(dialect, "df_errors"), poolSize: 1, connectTimeout: "200 millis" })
        )
        const [error, after] = yield* Effect.gen(function* () {
          const held = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const holder = yield* Effect.fork(
            Database.transaction(Effect.zipRight(Deferred.succeed(held, undefined), Deferred.await(release)))
          )
          yield* Deferred.await(held)
          const e = yield* Effect.flip(Slot.count())
          yield* Deferred.succeed(release, undefined)
          yield* holder.await
          // the one connection came back to the pool (not kept by the caller that gave up)
          return [e, yield* Slot.count()] as const
        }).pipe(Effect.provide(tiny))
        expect(error._tag).toBe("PoolTimeout")
        expect(after).toBe(yield* Slot.count())
      })
    )
  }

  if (dialect === "sqlite") {
    it.effect("a database locked by another connection past the busy timeout is TransactionConflict", () =>
      Effect.gen(function* () {
        yield* reset(Slot)
        const held = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        const holder = yield* Effect.fork(
          Database.transaction(
            Effect.gen(function* () {
              yield* Slot.create({ id: "h", n: 1, team: "x" })
              yield* Deferred.succeed(held, undefined)
              yield* Deferred.await(release)
            })
          )
        )
        yield* Deferred.await(held)
        const error = yield* Effect.flip(Slot.create({ id: "o", n: 1, team: "x" }).pipe(Effect.provide(other)))
        yield* Deferred.succeed(release, undefined)
        yield* holder.await
        expect(error._tag).toBe("TransactionConflict")
        expect(yield* Slot.count()).toBe(1)
      })
    )
  }
})
