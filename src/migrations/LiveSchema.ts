/**
 * What introspection reads from a live database: tables, columns, keys and indexes, in one shape
 * for every dialect. Types are normalized by the dialect (`normalizeType`) so that a model's
 * column type and the live one compare as plain strings.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { QueryError } from "../Errors.js"
import type { FieldKind } from "../model/Field.js"

/** One live column. */
export interface LiveColumn {
  readonly name: string
  /** The type as the database reports it, normalized (lower case, no collation, no display width). */
  readonly type: string
  readonly nullable: boolean
  readonly primaryKey: boolean
  /** An identity / AUTO_INCREMENT / AUTOINCREMENT column. */
  readonly autoIncrement: boolean
  /** A CHECK (col IN (...)) list found on the column, when the dialect reports one. */
  readonly literals?: ReadonlyArray<string>
  /** A JSON column (MariaDB reports JSON as longtext with a json_valid check). */
  readonly json?: boolean
  /** The column's collation where the database reports one per column (MySQL/MariaDB). */
  readonly collation?: string
}

/** What a live type reads as. */
export interface DiscoveredType {
  readonly kind: FieldKind
  /** VARCHAR(n) */
  readonly maxLength?: number
  /** NUMERIC(p, s): p; a timestamp's fractional-second digits (DATETIME(3): 3), when not our default. */
  readonly precision?: number
  /** NUMERIC(p, s): s */
  readonly scale?: number
  /** A timestamp that keeps an instant (timestamptz, MySQL TIMESTAMP), rather than a wall-clock time. */
  readonly timeZone?: boolean
  /** vector(n): n */
  readonly dimensions?: number
  /** A DATE, which keeps only the day: `DataFlow.dateOnly()`. */
  readonly dayOnly?: boolean
}

/** A unique key or secondary index. */
export interface LiveKey {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  /** SQLite: a UNIQUE table constraint (an automatic index that only a table rebuild can drop). */
  readonly constraint?: boolean
}

/** A foreign key: `columns` of this table reference `columns` of `references.table`. */
export interface LiveForeignKey {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly references: { readonly table: string; readonly columns: ReadonlyArray<string> }
  /** `CASCADE`, `SET NULL`, … where the catalog is read for them (SQLite, for its table rebuild). */
  readonly onUpdate?: string
  readonly onDelete?: string
}

/**
 * A search index object of a table: a vector index (pgvector HNSW/IVFFlat index, SQLite vec0 table
 * and its triggers) or a text index (PostgreSQL GIN index, SQLite FTS5 table and its triggers).
 */
export interface LiveSearchIndex {
  readonly kind: "vector" | "text"
  /** The index (PostgreSQL) or the virtual table (SQLite). */
  readonly name: string
  /** What it indexes, compared with what a model wants (the backend's spelling, the same on both sides). */
  readonly identity: string
  /** The columns it covers, for the plan's description. */
  readonly columns: ReadonlyArray<string>
  /** The statements that create it again as it is (the undo of dropping it; SQLite: with its triggers and backfill). */
  readonly sql: ReadonlyArray<string>
  /** SQLite: the triggers that keep it in sync with the table (made again when the table is rebuilt). */
  readonly triggerSql?: ReadonlyArray<string>
}

/** One live table. */
export interface LiveTable {
  readonly name: string
  readonly columns: ReadonlyArray<LiveColumn>
  readonly unique: ReadonlyArray<LiveKey>
  readonly indexes: ReadonlyArray<LiveKey>
  /** The primary key's columns in key order (a composite key's order is not the columns' order). */
  readonly primaryKey?: ReadonlyArray<string>
  readonly foreignKeys?: ReadonlyArray<LiveForeignKey>
  /** SQLite: the table's definition and index statements as stored (used to rebuild it back). */
  readonly sql?: string
  readonly indexSql?: ReadonlyArray<string>
  /** SQLite: the other tables whose foreign keys reference this one (a rebuild would drop it under them). */
  readonly referencedBy?: ReadonlyArray<string>
  /** The foreign keys (of any table, this one too) that reference columns of this one: what they need of it. */
  readonly referencingKeys?: ReadonlyArray<LiveReference>
  /** Vector and text indexes (src/model/Search.ts declares them on models). */
  readonly searchIndexes?: ReadonlyArray<LiveSearchIndex>
  /** SQLite: the table's other triggers as stored (a rebuild makes them again). */
  readonly triggerSql?: ReadonlyArray<string>
}

