/**
 * SQLite's migration lock: the migration runs in one `BEGIN IMMEDIATE` transaction (the write
 * lock, taken up front); another process waits for it up to the busy timeout (the layer's
 * `connectTimeout`). SQLite DDL is transactional: a failed plan leaves nothing behind.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../../Errors.js"
import type { WithLock } from "../../migrations/LockTypes.js"

export const withSqliteLock: WithLock = (db, _timeoutMs, effect) =>
  db.transaction(effect).pipe(
    Effect.catchIf(
      (e) =>
        (e as { _tag?: string })._tag === "TransactionConflict" &&
        /^SQLITE_BUSY/.test(String((e as { code?: string }).code)),
      () => Effect.fail(new Errors.MigrationLockTimeout({ dialect: "sqlite" }))
    )
  ) as never
