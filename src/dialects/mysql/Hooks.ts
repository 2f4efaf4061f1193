/**
 * MySQL/MariaDB hooks for the shared compiler. The table collation is binary and NO PAD
 * (MariaDB utf8mb4_nopad_bin, MySQL 8 utf8mb4_0900_bin) so equality, LIKE and ordering are
 * case-sensitive byte comparisons, as on PostgreSQL and SQLite.
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import type { Dialect } from "../../sql/Dialect.js"
import { classifyMysqlError } from "./Errors.js"

const quote = (id: string) => `\`${id.replace(/`/g, "``")}\``

const columnType = (field: Field, keyed: boolean): string => {
  switch (field.kind) {
    case "string":
      return field.maxLength !== undefined && field.maxLength <= 16_383
        ? `VARCHAR(${field.maxLength})`
        : keyed ? "VARCHAR(255)" : "TEXT"
    case "literal":
      return "VARCHAR(255)"
    case "uuid":
      return "CHAR(36)"
    case "int":
      return "INT"
    case "bigint":
      return "BIGINT"
    case "number":
      return "DOUBLE"
    case "boolean":
      return "TINYINT(1)"
    case "date":
      return "DATETIME(6)"
    case "json":
      return "JSON"
    case "bytes":
      return "LONGBLOB"
    case "decimal":
      return "DECIMAL(65,30)"
  }
}

const numericJson = "('INTEGER','DOUBLE','DECIMAL','UNSIGNED INTEGER')"

/** MySQL/MariaDB dialect hooks for a server whose binary NO PAD collation is `collation`. */
export const makeMysqlDialect = (collation: string): Dialect => ({
  name: "mysql",
  quote,
  placeholder: () => "?",
  maxParams: 65_535,
  returning: false,
  codec: { booleanAsInt: true, dateAsText: false, jsonParsedByDriver: false, bigintNative: false },
  columnType,
  autoIdColumn: "INT NOT NULL AUTO_INCREMENT PRIMARY KEY",
  tableOptions: ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
  inlineIndexes: true,
  textOf: (expr) => expr,
  like: (expr, param, ci) =>
    ci ? `LOWER(${expr}) LIKE LOWER(${param}) ESCAPE '\\\\'` : `${expr} LIKE ${param} ESCAPE '\\\\'`,
  regex: (expr, param) => `${expr} REGEXP ${param}`,
  jsonValue: (column, path, as) => {
    const type = `JSON_TYPE(JSON_EXTRACT(${column}, ${path()}))`
    const value = () => `JSON_UNQUOTE(JSON_EXTRACT(${column}, ${path()}))`
    switch (as) {
      case "present":
        return `(CASE WHEN ${type} <> 'NULL' THEN 1 END)`
      case "text":
        return `(CASE WHEN ${type} = 'STRING' THEN CONVERT(${value()} USING utf8mb4) COLLATE ${collation} END)`
      case "number":
        return `(CASE WHEN ${type} IN ${numericJson} THEN (${value()} + 0) END)`
      case "boolean":
        return `(CASE WHEN ${type} = 'BOOLEAN' THEN (${value()} = 'true') END)`
    }
  },
  jsonPath: (segments) => `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("")}`,
  jsonHas: (column, param) => `JSON_CONTAINS(${column}, ${param})`,
  jsonHasParam: (value) => JSON.stringify(value),
  orderTerm: (expr, desc) => (desc ? `${expr} IS NULL DESC, ${expr} DESC` : `${expr} IS NULL, ${expr} ASC`),
  // MySQL has no conflict target: ON DUPLICATE KEY fires on any unique key (see docs/dialects.md)
  upsertClause: (_conflict, assignments) => ` ON DUPLICATE KEY UPDATE ${assignments}`,
  excluded: (column) => `VALUES(${quote(column)})`,
  upsertFiresOnAnyKey: true,
  skipClause: ` ON DUPLICATE KEY UPDATE ${quote("id")} = ${quote("id")}`,
  forUpdate: " FOR UPDATE",
  begin: (isolation) => [
    ...(isolation ? [`SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}`] : []),
    "START TRANSACTION"
  ],
  readResult: (raw) => {
    if (Array.isArray(raw)) return { affected: raw.length, rows: raw as Array<Record<string, unknown>> }
    const r = raw as { affectedRows?: number; info?: string; insertId?: number }
    return { affected: r.affectedRows ?? 0, rows: [], ...(r.info ? { info: r.info } : {}), ...(r.insertId ? { insertId: Number(r.insertId) } : {}) }
  },
  classify: classifyMysqlError
})
