/**
 * The hooks one SQL dialect supplies to the one compiler: quoting, placeholders, column types,
 * the few operators whose SQL differs, upsert clauses, transactions and error classification.
 *
 * @since 0.1.0
 */
import type { QueryError } from "../Errors.js"
import type { MigrationHooks } from "./migrations/Hooks.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { PathAs } from "../query/Filter.js"
import type { AggregateHooks } from "../documents/SqlAggregateHooks.js"
import type { DocumentHooks } from "../documents/SqlHooks.js"
import type { Distance, TextSearchSpec } from "../model/Search.js"
import type { TextTerm } from "../backend/Backend.js"
import type { DialectName } from "./DialectName.js"

export type { DialectName }

/** Isolation levels a transaction may ask for. */
export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable"

/** How a dialect stores values that JavaScript has one representation for. */
export interface CodecFlags {
  readonly booleanAsInt: boolean
  readonly dateAsText: boolean
  readonly jsonParsedByDriver: boolean
  /** The driver binds and returns JavaScript bigint (else decimal strings). */
  readonly bigintNative: boolean
  /**
   * How a vector travels: pgvector's text `[1,2,3]`, sqlite-vec's little-endian float32 BLOB, or a
   * JSON array of the float32 values (MariaDB, which has no vector type).
   */
  readonly vectorAs: "text" | "float32" | "json"
}

/** What a write statement reported. */
export interface WriteResult {
  readonly affected: number
  readonly rows: ReadonlyArray<Record<string, unknown>>
  /** MySQL's info line ("Records: 3  Duplicates: 1  Warnings: 0"), sent for multi-row inserts only. */
  readonly info?: string
  /** First generated id of an INSERT where RETURNING is missing (MySQL). */
  readonly insertId?: number
}

/** Context a classifier may use to name the fields of a violated constraint. */
export interface ErrorContext {
  readonly model: string
  readonly table: string
  /** constraint/index name → fields */
  readonly constraints: ReadonlyMap<string, ReadonlyArray<string>>
  /** column → field name, for errors that list columns */
  readonly fieldOfColumn?: ReadonlyMap<string, string>
  /** the primary key's field names, to name a row that does not fit the model */
  readonly key?: ReadonlyArray<string>
  readonly operation: string
}

/** Identifiers, placeholders and literals. */
export interface Quoting {
  readonly quote: (identifier: string) => string
  /** Placeholder for the 1-based parameter `index`. */
  readonly placeholder: (index: number) => string
  /** Most bound parameters one statement may carry. */
  readonly maxParams: number
  /** A SQL string literal (DDL cannot bind parameters): quotes doubled; MySQL also escapes `\`. */
  readonly stringLiteral: (value: string) => string
}

/** Tables: column types, table options, the DDL of migrations. */
export interface Ddl {
  readonly columnType: (field: Field, keyed: boolean) => string
  /** Column definition of an auto-increment `id` primary key. */
  readonly autoIdColumn: string
  /** Appended to CREATE TABLE (engine, charset). */
  readonly tableOptions: string
  /** Secondary indexes go inside CREATE TABLE (MySQL has no CREATE INDEX IF NOT EXISTS). */
  readonly inlineIndexes: boolean
  /** The DDL of migrations that differs per database. */
  readonly migration: MigrationHooks
}

/** How values compare and sort. */
export interface Ordering {
  /**
   * The form of a column that compares by value with `orderedParam` (SQLite: TEXT decimals and
   * dates by value, text `COLLATE BINARY`; PostgreSQL: text by code point in a `range` comparison).
   * Kept where an index of our own still serves it. `range`: the comparison orders (<, <=, >, >=)
   * rather than tests equality.
   */
  readonly orderedValue: (expr: string, field: Field, range?: boolean) => string
  /**
   * The form of a bound value compared with a column (SQLite: decimals and dates as
   * `orderedValue`; MySQL: text under the binary collation, whatever the column's own collation).
   */
  readonly orderedParam: (param: string, field: Field) => string
  /** The form of a column ORDER BY sorts by (MySQL: binary collation where the column has another). */
  readonly sortKey: (expr: string, field: Field) => string
  /**
   * ORDER BY term with NULLs last ascending and first descending (PostgreSQL's default) everywhere.
   * A NOT NULL column gets the plain term, so an index can serve the order (MySQL's `x IS NULL` and
   * SQLite's NULLS LAST would force a sort).
   */
  readonly orderTerm: (expr: string, descending: boolean, nullable: boolean) => string
  /**
   * What the SQL needs to learn about an existing table, run once the table is ready (MySQL: which
   * text columns already have the binary collation, so that ORDER BY can use them bare).
   */
  readonly inspectTable?: (model: ModelInfo) => {
    readonly sql: string
    readonly params: ReadonlyArray<unknown>
    readonly learn: (rows: ReadonlyArray<Record<string, unknown>>) => void
  }
}

