/**
 * The migration lock, dispatched to the dialect's own (src/dialects/<db>/Lock.ts).
 *
 * @since 0.1.0
 */
import { withMysqlLock } from "../dialects/mysql/Lock.js"
import { withPostgresLock } from "../dialects/postgres/Lock.js"
import { withSqliteLock } from "../dialects/sqlite/Lock.js"
import type { WithLock } from "./LockTypes.js"

/** Runs an effect under the migration lock of the database's dialect. */
export const withLock: WithLock = (db, timeoutMs, effect) => {
  switch (db.dialect) {
    case "postgres":
      return withPostgresLock(db, timeoutMs, effect)
    case "mysql":
      return withMysqlLock(db, timeoutMs, effect)
    case "sqlite":
      return withSqliteLock(db, timeoutMs, effect)
  }
}
