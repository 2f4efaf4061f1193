/**
 * The migration lock: the dialect's own (src/dialects/<db>/Lock.ts), which the Database service
 * carries (`Runner.lock`, set from the dialect's registry entry).
 *
 * @since 0.1.0
 */
import type { WithLock } from "./LockTypes.js"

/** Runs an effect under the migration lock of the database's dialect. */
export const withLock: WithLock = (db, timeoutMs, effect) => db.lock(db, timeoutMs, effect)