/** The few operators whose SQL differs. */
export interface Operators {
  /** The expression as text (PostgreSQL's uuid needs a cast before LIKE). */
  readonly textOf: (expr: string, field: Field) => string
  /** Case-sensitive LIKE, or case-insensitive with `caseInsensitive`; `\` escapes. */
  readonly like: (expr: string, param: string, caseInsensitive: boolean) => string
  readonly regex: (expr: string, param: string) => string
}

/** JSON paths and membership. */
export interface Json {
  /**
   * A JSON path's value as SQL text/number/boolean (NULL when absent, JSON null or another type).
   * A digit segment indexes an array only: never an object key, never a non-array taken as one.
   * `pathParam(n)` binds the path of the first `n` of `segments` (default: all of them).
   */
  readonly jsonValue: (
    column: string,
    pathParam: (prefix?: number) => string,
    as: PathAs | "present",
    segments: ReadonlyArray<string>
  ) => string
  /** Bound form of a path (PostgreSQL: text[]; others: `$.a.b`). */
  readonly jsonPath: (segments: ReadonlyArray<string>) => unknown
  /** Membership of a scalar in a JSON array column. */
  readonly jsonHas: (column: string, param: string) => string
  readonly jsonHasParam: (value: string | number) => unknown
}

/** INSERT/UPDATE/DELETE: RETURNING, bulk forms and the driver's write result. */
export interface Writes {
  /** INSERT/UPDATE/DELETE ... RETURNING */
  readonly returning: boolean
  /**
   * A bulk INSERT taking one array parameter per column (PostgreSQL `unnest`): one statement text
   * for every batch size, and no parameter limit. Absent: multi-row VALUES.
   */
  readonly insertColumnar?: (model: ModelInfo, columns: ReadonlyArray<Field>, suffix: string) => string
  /**
   * Bulk inserts through COPY (PostgreSQL): the statement, and a batch's bound values (row after
   * row, `width` per row) as COPY data. Used when the driver can copy and no row may be skipped.
   */
  readonly copy?: {
    readonly statement: (model: ModelInfo, columns: ReadonlyArray<Field>) => string
    readonly data: (values: ReadonlyArray<unknown>, width: number) => string
  }
  /** Reads a driver's raw write result. */
  readonly readResult: (raw: unknown) => WriteResult
}

/** Upserts and skipped duplicates. */
export interface Upsert {
  /** Clause after VALUES that applies `assignments` ("col = expr, …") when `conflict` collides. */
  readonly upsertClause: (conflict: ReadonlyArray<string>, assignments: string) => string
  /** A RETURNING item `df_inserted` that is true when an upsert inserted (PostgreSQL: xmax = 0). */
  readonly insertedFlag?: string
  /**
   * How bulkUpsert counts its inserts without reading the keys first (absent: it reads them under lock).
   * "rowid": a new row's rowid is above every rowid before it, and the write transaction is the only
   * writer (SQLite). "duplicates": a multi-row upsert reports how many rows met an existing row (MySQL's
   * info line; with CLIENT_FOUND_ROWS, mysql2's default, rows set to their own values count too), and
   * `upsertGuard` stops a collision on another key from updating a row other than the target's.
   */
  readonly upsertCount?: "rowid" | "duplicates"
  /**
   * An assignment for the upsert clause that fails the statement (DatabaseError `code`) when the row
   * that collided does not hold the incoming row's target key; the database undoes the statement.
   */
  readonly upsertGuard?: { readonly assignment: (conflict: ReadonlyArray<string>) => string; readonly code: string }
  /** The value a column would have had in the row that collided (EXCLUDED.c / VALUES(c)). */
  readonly excluded: (column: string) => string
  /**
   * The upsert clause fires on a collision with any unique key, not just the target (MySQL's
   * ON DUPLICATE KEY): the caller must check the other keys first to keep one meaning.
   */
  readonly upsertFiresOnAnyKey: boolean
  /**
   * The skip clause's duplicates are only reported for multi-row inserts (MySQL's info line):
   * a one-row batch must be tried alone under a savepoint instead.
   */
  readonly skipCountNeedsManyRows: boolean
  /** Clause after VALUES that skips rows colliding on any unique key. */
  readonly skipClause: (keyColumn: string) => string
}

/** Transactions, savepoints and row locks: the statements' texts. */
export interface Transactions {
  /** Statements that open a transaction at this isolation level. */
  readonly begin: (isolation: IsolationLevel | undefined) => ReadonlyArray<string>
  /** Ends a transaction, keeping its changes. */
  readonly commit: string
  /** Ends a transaction, undoing its changes. */
  readonly rollback: string
  /** Opens a nested scope named `name`. */
  readonly savepoint: (name: string) => string
  /** Ends the nested scope `name`, keeping its changes in the transaction. */
  readonly releaseSavepoint: (name: string) => string
  /** Undoes the nested scope `name`'s changes. */
  readonly rollbackToSavepoint: (name: string) => string
  /** Row lock for a read inside a write transaction ("" where the database locks otherwise). */
  readonly forUpdate: string
}

