/**
 * SQLite, embedded: one serialized better-sqlite3 connection per layer.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import type { Connect } from "../../sql/Driver.js"
import * as Client from "./Client.js"
import { sqliteDialect } from "./Hooks.js"

/** Opens (or creates) the database file. */
export const connectSqlite: Connect<{ readonly filename: string }> = ({ filename }, options) =>
  Client.make({
    filename,
    busyTimeoutMs: Duration.toMillis(options.connectTimeout),
    ...(options.journalMode !== undefined ? { journalMode: options.journalMode } : {})
  }).pipe(
    Effect.mapError((e) => sqliteDialect.classify(e, undefined)),
    Effect.map(({ acquire, client, control, execute, executeOn, executeOnSync, executeSync, firstRowSync, poolStats }) => ({
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
    }))
  )
