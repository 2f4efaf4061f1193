/**
 * MySQL/MariaDB: our mysql2 pool as an @effect/sql client, the server flavour read once to pick
 * its binary NO PAD collation.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import * as Errors from "../../Errors.js"
import { atConnect } from "../../sql/ClassifyError.js"
import type { Connect } from "../../sql/Driver.js"
import type { ServerUrl } from "../../Url.js"
import * as Client from "./Client.js"
import { makeMysqlDialect } from "./Hooks.js"

const probe = makeMysqlDialect("utf8mb4_bin")

/** Connects a pool, reads the server flavour and picks its binary NO PAD collation. */
export const connectMysql: Connect<ServerUrl> = (url, options) =>
  Effect.gen(function* () {
    const { acquire, client, control, execute, executeOn, poolStats } = yield* Client.make({
      host: url.host,
      port: url.port,
      database: url.database,
      user: url.user,
      password: url.password,
      tls: url.tls,
      poolSize: options.poolSize,
      connectTimeoutMs: Duration.toMillis(options.connectTimeout),
      idleTimeoutMs: Duration.toMillis(options.idleTimeout),
      statementTimeoutMs:
        options.statementTimeout === undefined ? undefined : Duration.toMillis(options.statementTimeout)
    })
    const rows = (yield* execute("SELECT VERSION() AS v", [], false)) as Array<{ v: string }>
    const mariadb = /mariadb/i.test(rows[0]?.v ?? "")
    const [major = 0, minor = 0] = (rows[0]?.v ?? "").split(/[.-]/).map(Number)
    return {
      client,
      dialect: makeMysqlDialect(mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin"),
      execute,
      executeOn,
      // MariaDB has INSERT … RETURNING since 10.5 (not UPDATE … RETURNING)
      insertReturning: mariadb && (major > 10 || (major === 10 && minor >= 5)),
      acquire,
      control,
      poolStats
    }
  }).pipe(Effect.mapError((e) => (e instanceof Errors.ValidationError ? e : atConnect(probe.classify(e, undefined)))))
