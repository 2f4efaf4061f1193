/**
 * The shapes of the `Database` service. `DatabaseCore` is what every database family provides and
 * all that the operations, workflows and the CLI use; `SqlDatabaseService` adds the SQL family's
 * statement runner (the `sql` escape hatch, compiler hooks, migration lock, catalog reader) and
 * `MongoDatabaseService` (src/mongo/Service.ts) the MongoDB driver's handle. `db.dialect` tells them
 * apart:
 *
 * ```ts
 * const db = yield* Database.Database
 * if (db.dialect !== "mongodb") yield* db.sql`SELECT 1`
 * ```
 *
 * @since 0.1.0
 */
import type { Duration, Effect } from "effect"
import type { EnsureError } from "./AutoMigrate.js"
import type { Backend } from "./backend/Backend.js"
import type { Collections } from "./documents/Collection.js"
import type { DatabaseName } from "./DatabaseName.js"
import type * as Errors from "./Errors.js"
import type * as Migrations from "./internal/Migrations.js"
import type { ModelInfo } from "./model/Model.js"
import type { Statements } from "./sql/backend/Deps.js"
import type { DialectName } from "./sql/Dialect.js"
import type { ModelLike, Runner, TransactionOptions } from "./sql/Runner.js"

export type { DatabaseName } from "./DatabaseName.js"

/** What every Database provides, whatever the database. */
export interface DatabaseCore {
  readonly dialect: DatabaseName
  /** Models this layer was given, by name (node types resolve against these). */
  readonly models: ReadonlyMap<string, ModelLike>
  /** What the operations run on (src/backend/Backend.ts), built once per layer. */
  readonly backend: Backend
  /** The model's table/collection is known to exist and inspected (or neither is needed): ensureTable would do nothing. */
  readonly isReady: (model: ModelInfo) => boolean
  /**
   * Creates the model's table (collection) once per layer (unless autoMigrate is off), or adds what it
   * gained to one this library created; with autoMigrate off, checks (read only) that its columns
   * keep every value its fields admit. autoMigrate's refusals keep their own tags (SchemaMismatch, …).
   */
  readonly ensureTable: (model: ModelInfo) => Effect.Effect<void, EnsureError>
  /** Runs `effect` in a transaction; typed errors pass through unchanged. */
  readonly transaction: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: TransactionOptions
  ) => Effect.Effect<A, E | Errors.QueryError | Errors.ValidationError | Errors.UnsupportedFeature, R>
  /** One round trip to the server. */
  readonly health: Effect.Effect<{ readonly dialect: DatabaseName; readonly latencyMs: number }, Errors.QueryError>
  /** Pool statistics where the driver exposes them. */
  readonly poolStats: () => { readonly total: number; readonly idle: number; readonly waiting: number } | undefined
  /** Operation spans: "auto" (only when a tracer other than Effect's built-in one is installed), "on", "off". */
  readonly tracing: "auto" | "on" | "off"
  /** Plans (and unless `dryRun`, applies under the migration lock) the changes that bring the schema to the models. */
  readonly migrate: (
    options?: Migrations.MigrateOptions
  ) => Effect.Effect<Migrations.MigrationResult, Migrations.MigrateError>
  /** Undoes the newest ledger entries. */
  readonly rollback: (
    options?: Migrations.RollbackOptions
  ) => Effect.Effect<Migrations.RollbackResult, Migrations.MigrateError>
  /** Removes a dirty (failed) migration's ledger entry after a person repaired the schema by hand; the entry removed. */
  readonly resolve: (
    id: string,
    options?: { readonly lockTimeout?: Duration.DurationInput }
  ) => Effect.Effect<Migrations.LedgerEntry, Migrations.MigrateError>
  /** The migration ledger, oldest first (empty when no migration ever ran). */
  readonly migrations: Effect.Effect<ReadonlyArray<Migrations.LedgerEntry>, Errors.QueryError>
  /** Introspects the database's tables (collections) into model descriptions. */
  readonly discover: () => Effect.Effect<ReadonlyArray<Migrations.ModelDescription>, Errors.QueryError>
  /** The document API (docs/documents.md): one collection by name. */
  readonly collection: Collections
}

/** A Database on PostgreSQL, MySQL/MariaDB or SQLite. */
export interface SqlDatabaseService extends Omit<DatabaseCore, "dialect" | "transaction">, Runner, Statements {
  readonly dialect: DialectName
  /** INSERT … RETURNING works here (every dialect with RETURNING, and MariaDB ≥ 10.5). */
  readonly insertReturning: boolean
}

/** A Database on MongoDB (src/mongo/Service.ts builds it). */
export interface MongoDatabaseService extends DatabaseCore {
  readonly dialect: "mongodb"
  /** The driver's handle (src/mongo/Client.ts), for the library's own MongoDB modules. */
  readonly mongo: unknown
}

/** The service every generated operation requires: one connected database of either family. */
export type DatabaseService = SqlDatabaseService | MongoDatabaseService
