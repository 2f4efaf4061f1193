/**
 * MySQL/MariaDB through @effect/sql-mysql2 (mysql2 pool, prepared statements).
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as MysqlClient from "@effect/sql-mysql2/MysqlClient"
import { Duration, Effect, Redacted } from "effect"
import type { Connect } from "../../sql/Driver.js"
import { makeMysqlDialect } from "./Hooks.js"

const probe = makeMysqlDialect("utf8mb4_bin")

/** Connects a pool, reads the server flavour and picks its binary NO PAD collation. */
export const connectMysql: Connect<{
  readonly host: string
  readonly port: number
  readonly database: string | undefined
  readonly user: string | undefined
  readonly password: string | undefined
}> = (url, options) =>
  Effect.gen(function*() {
    const client = yield* MysqlClient.make({
      host: url.host,
      port: url.port,
      ...(url.database !== undefined ? { database: url.database } : {}),
      ...(url.user !== undefined ? { username: url.user } : {}),
      ...(url.password !== undefined ? { password: Redacted.make(url.password) } : {}),
      maxConnections: options.poolSize,
      connectionTTL: options.idleTimeout,
      poolConfig: {
        timezone: "Z",
        dateStrings: false,
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        connectTimeout: Duration.toMillis(options.connectTimeout),
        charset: "utf8mb4"
      }
    }).pipe(Effect.provide(Reactivity.layer))
    const rows = yield* client.unsafe<{ v: string }>("SELECT VERSION() AS v")
    const mariadb = /mariadb/i.test(rows[0]?.v ?? "")
    return {
      client,
      dialect: makeMysqlDialect(mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin"),
      poolStats: () => undefined
    }
  }).pipe(Effect.mapError((e) => probe.classify(e, undefined)))
