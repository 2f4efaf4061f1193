import { expect } from "@effect/vitest"
import { Deferred, Effect, Fiber, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { forEachDialect, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

// Opening, committing and rolling back a transaction on a pool of one connection: a connection
// that is not given back shows up as the next statement never running.
const Account = DataFlow.model("Account", { id: Schema.String, balance: Schema.Int })

const balances = Effect.map(Account.list({ orderBy: ["id"] }), (p) => p.records.map((r) => [r.id, r.balance]))
const soon = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.timeoutFail(effect, { duration: "5 seconds", onTimeout: () => "timed out: the connection was not given back" })

forEachDialect(
  "txctl",
  (it, dialect) => {
    it.effect("an interruption inside the transaction rolls it back and gives the connection back", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          Database.transaction(
            Effect.gen(function* () {
              yield* Account.create({ id: "a", balance: 1 })
              yield* Deferred.succeed(started, undefined)
              return yield* Effect.never
            })
          )
        )
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        expect(yield* soon(balances)).toEqual([])
        yield* soon(Database.transaction(Account.create({ id: "b", balance: 2 })))
        yield* soon(Database.transaction(Account.create({ id: "c", balance: 3 })))
        expect(yield* soon(balances)).toEqual([
          ["b", 2],
          ["c", 3]
        ])
      })
    )

    it.effect("an interruption inside a savepoint rolls back the whole transaction", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          Database.transaction(
            Effect.gen(function* () {
              yield* Account.create({ id: "outer", balance: 1 })
              yield* Database.transaction(
                Effect.gen(function* () {
                  yield* Account.create({ id: "inner", balance: 2 })
                  yield* Deferred.succeed(started, undefined)
                  return yield* Effect.never
                })
              )
            })
          )
        )
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        expect(yield* soon(balances)).toEqual([])
        yield* soon(Database.transaction(Account.create({ id: "after", balance: 3 })))
        expect(yield* soon(balances)).toEqual([["after", 3]])
      })
    )

    it.effect("savepoints nest: each failure rolls back exactly its own level", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const result = yield* Database.transaction(
          Effect.gen(function* () {
            yield* Account.create({ id: "l0", balance: 0 })
            return yield* Database.transaction(
              Effect.gen(function* () {
                yield* Account.create({ id: "l1", balance: 1 })
                const failed = yield* Effect.flip(
                  Database.transaction(
                    Effect.gen(function* () {
                      yield* Account.create({ id: "l2", balance: 2 })
                      yield* Database.transaction(Account.create({ id: "l3", balance: 3 }))
                      return yield* Effect.fail("inner" as const)
                    })
                  )
                )
                yield* Database.transaction(Account.create({ id: "l2b", balance: 2 }))
                return failed
              })
            )
          })
        )
        expect(result).toBe("inner")
        expect(yield* balances).toEqual([
          ["l0", 0],
          ["l1", 1],
          ["l2b", 2]
        ])
      })
    )

    it.effect("a defect inside the transaction rolls back, stays a defect and gives the connection back", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        const exit = yield* Effect.exit(
          Database.transaction(Effect.zipRight(Account.create({ id: "a", balance: 1 }), Effect.dieMessage("boom")))
        )
        expect(exit._tag === "Failure" && exit.cause._tag === "Die").toBe(true)
        expect(yield* soon(balances)).toEqual([])
        yield* soon(Database.transaction(Account.create({ id: "b", balance: 2 })))
        expect(yield* soon(balances)).toEqual([["b", 2]])
      })
    )

    it.effect("a read from outside an open transaction waits for it and never sees its uncommitted writes", () =>
      Effect.gen(function* () {
        yield* reset(Account)
        yield* Account.create({ id: "a", balance: 1 })
        const opened = yield* Deferred.make<void>()
        const proceed = yield* Deferred.make<void>()
        const tx = yield* Effect.fork(
          Database.transaction(
            Effect.gen(function* () {
              yield* Account.update({ filter: { id: "a" }, fields: { balance: 2 } })
              yield* Deferred.succeed(opened, undefined)
              yield* Deferred.await(proceed)
              return yield* Effect.fail("roll back" as const)
            })
          )
        )
        yield* Deferred.await(opened)
        // a pool of one (SQLite: its one connection): the read queues behind the transaction
        const reader = yield* Effect.fork(Account.read({ id: "a" }))
        yield* Effect.sleep("50 millis")
        yield* Deferred.succeed(proceed, undefined)
        expect(yield* Effect.flip(Fiber.join(tx))).toBe("roll back")
        expect((yield* soon(Fiber.join(reader))).balance).toBe(1)
      })
    )

    if (dialect !== "mysql") {
      // a deferred foreign key is checked at COMMIT (MySQL has no deferred constraints)
      it.effect("a failing COMMIT is a typed error, rolls back and gives the connection back", () =>
        Effect.gen(function* () {
          yield* reset(Account)
          const db = yield* sqlDatabase
          yield* db.sql.unsafe("DROP TABLE IF EXISTS df_child").pipe(Effect.orDie)
          yield* db.sql.unsafe("DROP TABLE IF EXISTS df_parent").pipe(Effect.orDie)
          yield* db.sql.unsafe("CREATE TABLE df_parent (id INTEGER PRIMARY KEY)").pipe(Effect.orDie)
          yield* db.sql
            .unsafe(
              "CREATE TABLE df_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES df_parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
            .pipe(Effect.orDie)
          const error = yield* Effect.flip(
            Database.transaction(
              Effect.gen(function* () {
                yield* Account.create({ id: "a", balance: 1 })
                yield* db.write({ sql: `INSERT INTO df_child (id, parent) VALUES (1, 42)`, params: [] })
                return "committed?"
              })
            )
          )
          expect(error._tag).toBe("ForeignKeyViolation")
          expect(yield* soon(balances)).toEqual([])
          yield* soon(Database.transaction(Account.create({ id: "b", balance: 2 })))
          expect(yield* soon(balances)).toEqual([["b", 2]])
          const children = yield* db.sql.unsafe<{ n: unknown }>("SELECT COUNT(*) AS n FROM df_child").pipe(Effect.orDie)
          expect(Number(children[0]!.n)).toBe(0)
        })
      )
    }
  },
  { poolSize: 1 }
)
