/**
 * SQLite's migration hooks: ALTER TABLE adds and renames only, so altering or dropping a column
 * and dropping a unique constraint rebuild the table (src/dialects/sqlite/Rebuild.ts); unique keys
 * are unique indexes; a dropped table comes back from its own stored CREATE text; vector indexes
 * and text search are vec0 / FTS5 tables kept in sync by triggers (SearchTables.ts).
 *
 * @since 0.1.0
 */
import type { MigrationHooks } from "../../sql/migrations/Hooks.js"
import { sqliteSearch } from "./SearchTables.js"

/** A vector as sqlite-vec stores it: little-endian float32, as a BLOB literal. */
const float32Blob = (values: ReadonlyArray<number>): string =>
  `X'${Buffer.from(new Float32Array(values).buffer).toString("hex").toUpperCase()}'`

export const sqliteMigration = (quote: (id: string) => string): MigrationHooks => {
  const dropIndex = (_table: string, name: string) => `DROP INDEX ${quote(name)}`
  return {
    rebuildsTables: true,
    booleanDefault: (v) => (v ? "1" : "0"),
    emptyBytesDefault: "X''",
    textDefault: (_field, literal) => literal,
    dateDefault: (literal) => literal,
    // never asked for: these changes rebuild the table
    alterColumn: () => {
      throw new Error("SQLite alters a column by rebuilding its table")
    },
    dropIndex,
    addUnique: (table, key) =>
      `CREATE UNIQUE INDEX ${quote(key.name)} ON ${quote(table)} (${key.columns.map(quote).join(", ")})`,
    dropUnique: (table, key) => dropIndex(table, key.name),
    autoIncrementColumn: (name) => `${quote(name)} INTEGER PRIMARY KEY AUTOINCREMENT`,
    storedCreate: (table) =>
      table.sql !== undefined ? [table.sql, ...(table.indexSql ?? []), ...(table.triggerSql ?? [])] : undefined,
    liveJsonType: undefined,
    charLength: (expr) => `length(${expr})`,
    asText: (expr) => `CAST(${expr} AS TEXT)`,
    asNumber: (expr) => `CAST(${expr} AS NUMERIC)`,
    collationNote: () => undefined,
    search: sqliteSearch(quote),
    vectorIndexProbe: {
      sql: "SELECT vec_version() AS v",
      missing:
        "vector indexes on SQLite are sqlite-vec vec0 tables, and the sqlite-vec extension is not loaded: " +
        "npm install sqlite-vec (the layer loads it into every connection)"
    },
    // an added required vector column: existing rows get a float32 BLOB (the zero vector), never text
    vectorDefault: float32Blob,
    tableNamesSql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    columnExistsSql: "SELECT 1 AS ok FROM pragma_table_info(?) WHERE name = ?",
    tableExistsSql: "SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = ?"
  }
}
