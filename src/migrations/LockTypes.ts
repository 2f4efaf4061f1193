/**
 * The migration lock's shape: a dialect runs `effect` while holding a lock that every process
 * migrating the same schema takes, waiting at most `timeoutMs` for it.
 *
 * @since 0.1.0
 */
import type { Connection } from "@effect/sql/SqlConnection"
import type { Effect } from "effect"
import type * as Errors from "../Errors.js"
import type { Runner } from "../sql/Runner.js"

/** What a lock needs of the Database service. */
export type LockDb = Omit<Runner, "models"> & {
  /** Runs `effect` with its statements on `conn` (no transaction is opened). */
  readonly onConnection?: <A, E, R>(conn: Connection, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Runs `effect` under the migration lock. */
export type WithLock = <A, E, R>(
  db: LockDb,
  timeoutMs: number,
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<A, E | Errors.MigrationLockTimeout | Errors.QueryError | Errors.ValidationError, R>

/** Errors `migrate` can fail with. */
export type MigrateError =
  | Errors.QueryError
  | Errors.MigrationLockTimeout
  | Errors.DirtyMigration
  | Errors.ChecksumMismatch
  | Errors.DestructiveChangeRefused
  | Errors.SchemaMismatch
  | Errors.MigrationPrecheckFailed