/** How the database and its driver behave. */
export interface Runtime {
  readonly codec: CodecFlags
  /**
   * One connection serves everything (SQLite): a transaction holds it, so tables are created inside
   * it, and statements cannot run side by side.
   */
  readonly oneConnection: boolean
  /**
   * `list` takes its total from a window count in the page's own statement (one round trip). False
   * where the database computes that window slower than a separate COUNT run beside the page
   * (MariaDB: about 2x the time of both statements on two connections; SQLite: 1.8x the page and
   * the COUNT one after the other, measured).
   */
  readonly windowTotal: boolean
}

/** Vector search (absent: the database has none, and searches fail UnsupportedFeature). */
export interface VectorHooks {
  /** The distance between the vector column `column` and the bound vector `param`, as SQL. */
  readonly distance: (column: string, param: string, distance: Distance) => string
  /**
   * An approximate index (pgvector's HNSW/IVFFlat) serves `ORDER BY <distance> LIMIT k` directly:
   * the search runs in a transaction after `tuning`'s statement (its settings last that transaction),
   * and falls back to an exact scan when the index returns fewer than k rows.
   */
  readonly tuning?: (settings: { readonly efSearch: number; readonly probes: number | undefined }) => {
    readonly sql: string
    readonly params: ReadonlyArray<unknown>
  }
  /**
   * The settings every connection opens with (PostgreSQL: `-c hnsw.ef_search=… -c hnsw.iterative_scan=…`
   * at connection start): a search asking for exactly these runs its one statement without `tuning`'s
   * transaction.
   */
  readonly sessionTuning?: { readonly efSearch: number }
  /**
   * An index table (sqlite-vec's vec0) answers the k nearest of a set of keys: the SQL of a subquery
   * with columns `df_key` and `df_distance`, given the vec0 table, the bound vector, the bound k and
   * the SQL of a key subquery (or undefined: every key).
   */
  readonly knnTable?: (table: string, vector: string, k: string, keys: string | undefined) => string
  /** The condition that a cosine distance is defined (not a zero vector's NULL / NaN). */
  readonly defined?: (distance: string) => string
  /** Index tables serve these distances only (vec0: cosine and l2). */
  readonly knnDistances?: ReadonlyArray<Distance>
}

/**
 * Text search (absent: the database has none, and searches fail UnsupportedFeature). One of two forms:
 * a condition and a score over the row's own columns (PostgreSQL), or an index table answering the
 * matches of a set of keys, joined back to the table (SQLite's FTS5).
 */
export interface TextHooks {
  /** The parsed query (src/query/TextQuery.ts) as the database's own query text, bound as a parameter. */
  readonly queryText: (query: ReadonlyArray<ReadonlyArray<TextTerm>>) => string
  /** Row form: the row matches the bound query text `param`, and its score (higher is better). */
  readonly rowMatch?: {
    readonly condition: (spec: TextSearchSpec, param: string) => string
    readonly score: (spec: TextSearchSpec, param: string) => string
  }
  /**
   * Index-table form: the SQL of a subquery with columns `df_key` and `df_score` (higher is better),
   * the matches of the bound query text `param` among the keys of `keys` (a key subquery, or undefined: every key).
   */
  readonly matchTable?: (table: string, param: string, keys: string | undefined) => string
}

/** Search: the vector and text hooks a database has. */
export interface Search {
  readonly vectors?: VectorHooks
  readonly text?: TextHooks
}

/** The document API's SQL pieces (docs/documents.md): JSON access and the aggregation stages. */
export interface Documents {
  readonly documents: { readonly hooks: DocumentHooks; readonly aggregates: AggregateHooks }
}

/** Error classification. */
export interface ErrorClassifier {
  /** Turns a driver failure into one of our typed errors. */
  readonly classify: (cause: unknown, context: ErrorContext | undefined) => QueryError
}

/** One SQL dialect's hooks, by concern. Everything else is shared. */
export interface Dialect
  extends
    Quoting,
    Ddl,
    Ordering,
    Operators,
    Json,
    Writes,
    Upsert,
    Transactions,
    Runtime,
    Search,
    Documents,
    ErrorClassifier {
  readonly name: DialectName
}

/** The transaction texts standard SQL gives every dialect here (each supplies its own `begin`). */
export const standardTransactions: Omit<Transactions, "begin" | "forUpdate"> = {
  commit: "COMMIT",
  rollback: "ROLLBACK",
  savepoint: (name) => `SAVEPOINT ${name}`,
  releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
  rollbackToSavepoint: (name) => `ROLLBACK TO SAVEPOINT ${name}`
}
