/**
 * The migration lock's shape: a dialect runs `effect` while holding a lock that every process
 * migrating the same schema takes, waiting at most `timeoutMs` for it.
 *
 * @since 0.1.0
 */
import type * as Errors from "../Errors.js"
export type { LockDb, WithLock } from "../sql/Runner.js"

/** Errors `migrate` can fail with. */
export type MigrateError =
  | Errors.QueryError
  | Errors.MigrationLockTimeout
  | Errors.DirtyMigration
  | Errors.ChecksumMismatch
  | Errors.DestructiveChangeRefused
  | Errors.SchemaMismatch
  | Errors.MigrationPrecheckFailed
