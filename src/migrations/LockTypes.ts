/**
 * The migration lock's shape: a dialect runs `effect` while holding a lock that every process
 * migrating the same schema takes, waiting at most `timeoutMs` for it.
 *
 * @since 0.1.0
 */
import type { Connection } from "@effect/sql/SqlConnection"
import type { Effect } from "effect"
import type { DatabaseService } from "../Database.js"
import type * as Errors from "../Errors.js"

/** What a lock needs of the Database service. */
export type LockDb = Pick<DatabaseService, "dialect" | "hooks" | "query" | "write" | "transaction" | "sql"> & {
  /** Runs `effect` with its statements on `conn` (no transaction is opened). */
  readonly onConnection?: <A, E, R>(conn: Connection, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Runs `effect` under the migration lock. */
export type WithLock = <A, E, R>(
  db: LockDb,
  timeoutMs: number,
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<A, E | Errors.MigrationLockTimeout | Errors.QueryError | Errors.ValidationError, R>
