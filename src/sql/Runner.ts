/**
 * The statement-running part of the Database service, as migrations, locks and the ledger see it.
 * Its own module so that they need not import the service's module (which imports them).
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { Effect } from "effect"
import type * as Errors from "../Errors.js"
import type { Introspector } from "../migrations/LiveSchema.js"
import type { ModelInfo } from "../model/Model.js"
import type { Compiled } from "./Compiler.js"
import type { Dialect, DialectName, ErrorContext, IsolationLevel, WriteResult } from "./Dialect.js"

/** Anything that carries a model's runtime facts (every `DataFlow.model`). */
export interface ModelLike {
  readonly info: ModelInfo
}

/** Options of `Database.transaction`. */
export interface TransactionOptions {
  /** Applied with the dialect's own statement; SQLite is always serializable (a weaker level is upgraded). */
  readonly isolation?: IsolationLevel
  /** Run the whole transaction again this many times when it fails with TransactionConflict. */
  readonly retries?: number
}

/** Runs statements on one database: what every part above the driver needs. */
export interface Runner {
  readonly dialect: DialectName
  /**
   * The SQL compiler's hooks for this database (src/sql/Dialect.ts): for the library's own
   * modules, not public API; `dialect` is the public name. (Not marked internal: stripped, it broke the
   * published types that Pick it, src/migrations/Backend.ts; scripts/pack-check.sh type-checks them.)
   */
  readonly hooks: Dialect
  /** Escape hatch: the @effect/sql client (tagged template; values are bound). */
  readonly sql: SqlClient.SqlClient
  /** Models this layer was given, by name (node types resolve against these). */
  readonly models: ReadonlyMap<string, ModelLike>
  /** Runs a compiled query and returns its rows. */
  readonly query: (
    statement: Compiled,
    context?: ErrorContext
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, Errors.QueryError>
  /** Runs a compiled write and returns what it affected. */
  readonly write: (statement: Compiled, context?: ErrorContext) => Effect.Effect<WriteResult, Errors.QueryError>
  /** Runs `effect` in a transaction; nested calls use savepoints; typed errors pass through unchanged. */
  readonly transaction: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: TransactionOptions
  ) => Effect.Effect<A, E | Errors.QueryError | Errors.ValidationError, R>
  /**
   * The dialect's migration lock (src/dialects/<db>/Lock.ts), set from its registry entry.
   */
  readonly lock: WithLock
  /**
   * The dialect's catalog reader (src/dialects/<db>/Introspect.ts), set from its registry entry.
   */
  readonly introspector: Introspector
}

/** What a migration lock needs of the Database service. */
export type LockDb = Omit<Runner, "models"> & {
  /** Runs `effect` with its statements on `conn` (no transaction is opened). */
  readonly onConnection?: <A, E, R>(conn: Connection, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Runs `effect` under the migration lock, waiting at most `timeoutMs` for it. */
export type WithLock = <A, E, R>(
  db: LockDb,
  timeoutMs: number,
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<A, E | Errors.MigrationLockTimeout | Errors.QueryError | Errors.ValidationError, R>