/** Runs a read-only catalog query. */
export type Query = (
  sql: string,
  params?: ReadonlyArray<unknown>
) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, QueryError>

/** A dialect's introspection. */
export interface Introspector {
  /** Tables of the current schema/database (`only`: just these names). */
  readonly tables: (query: Query, only?: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<LiveTable>, QueryError>
  /** The live spelling of a type our hooks write (`TEXT COLLATE "C"` → `text`). */
  readonly normalizeType: (declared: string) => string
  /**
   * What a live column type is as a model field, where this database's answer differs from the
   * shared rules of discovery — chiefly the types our own DDL writes (MySQL: `tinyint(1)` is a
   * boolean, `char(36)` a UUID, `varchar(255)` our unbounded keyed string, `datetime(6)` and
   * `decimal(65,30)` a plain Date and BigDecimal; PostgreSQL: `timestamp with time zone` a plain
   * Date). Undefined: the shared rules decide.
   */
  readonly discoveredKind: (type: string) => DiscoveredType | undefined
  /** Decimal places a live decimal column keeps; undefined when the database keeps what it is given (SQLite). */
  readonly decimalScale: (type: string) => number | undefined
  /** Fractional second digits a live timestamp column keeps; undefined when it keeps what it is given (SQLite). */
  readonly fractionalDigits: (type: string) => number | undefined
  /** Whether a live column keeps only the day (a DATE); false where it keeps what it is given (SQLite). */
  readonly keepsDayOnly: (type: string) => boolean
}

/** The ledger table's name: never diffed; discovery lists it as a table that is not a model. */
export const ledgerTable = "dataflow_migrations"

/** `a,b` — a key's identity for comparison (names may differ; SQLite's are generated). */
export const keyOf = (columns: ReadonlyArray<string>): string => columns.join(",")

/** A foreign key as the table it references sees it: whose it is, and which of the referenced table's columns it uses. */
export interface LiveReference {
  readonly table: string
  readonly name: string
  /** The referenced table's columns, in the key's order. */
  readonly columns: ReadonlyArray<string>
}

/** The foreign keys that reference each table, by referenced table, from every table's foreign keys. */
export const referencesByTable = (
  tables: Iterable<readonly [string, { readonly foreignKeys: ReadonlyArray<LiveForeignKey> }]>
): ReadonlyMap<string, ReadonlyArray<LiveReference>> => {
  const by = new Map<string, Array<LiveReference>>()
  for (const [table, { foreignKeys }] of tables) {
    for (const fk of foreignKeys) {
      const list = by.get(fk.references.table) ?? []
      list.push({ table, name: fk.name, columns: fk.references.columns })
      by.set(fk.references.table, list)
    }
  }
  return by
}

/** A table's catalog rows gathered per table while introspecting. */
export interface TableParts {
  readonly columns: Array<LiveColumn>
  readonly unique: Array<LiveKey>
  readonly indexes: Array<LiveKey>
  readonly primaryKey: Array<string>
  readonly foreignKeys: Array<LiveForeignKey>
}

/** Per-table accumulators: `entry(table)` gives the table's parts, made on first use. */
export const tablePartsMap = () => {
  const byTable = new Map<string, TableParts>()
  const entry = (t: string): TableParts => {
    let e = byTable.get(t)
    if (e === undefined) byTable.set(t, (e = { columns: [], unique: [], indexes: [], primaryKey: [], foreignKeys: [] }))
    return e
  }
  return { byTable, entry }
}
