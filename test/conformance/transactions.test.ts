import { expect } from "@effect/vitest"
import { Data, Effect, Layer, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { forEachDialect, reset, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Account = DataFlow.model("Account", { id: Schema.String, balance: Schema.Int })

class Boom extends Data.TaggedError("Boom")<{ readonly step: string }> {}

const balances = Effect.map(Account.list({ orderBy: ["id"] }), (p) => p.records.map((r) => [r.id, r.balance]))

forEachDialect("tx", (it, dialect) => {
  it.effect("commits every write of a successful transaction", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      const result = yield* Database.transaction(
        Effect.gen(function* () {
          yield* Account.create({ id: "a", balance: 10 })
          yield* Account.create({ id: "b", balance: 20 })
          return "done"
        })
      )
      expect(result).toBe("done")
      expect(yield* balances).toEqual([
        ["a", 10],
        ["b", 20]
      ])
    })
  )

  it.effect("a failure rolls everything back and the typed error comes out unchanged", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      const error = yield* Effect.flip(
        Database.transaction(
          Effect.gen(function* () {
            yield* Account.create({ id: "a", balance: 10 })
            yield* Account.update({ filter: { id: "a" }, fields: { balance: 5 } })
            return yield* new Boom({ step: "last" })
          })
        )
      )
      expect(error).toBeInstanceOf(Boom)
      expect(error).toEqual(new Boom({ step: "last" }))
      expect(yield* balances).toEqual([])
    })
  )

  it.effect("a database error inside the transaction is typed and rolls back", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      yield* Account.create({ id: "a", balance: 1 })
      const error = yield* Effect.flip(
        Database.transaction(
          Effect.gen(function* () {
            yield* Account.create({ id: "b", balance: 2 })
            yield* Account.create({ id: "a", balance: 3 })
          })
        )
      )
      expect(error._tag).toBe("UniqueViolation")
      expect(yield* balances).toEqual([["a", 1]])
    })
  )

  it.effect("a nested transaction is a savepoint: its failure rolls back only its own writes", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      const inner = yield* Database.transaction(
        Effect.gen(function* () {
          yield* Account.create({ id: "outer", balance: 1 })
          const caught = yield* Database.transaction(
            Effect.gen(function* () {
              yield* Account.create({ id: "inner", balance: 2 })
              return yield* new Boom({ step: "inner" })
            })
          ).pipe(Effect.catchTag("Boom", (e) => Effect.succeed(e.step)))
          yield* Database.transaction(Account.create({ id: "inner2", balance: 3 }))
          return caught
        })
      )
      expect(inner).toBe("inner")
      expect(yield* balances).toEqual([
        ["inner2", 3],
        ["outer", 1]
      ])
    })
  )

  it.effect("an outer failure also rolls back a released savepoint", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      yield* Effect.flip(
        Database.transaction(
          Effect.gen(function* () {
            yield* Database.transaction(Account.create({ id: "inner", balance: 2 }))
            return yield* new Boom({ step: "outer" })
          })
        )
      )
      expect(yield* balances).toEqual([])
    })
  )

  it.effect("bulk operations inside a transaction share it", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      yield* Effect.flip(
        Database.transaction(
          Effect.gen(function* () {
            yield* Account.bulkCreate({
              data: [
                { id: "a", balance: 1 },
                { id: "b", balance: 2 }
              ]
            })
            yield* Account.bulkUpdate({ filter: { balance: { $gt: 1 } }, fields: { balance: 9 } })
            return yield* new Boom({ step: "after bulk" })
          })
        )
      )
      expect(yield* balances).toEqual([])
    })
  )

  it.effect(
    "a model first used inside a transaction: the table survives a rollback and the transaction stays whole",
    () =>
      Effect.gen(function* () {
        const Late = DataFlow.model("Late", { id: Schema.String })
        const error = yield* Effect.flip(
          Database.transaction(
            Effect.gen(function* () {
              yield* Account.create({ id: "before", balance: 1 })
              yield* Late.create({ id: "l1" }) // creates the table: must not commit "before" (MySQL DDL commits implicitly)
              return yield* new Boom({ step: "after first use" })
            })
          )
        )
        // MariaDB refuses to read a table created after the transaction's snapshot (errno 1412, "retry")
        expect(dialect === "mysql" ? ["Boom", "TransactionConflict"] : ["Boom"]).toContain(error._tag)
        expect(yield* Account.count({ filter: { id: "before" } })).toBe(0)
        expect(yield* Late.count()).toBe(0) // the table exists although the transaction rolled back
        yield* Late.create({ id: "l2" })
        expect(yield* Late.count()).toBe(1)
      })
  )

  it.effect("a nested transaction cannot set its own isolation level", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Database.transaction(Database.transaction(Effect.void, { isolation: "serializable" }))
      )
      expect(error._tag).toBe("ValidationError")
    })
  )

  it.effect("retries re-run the transaction on TransactionConflict only", () =>
    Effect.gen(function* () {
      yield* reset(Account)
      let attempts = 0
      const conflict = Effect.gen(function* () {
        const db = yield* sqlDatabase
        attempts++
        yield* Account.create({ id: `try${attempts}`, balance: attempts })
        if (attempts < 3)
          return yield* Effect.fail(
            db.hooks.classify(
              { code: dialect === "postgres" ? "40001" : dialect === "mysql" ? undefined : "SQLITE_BUSY", errno: 1213 },
              undefined
            )
          )
        return attempts
      })
      expect(yield* Database.transaction(conflict, { retries: 5 })).toBe(3)
      expect(yield* balances).toEqual([["try3", 3]])
      attempts = 0
      const notRetried = yield* Effect.flip(
        Database.transaction(
          Effect.gen(function* () {
            attempts++
            return yield* new Boom({ step: "x" })
          }),
          { retries: 5 }
        )
      )
      expect(notRetried._tag).toBe("Boom")
      expect(attempts).toBe(1)
    })
  )

  if (dialect !== "sqlite") {
    // a second, independent pool on the same database commits while our transaction is open
    const other = Layer.fresh(Database.layer({ url: urlFor(dialect, "df_tx"), poolSize: 2 }))
    const otherInsert = (id: string) => Account.create({ id, balance: 0 }).pipe(Effect.provide(other))

    it.effect("read committed sees another transaction's commit; repeatable read does not", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const seen = (isolation: "read committed" | "repeatable read" | "serializable", id: string) =>
          Database.transaction(
            Effect.gen(function* () {
              const before = yield* Account.count()
              yield* otherInsert(id)
              const after = yield* Account.count()
              return after - before
            }),
            { isolation }
          )
        expect(yield* seen("read committed", "rc")).toBe(1)
        expect(yield* seen("repeatable read", "rr")).toBe(0)
        expect(yield* Account.count()).toBe(2)
      })
    )

    it.effect("serializable is the level the server reports inside the transaction", () =>
      Effect.gen(function* () {
        const level = yield* Database.transaction(
          Effect.gen(function* () {
            const db = yield* sqlDatabase
            yield* Account.count() // InnoDB starts the transaction at its first read
            // MariaDB's SET TRANSACTION has no readable variable; InnoDB's own view of our trx has it
            const rows =
              dialect === "postgres"
                ? yield* db.sql<{ level: string }>`SELECT current_setting('transaction_isolation') AS level`
                : yield* db.sql<{
                    level: string
                  }>`SELECT trx_isolation_level AS level FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()`
            return rows[0]?.level
          }),
          { isolation: "serializable" }
        ).pipe(Effect.orDie)
        expect(String(level).toLowerCase()).toBe("serializable")
      })
    )
  } else {
    it.effect("SQLite transactions are serializable whatever level is asked (an honest upgrade)", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const n = yield* Database.transaction(
          Effect.gen(function* () {
            yield* Account.create({ id: "a", balance: 1 })
            return yield* Account.count()
          }),
          { isolation: "read committed" }
        )
        expect(n).toBe(1)
      })
    )
  }
})
