/**
 * Faults, part 3: on the server itself. An interrupted caller's statement is cancelled on the
 * server (not left running on a connection the pool thinks busy); the statement timeout is the
 * server's own (StatementTimeout with its code); a session killed by the server is
 * ConnectionError(lost); transactions that hold every pooled connection can still use a model
 * whose table does not exist yet; SQLite's one connection is waited for connectTimeout at most.
 * Per case: the tag, the rows read back directly, the pool recovering, no busy session left.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Deferred, type Duration, Effect, Fiber, Layer, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { dialectNames, freshUrl } from "../support/Dialects.js"
import { direct, directCount, eventually, outcome, sessions, withApplicationName } from "../support/FaultChecks.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Job = DataFlow.model("Job", { id: Schema.String, state: Schema.String })
// tables that do not exist until a transaction first uses them
const Invoice = DataFlow.model("Invoice", { id: Schema.String, total: Schema.Number })
const Receipt = DataFlow.model("Receipt", { id: Schema.String, total: Schema.Number })

const slowFor = (dialect: string, seconds: number) =>
  dialect === "postgres" ? `SELECT pg_sleep(${seconds}) AS s` : `SELECT SLEEP(${seconds}) AS s`

for (const dialect of dialectNames) {
  describe(`faults on the server: ${dialect}`, () => {
    let url = ""
    const who = `${process.env["DATAFLOW_TEST_NS"] ?? ""}df_faults_cancel`
    beforeAll(async () => {
      url = await freshUrl(dialect, "df_faults_cancel")
      if (dialect === "postgres") url = withApplicationName(url, who)
    })
    const layerWith = (
      options: {
        readonly poolSize?: number
        readonly statementTimeout?: Duration.DurationInput
        readonly connectTimeout?: Duration.DurationInput
        readonly models?: ReadonlyArray<typeof Job>
      } = {}
    ) => Layer.fresh(Database.layer({ url, poolSize: 3, connectTimeout: "3 seconds", models: [Job], ...options }))
    const busy = () => (dialect === "sqlite" ? Promise.resolve(0) : sessions(dialect, url, who).then((s) => s.busy))
    const seed = Effect.gen(function* () {
      yield* Job.bulkDelete({ filter: {}, confirmed: true })
      yield* Job.bulkCreate({
        data: [
          { id: "j1", state: "new" },
          { id: "j2", state: "new" }
        ]
      })
    })
    // a job's state read over a direct connection
    const stateOf = (id: string) => {
      const sql = {
        postgres: `SELECT state FROM "jobs" WHERE id = $1`,
        mysql: "SELECT state FROM `jobs` WHERE id = ?",
        sqlite: `SELECT state FROM "jobs" WHERE id = ?`
      }[dialect]
      return Effect.map(
        Effect.promise(() => direct(dialect, url, sql, [id])),
        (rows) => rows[0]?.["state"]
      )
    }
    const settled = Effect.gen(function* () {
      expect(yield* Job.count()).toBe(2)
      yield* eventually(async () => (await busy()) === 0, 10_000, "no busy session of ours")
    })

    it.effect(
      "transactions holding every pooled connection can use models whose tables do not exist yet (no PoolTimeout)",
      () =>
        Effect.gen(function* () {
          const firstIn = yield* Deferred.make<void>()
          const secondIn = yield* Deferred.make<void>()
          const both =
            dialect === "sqlite"
              ? // one connection: one transaction at a time; the table is made inside it
                Effect.asVoid(
                  Database.transaction(
                    Effect.zipRight(Invoice.create({ id: "i1", total: 1 }), Receipt.create({ id: "r1", total: 1 }))
                  )
                )
              : Effect.asVoid(
                  Effect.all(
                    [
                      Database.transaction(
                        Effect.gen(function* () {
                          yield* Deferred.succeed(firstIn, undefined)
                          yield* Deferred.await(secondIn)
                          yield* Invoice.create({ id: "i1", total: 1 })
                        })
                      ),
                      Database.transaction(
                        Effect.gen(function* () {
                          yield* Deferred.succeed(secondIn, undefined)
                          yield* Deferred.await(firstIn)
                          yield* Receipt.create({ id: "r1", total: 1 })
                        })
                      )
                    ],
                    { concurrency: 2 }
                  )
                )
          expect(outcome(yield* Effect.exit(both))).toBe("success")
          expect(yield* Effect.promise(() => directCount(dialect, url, Invoice.info.table))).toBe(1)
          expect(yield* Effect.promise(() => directCount(dialect, url, Receipt.info.table))).toBe(1)
          yield* eventually(async () => (await busy()) === 0, 10_000, "no busy session of ours")
        }).pipe(Effect.provide(layerWith({ poolSize: 2, models: [] })))
    )

    it.effect(
      "autoMigrate off: a model's first use inside a transaction holding the only connection is checked on it (no PoolTimeout)",
      () =>
        Effect.gen(function* () {
          yield* Effect.provide(Job.bulkDelete({ filter: { id: "j-off" }, confirmed: true }), layerWith())
          const checkedOff = Layer.fresh(
            Database.layer({ url, poolSize: 1, connectTimeout: "3 seconds", autoMigrate: false })
          )
          const created = yield* Effect.exit(
            Effect.provide(Database.transaction(Job.create({ id: "j-off", state: "new" })), checkedOff)
          )
          expect(outcome(created)).toBe("success")
          const rows = yield* Effect.promise(() =>
            direct(dialect, url, `SELECT state FROM ${Job.info.table} WHERE id = 'j-off'`)
          )
          expect(rows).toEqual([{ state: "new" }])
          yield* Effect.provide(Job.bulkDelete({ filter: { id: "j-off" }, confirmed: true }), layerWith())
          yield* eventually(async () => (await busy()) === 0, 10_000, "no busy session of ours")
        })
    )

    if (dialect === "sqlite") {
      // connectTimeout as the layer's option, or in the URL (?connectTimeout=, milliseconds)
      const shortWait = {
        "the connectTimeout option": () => layerWith({ connectTimeout: "300 millis" }),
        "the URL's ?connectTimeout=": () =>
          Layer.fresh(Database.layer({ url: `${url}?connectTimeout=300`, poolSize: 3, models: [Job] }))
      }
      for (const [given, layer] of Object.entries(shortWait)) {
        it.effect(
          `a statement waiting for the connection a transaction holds: PoolTimeout after connectTimeout (${given}); then it works`,
          () =>
            Effect.gen(function* () {
              yield* seed
              const held = yield* Deferred.make<void>()
              const release = yield* Deferred.make<void>()
              const holder = yield* Effect.fork(
                Database.transaction(
                  Effect.gen(function* () {
                    yield* Job.update({ filter: { id: "j1" }, fields: { state: "held" } })
                    yield* Deferred.succeed(held, undefined)
                    yield* Deferred.await(release)
                  })
                )
              )
              yield* Deferred.await(held)
              const started = Date.now()
              const waited = yield* Effect.exit(Job.count())
              const waitedTx = yield* Effect.exit(Database.transaction(Job.count()))
              // two waits of 300 ms, far from the 10 s default (a bound, not a timing assertion)
              expect(Date.now() - started).toBeLessThan(5_000)
              yield* Deferred.succeed(release, undefined)
              expect(outcome(yield* Fiber.await(holder))).toBe("success")
              expect(outcome(waited)).toBe("PoolTimeout")
              expect(outcome(waitedTx)).toBe("PoolTimeout")
              expect(yield* stateOf("j1")).toBe("held")
              yield* settled
            }).pipe(Effect.provide(layer()))
        )
      }

      it.effect("statementTimeout bounds the wait for another process's lock: TransactionConflict (SQLITE_BUSY)", () =>
        Effect.gen(function* () {
          yield* seed
          const held = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          // another connection to the same file (as another process would be) holds the write lock
          const holder = yield* Effect.fork(
            Database.transaction(
              Effect.gen(function* () {
                yield* Job.update({ filter: { id: "j2" }, fields: { state: "locked" } })
                yield* Deferred.succeed(held, undefined)
                yield* Deferred.await(release)
              })
            ).pipe(Effect.provide(layerWith()))
          )
          yield* Deferred.await(held)
          const error = yield* Effect.flip(Job.update({ filter: { id: "j1" }, fields: { state: "late" } }))
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.await(holder)
          expect(error).toMatchObject({ _tag: "TransactionConflict", code: "SQLITE_BUSY" })
          expect(yield* stateOf("j1")).toBe("new")
          yield* settled
        }).pipe(Effect.provide(layerWith({ connectTimeout: "30 seconds", statementTimeout: "200 millis" })))
      )
    }

    if (dialect !== "sqlite") {
      // the server's id of a session, and whether it is still there
      const sessionId = dialect === "postgres" ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id"
      const sessionOpen = async (id: number) => {
        const rows = await direct(
          dialect,
          url,
          dialect === "postgres"
            ? "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE pid = $1"
            : "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?",
          [id]
        )
        return Number(rows[0]!["n"]) === 1
      }

      // it.live: the caller's timeout runs on the real clock
      for (const how of ["interrupted", "timed out (Effect.timeout)"] as const) {
        it.live(
          `a statement whose caller is ${how} is cancelled on the server; the connection that ran it is never reused`,
          () =>
            Effect.gen(function* () {
              yield* seed
              const db = yield* sqlDatabase
              const current = Effect.map(db.query({ sql: sessionId, params: [] }), (rows) => Number(rows[0]!["id"]))
              // one pooled connection: the one the slow statement then runs on
              const ran = yield* current
              const statement = db.query({ sql: slowFor(dialect, 30), params: [] })
              if (how === "interrupted") {
                const running = yield* Effect.fork(statement)
                yield* eventually(async () => (await busy()) >= 1, 10_000, "the statement running")
                yield* Fiber.interrupt(running)
              } else {
                expect(outcome(yield* Effect.exit(Effect.timeout(statement, "500 millis")))).toBe("TimeoutException")
              }
              // without the cancel it would run for 30 s and hold its connection (and the connection is
              // destroyed only connectTimeout, 20 s, after the interruption: the bound below is shorter)
              yield* eventually(async () => (await busy()) === 0, 8_000, "the statement cancelled on the server")
              yield* settled
              // a late cancel names the session, not the statement: that session never runs another one
              expect(yield* current).not.toBe(ran)
              yield* eventually(async () => !(await sessionOpen(ran)), 8_000, "the cancelled session closed")
              expect(db.poolStats()!.total).toBe(1)
            }).pipe(Effect.provide(layerWith({ poolSize: 1, connectTimeout: "20 seconds" })))
        )
      }

      it.effect("an interruption inside a transaction cancels its statement and rolls back", () =>
        Effect.gen(function* () {
          yield* seed
          const db = yield* sqlDatabase
          const running = yield* Effect.fork(
            Database.transaction(
              Effect.gen(function* () {
                yield* Job.update({ filter: { id: "j1" }, fields: { state: "dirty" } })
                yield* db.query({ sql: slowFor(dialect, 30), params: [] })
              })
            )
          )
          yield* eventually(
            async () => {
              const rows = await direct(
                dialect,
                url,
                dialect === "postgres"
                  ? "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep%' AND state = 'active'"
                  : "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT SLEEP%'",
                [who]
              )
              return Number(rows[0]!["n"]) === 1
            },
            10_000,
            "the statement running"
          )
          // the interruption waits for the rollback: watch the server meanwhile
          const interrupting = yield* Effect.fork(Fiber.interrupt(running))
          yield* eventually(async () => (await busy()) === 0, 8_000, "cancelled and rolled back on the server")
          yield* Fiber.join(interrupting)
          expect(yield* stateOf("j1")).toBe("new")
          yield* settled
        }).pipe(Effect.provide(layerWith({ connectTimeout: "20 seconds" })))
      )

      it.effect("the server's statement timeout: StatementTimeout with the server's code; the pool recovers", () =>
        Effect.gen(function* () {
          yield* seed
          const db = yield* sqlDatabase
          const error = yield* Effect.flip(db.query({ sql: slowFor(dialect, 5), params: [] }))
          expect(error).toMatchObject({ _tag: "StatementTimeout", code: dialect === "postgres" ? "57014" : "1969" })
          yield* settled
        }).pipe(Effect.provide(layerWith({ statementTimeout: "200 millis" })))
      )

      it.effect("a session killed by the server during a statement: ConnectionError(lost); the pool recovers", () =>
        Effect.gen(function* () {
          yield* seed
          const db = yield* sqlDatabase
          const running = yield* Effect.fork(db.query({ sql: slowFor(dialect, 20), params: [] }))
          yield* eventually(async () => (await busy()) >= 1, 10_000, "the statement running")
          yield* Effect.promise(() =>
            dialect === "postgres"
              ? direct(
                  dialect,
                  url,
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
                  [who]
                )
              : direct(
                  dialect,
                  url,
                  "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT SLEEP%'",
                  [who]
                )
                  .then((rows) =>
                    Promise.all(rows.map((r) => direct(dialect, url, `KILL CONNECTION ${Number(r["id"])}`)))
                  )
                  .then(() => [])
          )
          const exit = yield* Fiber.await(running)
          expect(outcome(exit)).toBe("ConnectionError")
          expect(exit).toMatchObject({ cause: { error: { phase: "lost" } } })
          yield* settled
        }).pipe(Effect.provide(layerWith()))
      )
    }
  })
}
