/**
 * SQLite, embedded: one serialized better-sqlite3 connection per layer.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import * as Errors from "../../Errors.js"
import { driverCause } from "../../sql/ClassifyError.js"
import type { Connect } from "../../sql/Driver.js"
import * as Client from "./Client.js"
import { sqliteDialect } from "./Hooks.js"

/** Opens (or creates) the database file. */
export const connectSqlite: Connect<{ readonly filename: string }> = ({ filename }, options) =>
  Client.make({
    filename,
    // statementTimeout bounds the wait for another process's lock (a running statement cannot be interrupted)
    busyTimeoutMs: Math.min(
      Duration.toMillis(options.connectTimeout),
      options.statementTimeout === undefined ? Infinity : Duration.toMillis(options.statementTimeout)
    ),
    waitTimeoutMs: Duration.toMillis(options.connectTimeout),
    ...(options.journalMode !== undefined ? { journalMode: options.journalMode } : {})
  }).pipe(
    // anything that stops the file from opening (a missing directory, no permission, not a
    // database), except another process's lock (busy: retryable, as everywhere)
    Effect.mapError((e) => {
      const typed = sqliteDialect.classify(e, undefined)
      if (typed._tag === "TransactionConflict") return typed
      const driver = driverCause(e) as { code?: unknown }
      return new Errors.ConnectionError({
        dialect: "sqlite",
        code: typeof driver.code === "string" && driver.code.startsWith("SQLITE_") ? driver.code : "SQLITE_CANTOPEN",
        phase: "connect",
        cause: e
      })
    }),
    Effect.map(
      ({ acquire, client, control, execute, executeOn, executeOnSync, executeSync, firstRowSync, poolStats }) => ({
        client,
        dialect: sqliteDialect,
        execute,
        executeSync,
        executeOn,
        executeOnSync,
        firstRowSync,
        acquire,
        control,
        poolStats
      })
    )
  )
