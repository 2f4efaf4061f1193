/**
 * MySQL/MariaDB's migration hooks: MODIFY COLUMN, DROP INDEX … ON, defaults of TEXT/BLOB/JSON
 * columns as expressions, dates without `T` and `Z`.
 *
 * @since 0.1.0
 */
import type { MigrationHooks } from "../../sql/migrations/Hooks.js"

/**
 * The binary collation for a column: the one our own tables use (`ours`, a binary NO PAD collation)
 * when the column's character set is utf8mb4, else that character set's `_bin`.
 */
const binaryCollation = (collation: string, ours: string) => {
  const charset = collation.split("_")[0]!
  return ours.startsWith(`${charset}_`) ? ours : `${charset}_bin`
}

export const mysqlMigration = (quote: (id: string) => string, collation: string): MigrationHooks => {
  const alterTable = (table: string, rest: string) => `ALTER TABLE ${quote(table)} ${rest}`
  return {
    rebuildsTables: false,
    booleanDefault: (v) => (v ? "1" : "0"),
    emptyBytesDefault: "('')",
    // TEXT and JSON columns take a default only as an expression
    textDefault: (field, literal) =>
      field.kind === "json" || field.kind === "string" || field.kind === "vector" ? `(${literal})` : literal,
    dateDefault: (literal) => literal.replace(/T(\d\d:\d\d:\d\d)(\.\d+)?Z'/, " $1$2'"),
    alterColumn: (table, column, type, nullable) => [
      alterTable(table, `MODIFY COLUMN ${quote(column)} ${type}${nullable ? " NULL" : " NOT NULL"}`)
    ],
    dropIndex: (table, name) => `DROP INDEX ${quote(name)} ON ${quote(table)}`,
    addUnique: (table, key) =>
      alterTable(table, `ADD CONSTRAINT ${quote(key.name)} UNIQUE (${key.columns.map(quote).join(", ")})`),
    dropUnique: (table, key) => alterTable(table, `DROP INDEX ${quote(key.name)}`),
    autoIncrementColumn: (name, type) => `${quote(name)} ${type} NOT NULL AUTO_INCREMENT PRIMARY KEY`,
    storedCreate: () => undefined,
    // MariaDB reports a JSON column as longtext (with a json_valid check)
    liveJsonType: "json",
    charLength: (expr) => `CHAR_LENGTH(${expr})`,
    asText: (expr) => `CAST(${expr} AS CHAR)`,
    asNumber: (expr) => `CAST(${expr} AS DECIMAL(65,30))`,
    collationNote: (table, column) =>
      column.collation !== undefined && /_(ci|ai)(_|$)/.test(column.collation)
        ? `${table}.${column.name} has collation ${column.collation}, which compares case- or accent-insensitively; ` +
          `to make it binary: ${alterTable(table, `MODIFY COLUMN ${quote(column.name)} ${column.type}${column.nullable ? " NULL" : " NOT NULL"} COLLATE ${binaryCollation(column.collation, collation)}`)}`
        : undefined,
    tableNamesSql:
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
    columnExistsSql:
      "SELECT 1 AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
    tableExistsSql: "SELECT 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
  }
}
