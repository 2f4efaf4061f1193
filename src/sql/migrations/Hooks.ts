/**
 * The DDL that differs per database, as hooks each dialect supplies (`Dialect.migration`, written
 * in src/dialects/<db>/Migration.ts). Statements.ts and Backend.ts (this folder) ask these instead
 * of testing the dialect's name.
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import type { SearchIndexStatements } from "../../migrations/SearchIndex.js"
import type { DefaultValue } from "../../migrations/Defaults.js"
import type { LiveColumn, LiveKey, LiveTable } from "../../migrations/LiveSchema.js"
import type { Operation, Precheck } from "../../migrations/Operation.js"
import type { ModelInfo } from "../../model/Model.js"

/** Why a table is rebuilt: one planned change the rebuild carries out. */
export interface RebuildReason {
  readonly description: string
  readonly destructive: boolean
  readonly prechecks?: ReadonlyArray<Precheck>
}

/** A dialect's migration hooks. */
export interface MigrationHooks {
  /**
   * ALTER TABLE can neither alter nor drop a column, nor drop a unique constraint: such changes
   * rebuild the table (SQLite).
   */
  readonly rebuildsTables: boolean
  /** A boolean as a column default. */
  readonly booleanDefault: (value: boolean) => string
  /** The empty byte string as a column default. */
  readonly emptyBytesDefault: string
  /** A string literal as the default of `field` (MySQL: TEXT and JSON defaults are expressions, in parentheses). */
  readonly textDefault: (field: Field, literal: string) => string
  /** An ISO timestamp literal (`'…T…Z'`) as a date column's default. */
  readonly dateDefault: (literal: string) => string
  /** Changes a column's type and/or nullability (`type` in the dialect's own spelling). */
  readonly alterColumn: (
    table: string,
    column: string,
    type: string,
    nullable: boolean,
    typeChanged: boolean,
    nullChanged: boolean
  ) => ReadonlyArray<string>
  readonly dropIndex: (table: string, name: string) => string
  /** A unique key: a table constraint, or a unique index where constraints cannot be added (SQLite). */
  readonly addUnique: (table: string, key: LiveKey) => string
  readonly dropUnique: (table: string, key: LiveKey) => string
  /** The definition of an auto-increment primary key column, to create a dropped table again. */
  readonly autoIncrementColumn: (name: string, type: string) => string
  /** A dropped table's own CREATE statements where the database keeps them (SQLite), else undefined. */
  readonly storedCreate: (table: LiveTable) => ReadonlyArray<string> | undefined
  /** The live type a JSON field reads back as, whatever its declared spelling (MariaDB: `json`). */
  readonly liveJsonType: string | undefined
  /** The number of characters of a text expression (a narrowing's precheck). */
  readonly charLength: (expr: string) => string
  /** Any expression as text, as the database converts it to a string column (a narrowing's precheck). */
  readonly asText: (expr: string) => string
  /** Text known to be a number as an exact number, for a range check (a narrowing's precheck). */
  readonly asNumber: (expr: string) => string
  /**
   * A note for `migrate plan` about a live column whose collation compares case- or
   * accent-insensitively, with the ALTER that would make it binary; undefined when there is none.
   */
  readonly collationNote: (table: string, column: LiveColumn) => string | undefined
  /** Every table name of the current schema/database: a query without parameters, column `name`. */
  readonly tableNamesSql: string
  /** Whether a column exists: a query with two placeholders, the table's and the column's names. */
  readonly columnExistsSql: string
  /** Whether the ledger table exists: a query with one placeholder, the table's name. */
  readonly tableExistsSql: string
  /** Vector and text index objects (absent: none are made, MariaDB). */
  readonly search?: SearchIndexStatements
  /**
   * The extension vector columns need (pgvector): a query without parameters answering `installed`,
   * `available` (on the server) and `allowed` (this user may create it), the statement that creates
   * it, and how to install it when it cannot be created.
   */
  readonly vectorExtension?: {
    readonly statusSql: string
    readonly create: ReadonlyArray<string>
    readonly missing: (why: "unavailable" | "forbidden") => string
    /** Installed in `schema`, which is not on the search_path (the type and operators would not resolve). */
    readonly offPath: (schema: string) => string
  }
  /** A query that fails when vector indexes cannot be made (SQLite: sqlite-vec not loaded), and what to do then. */
  readonly vectorIndexProbe?: { readonly sql: string; readonly missing: string }
  /** A vector as a column default where it is not stored as text (SQLite: a float32 BLOB literal). */
  readonly vectorDefault?: (values: ReadonlyArray<number>) => string
  /**
   * One operation that rebuilds `live` into the model's table, keeping every row: where
   * `rebuildsTables` (SQLite: src/dialects/sqlite/Rebuild.ts); absent elsewhere.
   */
  readonly rebuildTable?: (
    model: ModelInfo,
    live: LiveTable,
    reasons: ReadonlyArray<RebuildReason>,
    options: { readonly defaults?: Readonly<Record<string, DefaultValue>> }
  ) => Operation
}
