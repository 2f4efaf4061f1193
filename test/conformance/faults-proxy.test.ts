/**
 * Faults, part 2: the network between us and the server, through a TCP proxy of the test's own
 * (test/support/TcpProxy.ts) that cuts connections or stops forwarding. Per case: the exact error
 * tag, the rows read back over a direct connection, the pool recovering (the next operation
 * succeeds), and no session of ours left busy on the server (pg_stat_activity by application name,
 * MariaDB's PROCESSLIST and INNODB_TRX by database). The process itself must survive: an
 * unhandled 'error' event on a driver client would end the run.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Duration, Effect, Fiber, Layer, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { dialectNames, freshUrl } from "../support/Dialects.js"
import {
  direct,
  directCount,
  eventually,
  outcome,
  sessions,
  watchEscapes,
  withApplicationName,
  withPort
} from "../support/FaultChecks.js"
import { startTcpProxy, type TcpProxy } from "../support/TcpProxy.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Reading = DataFlow.model("Reading", { id: Schema.String, sensor: Schema.String, value: Schema.Number })
const rows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, sensor: `s${i % 7}`, value: i / 3 }))

const servers = dialectNames.filter((d): d is "postgres" | "mysql" => d !== "sqlite")

for (const dialect of servers) {
  describe(`faults through a proxy: ${dialect}`, () => {
    let url = ""
    let proxy: TcpProxy
    let viaProxy = ""
    // PostgreSQL sessions are found by application name, MariaDB's by database
    const who = `${process.env["DATAFLOW_TEST_NS"] ?? ""}df_faults_proxy`
    const busy = () => sessions(dialect, url, who).then((s) => s.busy)

    beforeAll(async () => {
      url = await freshUrl(dialect, "df_faults_proxy")
      if (dialect === "postgres") url = withApplicationName(url, who)
      const u = new URL(url)
      proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port) })
      viaProxy = withPort(url, proxy.port)
    })
    afterAll(() => proxy?.close())

    const through = (
      options: { readonly statementTimeout?: Duration.DurationInput; readonly poolSize?: number } = {}
    ) =>
      Layer.fresh(
        Database.layer({
          url: viaProxy,
          models: [Reading],
          poolSize: options.poolSize ?? 3,
          connectTimeout: "3 seconds",
          ...options
        })
      )
    const clean = Effect.gen(function* () {
      yield* Reading.bulkDelete({ filter: {}, confirmed: true })
      yield* Reading.bulkCreate({ data: rows(5, "k") })
    })
    // afterwards: the pool works again and nothing of ours runs or holds a transaction on the server
    const recovered = Effect.gen(function* () {
      proxy.resume()
      expect(yield* Reading.count()).toBe(5)
      yield* Reading.create({ id: "after", sensor: "s", value: 1 })
      yield* Reading.delete({ id: "after" })
      yield* eventually(async () => (await busy()) === 0, 10_000, "no busy session of ours")
    })

    it.effect("a connection cut during a statement: ConnectionError(lost); the pool recovers", () =>
      Effect.gen(function* () {
        yield* clean
        const db = yield* sqlDatabase
        const slow = dialect === "postgres" ? "SELECT pg_sleep(1.5) AS s" : "SELECT SLEEP(1.5) AS s"
        const running = yield* Effect.fork(db.query({ sql: slow, params: [] }))
        yield* eventually(async () => (await busy()) >= 1, 10_000, "the statement running")
        proxy.cut()
        const exit = yield* Fiber.await(running)
        expect(outcome(exit)).toBe("ConnectionError")
        expect(exit).toMatchObject({ cause: { error: { phase: "lost" } } })
        expect((exit as { cause: { error: Error } }).cause.error.message).toMatch(/was lost during a statement/)
        yield* recovered
      }).pipe(Effect.provide(through()))
    )

    // the server provably inside the load when the connection breaks: our session inside its COPY
    // (PostgreSQL), or a transaction of ours that has inserted rows already (MariaDB: the batches)
    const insideLoad = async () => {
      const rows =
        dialect === "postgres"
          ? await direct(
              dialect,
              url,
              "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE 'COPY %'",
              [who]
            )
          : await direct(
              dialect,
              url,
              "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = ? AND t.trx_rows_modified > 0",
              [who]
            )
      return Number(rows[0]!["n"]) === 1
    }
    // a load of about 4 MB, of which the server gets the first 256 kB (the COPY started, or the
    // first batches inserted), the rest held back by the proxy
    const startLoad = (prefix: string) =>
      Effect.gen(function* () {
        proxy.stallAfter(256 * 1024)
        const loading = yield* Effect.fork(Reading.bulkCreate({ data: rows(50_000, prefix), batchSize: 2_000 }))
        yield* eventually(
          async () => proxy.heldUpstream() > 0 && (await insideLoad()),
          10_000,
          "the server inside the load, the rest held back"
        )
        return loading
      })

    it.effect(
      `a connection cut mid-bulkCreate (${dialect === "postgres" ? "COPY" : "multi-row INSERTs in a transaction"}, outside a transaction of the caller's): ConnectionError(lost), no row written, the process survives`,
      () =>
        Effect.gen(function* () {
          yield* clean
          const escapes = watchEscapes()
          const loading = yield* startLoad("b")
          proxy.cut()
          proxy.resume()
          const exit = yield* Fiber.await(loading)
          expect(outcome(exit)).toBe("ConnectionError")
          expect(exit).toMatchObject({ cause: { error: { phase: "lost" } } })
          expect(yield* Effect.promise(() => directCount(dialect, url, Reading.info.table))).toBe(5)
          yield* recovered
          expect(escapes.stop()).toEqual([])
        }).pipe(Effect.provide(through()))
    )

    it.effect(
      "the server kills our session mid-bulkCreate: ConnectionError(lost), no row written, the process survives",
      () =>
        Effect.gen(function* () {
          yield* clean
          const escapes = watchEscapes()
          const loading = yield* startLoad("c")
          yield* Effect.promise(() => killSessions(dialect, url, who))
          proxy.resume()
          const exit = yield* Fiber.await(loading)
          expect(outcome(exit)).toBe("ConnectionError")
          expect(exit).toMatchObject({ cause: { error: { phase: "lost" } } })
          expect(yield* Effect.promise(() => directCount(dialect, url, Reading.info.table))).toBe(5)
          yield* recovered
          expect(escapes.stop()).toEqual([])
        }).pipe(Effect.provide(through()))
    )

    it.effect(
      "a silent server (the proxy stops forwarding): StatementTimeout(CLIENT_TIMEOUT) within the bound, the connection discarded",
      () =>
        Effect.gen(function* () {
          yield* clean
          const before = (yield* Effect.promise(() => sessions(dialect, url, who))).total
          proxy.stall()
          const exit = yield* Effect.exit(Reading.count())
          expect(outcome(exit)).toBe("StatementTimeout")
          expect(exit).toMatchObject({ cause: { error: { code: "CLIENT_TIMEOUT" } } })
          // given up, not returned to the pool: its server session goes once the proxy lets the close through
          yield* recovered
          yield* eventually(
            async () => (await sessions(dialect, url, who)).total <= before,
            10_000,
            "the discarded session gone"
          )
        }).pipe(Effect.provide(through({ statementTimeout: "300 millis" })))
    )

    it.effect(
      "a silent server inside a transaction: StatementTimeout, the transaction's writes never land, no transaction left open",
      () =>
        Effect.gen(function* () {
          yield* clean
          const exit = yield* Effect.exit(
            Database.transaction(
              Effect.gen(function* () {
                yield* Reading.create({ id: "t1", sensor: "s", value: 1 })
                proxy.stall()
                yield* Reading.create({ id: "t2", sensor: "s", value: 2 })
              })
            )
          )
          expect(outcome(exit)).toBe("StatementTimeout")
          proxy.resume()
          expect(yield* Effect.promise(() => directCount(dialect, url, Reading.info.table))).toBe(5)
          yield* recovered
        }).pipe(Effect.provide(through({ statementTimeout: "300 millis" })))
    )

    it.effect(
      "connecting to a silent server: ConnectionError(connect) after connectTimeout (the option, or the URL's ?connectTimeout=)",
      () =>
        Effect.gen(function* () {
          const before = (yield* Effect.promise(() => sessions(dialect, url, who))).total
          proxy.stall()
          const withTimeout = `${viaProxy}${viaProxy.includes("?") ? "&" : "?"}connectTimeout=500`
          for (const options of [{ url: viaProxy, connectTimeout: "500 millis" }, { url: withTimeout }] as const) {
            const started = Date.now()
            const error = yield* Effect.flip(Effect.provide(Database.health, Database.layer(options)))
            expect(error).toMatchObject({ _tag: "ConnectionError", phase: "connect" })
            // far from the 10 s default (a bound, not a timing assertion)
            expect(Date.now() - started).toBeLessThan(5_000)
          }
          proxy.resume()
          // the attempts given up leave no session behind once the proxy forwards again
          yield* eventually(
            async () => (await sessions(dialect, url, who)).total <= before,
            10_000,
            "no session of the attempts"
          )
        })
    )
  })
}

/** Ends every session of ours from the server side (pg_terminate_backend / KILL CONNECTION). */
const killSessions = async (dialect: "postgres" | "mysql", url: string, who: string) => {
  if (dialect === "postgres") {
    await direct(dialect, url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
      who
    ])
    return
  }
  const ids = await direct(
    dialect,
    url,
    "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
    [who]
  )
  for (const { id } of ids) await direct(dialect, url, `KILL CONNECTION ${Number(id)}`).catch(() => undefined)
}
