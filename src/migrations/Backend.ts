/**
 * The seam between migration planning and a database family's statements.
 *
 * Planning (this folder: the diff of models against the live schema, the destructive, ledger and
 * adoption rules, checksums, the lock, plan and apply) decides *what* changes — create a table, add
 * a column, drop a key — and asks a `MigrationBackend` for the statements that do it and undo it,
 * for the ledger's storage and for the row counts of its prechecks. It never writes a statement
 * itself: a statement is opaque text to it, shown in a plan, checksummed, stored in the ledger and
 * handed back to the same backend to run.
 *
 * The SQL family implements it from a dialect's hooks (src/sql/migrations/Backend.ts); Family.ts
 * says which backend a database uses. A document family (MongoDB) would answer `createTable` with
 * createCollection and createIndex commands, `alterColumn` with a collMod validator, keep its
 * ledger in a collection and count precheck rows with countDocuments — without a change here.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { ErrorContext } from "../sql/Dialect.js"
import type { Runner } from "../sql/Runner.js"
import type { DefaultValue } from "./Defaults.js"
import type { LedgerEntry } from "./Ledger.js"
import type { LiveColumn, LiveKey, LiveTable } from "./LiveSchema.js"
import type { SearchIndexStatements } from "./SearchIndex.js"
import type { Conversion } from "./TypeChange.js"
import type { Operation, Precheck } from "./Operation.js"

export type { SearchIndexShape, SearchIndexStatements } from "./SearchIndex.js"

/** What a migration backend needs of the Database service. */
export type MigrationDb = Pick<Runner, "dialect" | "hooks" | "query" | "write">

/** A column as a model wants it: the type in the backend's own spelling, and whether it may be empty. */
export interface ColumnShape {
  readonly type: string
  readonly nullable: boolean
}

/** Why a table is rebuilt (a change the backend cannot make in place), folded into one operation. */
export interface RebuildReason {
  readonly description: string
  readonly destructive: boolean
  readonly prechecks?: ReadonlyArray<Precheck>
}

/** Whether vectors can be stored: ready, or a statement makes them so, or they cannot be (the reason says how to fix). */
export type VectorSupport =
  | { readonly kind: "ready" }
  | { readonly kind: "create"; readonly description: string; readonly up: ReadonlyArray<string> }
  | { readonly kind: "missing"; readonly reason: string }

/** The statements that make and undo each kind of operation. */
export interface MigrationStatements {
  /** Columns cannot be altered or dropped in place, nor unique keys dropped: such changes rebuild the table. */
  readonly rebuildsTables: boolean
  /** The column a model's field wants (`keyed`: part of a key or index). */
  readonly expectedColumn: (model: ModelInfo, field: Field, keyed: boolean) => ColumnShape
  /** The live type a JSON field reads back as, whatever its declared spelling; undefined: as declared. */
  readonly liveJsonType: string | undefined
  /** The model's table and its indexes. */
  readonly createTable: (model: ModelInfo) => ReadonlyArray<string>
  readonly dropTable: (table: string) => ReadonlyArray<string>
  /** A live table created again as introspected (the undo of dropping it). */
  readonly recreateTable: (live: LiveTable) => ReadonlyArray<string>
  /** Adds a model's column; `existingRows` shows the value existing rows get when it is required. */
  readonly addColumn: (
    table: string,
    field: Field,
    type: string,
    value: DefaultValue | undefined
  ) => { readonly up: ReadonlyArray<string>; readonly existingRows: string }
  readonly dropColumn: (table: string, column: string) => ReadonlyArray<string>
  /** A dropped live column added back (nullable: its values are gone). */
  readonly addLiveColumn: (table: string, column: LiveColumn) => ReadonlyArray<string>
  /** Changes a column's type and/or nullability to `to`. */
  readonly alterColumn: (
    table: string,
    column: string,
    to: ColumnShape,
    typeChanged: boolean,
    nullChanged: boolean
  ) => ReadonlyArray<string>
  readonly addIndex: (table: string, key: LiveKey) => ReadonlyArray<string>
  readonly dropIndex: (table: string, key: LiveKey) => ReadonlyArray<string>
  readonly addUnique: (table: string, key: LiveKey) => ReadonlyArray<string>
  readonly dropUnique: (table: string, key: LiveKey) => ReadonlyArray<string>
  /** What finds the rows a narrowing of `column` would reject (a `fits` precheck's condition), when any can be. */
  readonly misfitCondition: (column: string, conversion: Conversion) => string | undefined
  /** A note for `migrate plan` about a live column that compares case- or accent-insensitively. */
  readonly collationNote: (table: string, column: LiveColumn) => string | undefined
  /** Vector and text index objects (absent: none are made on this database). */
  readonly search?: SearchIndexStatements
  /** One operation that rebuilds `live` into the model's table, keeping every row (when `rebuildsTables`). */
  readonly rebuildTable: (
    model: ModelInfo,
    live: LiveTable,
    reasons: ReadonlyArray<RebuildReason>,
    options: { readonly defaults?: Readonly<Record<string, DefaultValue>> }
  ) => Operation
}

/** Where the ledger's entries are kept (see Ledger.ts for what they mean). */
export interface LedgerStore {
  /** Creates the ledger when missing, and adds what an older ledger lacks (under the migration lock). */
  readonly ensure: (db: MigrationDb) => Effect.Effect<void, Errors.QueryError>
  /** Whether the ledger exists (without creating it). */
  readonly exists: (db: MigrationDb) => Effect.Effect<boolean, Errors.QueryError>
  /** Every entry, oldest first. */
  readonly list: (db: MigrationDb) => Effect.Effect<ReadonlyArray<LedgerEntry>, Errors.QueryError>
  /** Records that a plan started (not finished, not a success). */
  readonly start: (
    db: MigrationDb,
    entry: Omit<LedgerEntry, "finishedAt" | "success" | "failedStep">
  ) => Effect.Effect<void, Errors.QueryError>
  /** Records success. */
  readonly finish: (db: MigrationDb, id: string) => Effect.Effect<void, Errors.QueryError>
  /** Records which step failed (the entry stays dirty). */
  readonly fail: (db: MigrationDb, id: string, step: string) => Effect.Effect<void, Errors.QueryError>
  /** Removes an entry. */
  readonly remove: (db: MigrationDb, id: string) => Effect.Effect<void, Errors.QueryError>
}

/** A database family's migrations: statements, the ledger, and what planning reads and runs. */
export interface MigrationBackend {
  readonly statements: MigrationStatements
  readonly ledger: LedgerStore
  /** The rows a precheck counts: NULLs, values that do not fit, rows sharing a new unique key. */
  readonly countRows: (
    db: MigrationDb,
    check: Exclude<Precheck, { readonly kind: "problem" }>
  ) => Effect.Effect<number, Errors.QueryError>
  /**
   * Whether vector columns (`"column"`: PostgreSQL's pgvector extension) or vector indexes (`"index"`:
   * SQLite's sqlite-vec module) can be made here, asked before a plan makes one.
   */
  readonly vectorSupport: (db: MigrationDb, need: "column" | "index") => Effect.Effect<VectorSupport, Errors.QueryError>
  /** Every table (collection) name of the current schema. */
  readonly tableNames: (db: MigrationDb) => Effect.Effect<ReadonlyArray<string>, Errors.QueryError>
  /** Runs one statement of a plan (or of a ledger entry's undo). */
  readonly run: (db: MigrationDb, statement: string, context: ErrorContext) => Effect.Effect<void, Errors.QueryError>
}
