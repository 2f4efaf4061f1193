/**
 * Faults, part 4: a server of the test's own (test/support/ServerInstance.ts: initdb /
 * mariadb-install-db on another port, started and stopped by PID) is restarted or has its
 * process killed under a running statement. Per case: the exact tag (ConnectionError "lost" for
 * the broken statement, "connect" while the server is down), the rows read back directly after
 * the restart, and the same layer's pool working again.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Schedule, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { dialectNames } from "../support/Dialects.js"
import { direct, directCount, eventually, outcome, sessions, withApplicationName } from "../support/FaultChecks.js"
import { type ServerInstance, startServerInstance } from "../support/ServerInstance.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Ledger = DataFlow.model("Ledger", { id: Schema.String, amount: Schema.Number })
const entries = Array.from({ length: 50 }, (_, i) => ({ id: `e${i}`, amount: i }))

const servers = dialectNames.filter((d): d is "postgres" | "mysql" => d !== "sqlite")

for (const dialect of servers) {
  describe(`faults with a server of our own: ${dialect}`, { timeout: 60_000 }, () => {
    let server: ServerInstance
    let url = ""
    const who = dialect === "postgres" ? "df_faults_restart" : "test"
    beforeAll(async () => {
      server = await startServerInstance(dialect)
      url =
        dialect === "postgres"
          ? withApplicationName(`${server.url}?options=${encodeURIComponent("-c search_path=public")}`, who)
          : server.url
    }, 60_000)
    afterAll(() => server?.destroy())

    const layer = () => Layer.fresh(Database.layer({ url, models: [Ledger], poolSize: 3, connectTimeout: "2 seconds" }))
    const slow = dialect === "postgres" ? "SELECT pg_sleep(20) AS s" : "SELECT SLEEP(20) AS s"
    const running = () => sessions(dialect, url, who).then((s) => s.busy >= 1)
    // the same layer works again once the server is back (a bounded number of tries: a restarting
    // server refuses or is in recovery for a moment, 57P03: only "connect" failures are retried, so a
    // dead pooled connection handed out after the restart fails the test); `it.live`: the real clock
    const recovers = Effect.gen(function* () {
      const count = yield* Ledger.count().pipe(
        Effect.retry({
          times: 40,
          while: (e) => e._tag === "ConnectionError" && e.phase === "connect",
          schedule: Schedule.spaced("100 millis")
        }),
        Effect.orElse(() => Effect.succeed(-1))
      )
      return count
    })

    it.live(
      "TLS: require encrypts; verify-full checks the CA and the host name, verify-ca the CA only; a failed check is ConnectionError(connect)",
      () =>
        Effect.gen(function* () {
          const at = (host: string, query: string) => {
            const u = new URL(server.url)
            u.hostname = host
            return `${u.toString()}${query === "" ? "" : `?${query}`}`
          }
          const ca = `sslrootcert=${encodeURIComponent(server.caFile)}`
          // whether the server says this session is encrypted
          const encrypted = (url: string) =>
            Effect.flatMap(sqlDatabase, (db) =>
              db.query(
                dialect === "postgres"
                  ? { sql: "SELECT ssl AS on FROM pg_stat_ssl WHERE pid = pg_backend_pid()", params: [] }
                  : { sql: "SHOW SESSION STATUS LIKE 'Ssl_cipher'", params: [] }
              )
            ).pipe(
              Effect.map((rows) =>
                dialect === "postgres" ? rows[0]!["on"] === true : String(rows[0]!["Value"] ?? "") !== ""
              ),
              Effect.provide(Layer.fresh(Database.layer({ url, connectTimeout: "3 seconds" })))
            )
          expect(yield* encrypted(at("127.0.0.1", ""))).toBe(false)
          expect(yield* encrypted(at("127.0.0.1", "sslmode=require"))).toBe(true)
          expect(yield* encrypted(at("127.0.0.1", "ssl=true"))).toBe(true)
          expect(yield* encrypted(at("localhost", `sslmode=verify-full&${ca}`))).toBe(true)
          expect(yield* encrypted(at("127.0.0.1", `sslmode=verify-ca&${ca}`))).toBe(true)
          // the system's CAs do not know ours
          expect(yield* Effect.flip(encrypted(at("localhost", "sslmode=verify-full")))).toMatchObject({
            _tag: "ConnectionError",
            phase: "connect"
          })
          // the certificate names localhost, not 127.0.0.1 (mysql2 cannot check an IP address: refused up front)
          expect(yield* Effect.flip(encrypted(at("127.0.0.1", `sslmode=verify-full&${ca}`)))).toMatchObject(
            dialect === "postgres"
              ? { _tag: "ConnectionError", phase: "connect" }
              : { _tag: "ValidationError", path: "url.sslmode" }
          )
        })
    )

    if (dialect === "postgres") {
      it.live("postgres: ?host= names a Unix socket directory", () =>
        Effect.gen(function* () {
          const rows = yield* Effect.flatMap(sqlDatabase, (db) =>
            db.query({ sql: "SELECT inet_server_addr() IS NULL AS unix", params: [] })
          ).pipe(
            Effect.provide(
              Layer.fresh(
                Database.layer({
                  url: `postgres://postgres@localhost:${server.port}/postgres?host=${encodeURIComponent(server.socketDir)}`
                })
              )
            )
          )
          expect(rows[0]!["unix"]).toBe(true)
        })
      )
    }

    it.live(
      "restarted under a running statement: ConnectionError(lost), then ConnectionError(connect) while down, then the data and the pool are back",
      () =>
        Effect.gen(function* () {
          const db = yield* sqlDatabase
          yield* Ledger.bulkDelete({ filter: {}, confirmed: true })
          yield* Ledger.bulkCreate({ data: entries })
          const statement = yield* Effect.fork(db.query({ sql: slow, params: [] }))
          yield* eventually(running, 10_000, "the statement running")
          yield* Effect.promise(() => server.stop("fast"))
          const lost = yield* Fiber.await(statement)
          expect(outcome(lost)).toBe("ConnectionError")
          expect(lost).toMatchObject({ cause: { error: { phase: "lost" } } })
          const down = yield* Effect.flip(Ledger.count())
          expect(down).toMatchObject({ _tag: "ConnectionError", phase: "connect", code: "ECONNREFUSED" })
          yield* Effect.promise(() => server.start())
          expect(yield* Effect.promise(() => directCount(dialect, url, Ledger.info.table))).toBe(50)
          expect(yield* recovers).toBe(50)
          yield* Ledger.create({ id: "after", amount: 1 })
          expect(yield* Effect.promise(() => directCount(dialect, url, Ledger.info.table))).toBe(51)
          yield* eventually(async () => (await sessions(dialect, url, who)).busy === 0, 10_000, "no busy session")
        }).pipe(Effect.provide(layer()))
    )

    it.live(
      "the server process running our statement is killed (SIGKILL): ConnectionError(lost); committed rows survive; the pool recovers",
      () =>
        Effect.gen(function* () {
          const db = yield* sqlDatabase
          yield* Ledger.bulkDelete({ filter: {}, confirmed: true })
          yield* Ledger.bulkCreate({ data: entries })
          const statement = yield* Effect.fork(
            Database.transaction(
              Effect.gen(function* () {
                yield* Ledger.create({ id: "uncommitted", amount: -1 })
                yield* db.query({ sql: slow, params: [] })
              })
            )
          )
          yield* eventually(running, 10_000, "the statement running")
          if (dialect === "postgres") {
            // the backend process of our session: PostgreSQL then resets every session and recovers
            const rows = yield* Effect.promise(() =>
              direct(
                dialect,
                url,
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
                [who]
              )
            )
            for (const { pid } of rows) process.kill(Number(pid), "SIGKILL")
          } else {
            // MariaDB is one process: kill it (a crash), start it again (InnoDB crash recovery)
            yield* Effect.promise(() => server.stop("kill"))
          }
          const lost = yield* Fiber.await(statement)
          expect(outcome(lost)).toBe("ConnectionError")
          expect(lost).toMatchObject({ cause: { error: { phase: "lost" } } })
          if (dialect === "mysql") yield* Effect.promise(() => server.start())
          expect(yield* recovers).toBe(50)
          expect(yield* Effect.promise(() => directCount(dialect, url, Ledger.info.table))).toBe(50)
          yield* eventually(async () => (await sessions(dialect, url, who)).busy === 0, 10_000, "no busy session")
        }).pipe(Effect.provide(layer()))
    )
  })
}
