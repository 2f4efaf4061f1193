/**
 * MySQL/MariaDB hooks for the shared compiler. The table collation is binary and NO PAD
 * (MariaDB utf8mb4_nopad_bin, MySQL 8 utf8mb4_0900_bin) so equality, LIKE and ordering are
 * case-sensitive byte comparisons, as on PostgreSQL and SQLite.
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import { type Dialect, standardTransactions } from "../../sql/Dialect.js"
import { classifyMysqlError } from "./Errors.js"
import { mysqlMigration } from "./Migration.js"
import { mysqlAggregates } from "./DocumentAggregates.js"
import { makeMysqlDocuments } from "./Documents.js"

const quote = (id: string) => `\`${id.replace(/`/g, "``")}\``

const columnType = (field: Field, keyed: boolean): string => {
  switch (field.kind) {
    // LONGTEXT, not TEXT: TEXT holds only 64 KiB, PostgreSQL's and SQLite's text ~1 GB
    case "string":
      return field.maxLength !== undefined && field.maxLength <= 16_383
        ? `VARCHAR(${field.maxLength})`
        : keyed && field.maxLength === undefined
          ? "VARCHAR(255)"
          : "LONGTEXT"
    case "literal":
      return `VARCHAR(${Math.max(255, ...(field.literals ?? []).map((l) => l.length))})`
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
      return `DATETIME(${field.fractionalDigits ?? 6})`
    case "json":
      return "JSON"
    case "bytes":
      return "LONGBLOB"
    case "decimal":
      return field.scale !== undefined ? `DECIMAL(${field.precision},${field.scale})` : "DECIMAL(65,30)"
    // MariaDB 10.11 has no vector type: the numbers as a JSON array (vector search is refused there)
    case "vector":
      return "JSON"
  }
}

// LIKE's escape character, the backslash, as CHAR(92): a literal '\\' would be two characters
// under sql_mode NO_BACKSLASH_ESCAPES
const likeEscape = "CHAR(92 USING utf8mb4)"

const numericJson = "('INTEGER','DOUBLE','DECIMAL','UNSIGNED INTEGER')"

const isText = (field: Field) => field.kind === "string" || field.kind === "literal" || field.kind === "uuid"

/** The hooks that do not depend on the server's collation: ordering, upserts, transactions, results. */
const fixedHooks = {
  orderTerm: (expr, desc, nullable) =>
    !nullable
      ? `${expr} ${desc ? "DESC" : "ASC"}`
      : desc
        ? `${expr} IS NULL DESC, ${expr} DESC`
        : `${expr} IS NULL, ${expr} ASC`,
  // MySQL has no conflict target: ON DUPLICATE KEY fires on any unique key (see docs/dialects.md)
  upsertClause: (_conflict, assignments) => ` ON DUPLICATE KEY UPDATE ${assignments}`,
  excluded: (column) => `VALUES(${quote(column)})`,
  upsertFiresOnAnyKey: true,
  upsertCount: "duplicates",
  // IF evaluates only the branch it takes: the two-row subquery fails (1242) only for a foreign row
  upsertGuard: {
    assignment: (conflict) =>
      `${quote(conflict[0]!)} = IF(${conflict.map((c) => `${quote(c)} <=> VALUES(${quote(c)})`).join(" AND ")}, ${quote(conflict[0]!)}, (SELECT 1 UNION ALL SELECT 2))`,
    code: "1242"
  },
  skipCountNeedsManyRows: true,
  skipClause: (key) => ` ON DUPLICATE KEY UPDATE ${quote(key)} = ${quote(key)}`,
  oneConnection: false,
  forUpdate: " FOR UPDATE",
  ...standardTransactions,
  begin: (isolation) => [
    ...(isolation ? [`SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}`] : []),
    "START TRANSACTION"
  ],
  readResult: (raw) => {
    if (Array.isArray(raw)) return { affected: raw.length, rows: raw as Array<Record<string, unknown>> }
    const r = raw as { affectedRows?: number; info?: string; insertId?: number }
    return {
      affected: r.affectedRows ?? 0,
      rows: [],
      ...(r.info ? { info: r.info } : {}),
      ...(r.insertId ? { insertId: Number(r.insertId) } : {})
    }
  },
  classify: classifyMysqlError
} satisfies Partial<Dialect>

/**
 * MySQL/MariaDB dialect hooks for a server whose binary NO PAD collation is `collation`.
 *
 * A column of a table we did not create may have another collation (`utf8mb3_general_ci`): there
 * `=`, `IN`, `LIKE`, `REGEXP` and ORDER BY would ignore case, accents or trailing spaces. Bound text
 * is therefore compared under `? COLLATE <binary>` (the column is converted to it; on our own
 * columns it is their collation, and their indexes still serve the comparison), and ORDER BY sorts
 * a text column by `CONVERT(col USING utf8mb4) COLLATE <binary>` unless the table's inspection found
 * the column already binary (a COLLATE in ORDER BY, even the column's own, makes MariaDB sort).
 */
export const makeMysqlDialect = (collation: string): Dialect => {
  // text fields whose columns have `collation` (learnt from information_schema when a table is ready)
  const binary = new WeakSet<Field>()
  return {
    name: "mysql",
    documents: { hooks: makeMysqlDocuments(collation), aggregates: mysqlAggregates },
    quote,
    placeholder: () => "?",
    maxParams: 65_535,
    returning: false,
    codec: { booleanAsInt: true, dateAsText: false, jsonParsedByDriver: false, bigintNative: false, vectorAs: "json" },
    columnType,
    autoIdColumn: "INT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    stringLiteral: (value) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`,
    tableOptions: ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
    inlineIndexes: true,
    orderedValue: (expr) => expr,
    orderedParam: (param, field) => (isText(field) ? `${param} COLLATE ${collation}` : param),
    sortKey: (expr, field) =>
      isText(field) && !binary.has(field) ? `CONVERT(${expr} USING utf8mb4) COLLATE ${collation}` : expr,
    inspectTable: (model) => ({
      sql: "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLLATION_NAME = ?",
      params: [model.table, collation],
      learn: (rows) => {
        const names = new Set(rows.map((r) => String(r["c"])))
        for (const f of model.columns) if (isText(f) && names.has(f.column)) binary.add(f)
      }
    }),
    textOf: (expr) => expr,
    // the pattern under the binary collation: a _ci column would make LIKE and REGEXP ignore case
    like: (expr, param, ci) =>
      ci
        ? `LOWER(${expr}) LIKE LOWER(${param} COLLATE ${collation}) ESCAPE ${likeEscape}`
        : `${expr} LIKE ${param} COLLATE ${collation} ESCAPE ${likeEscape}`,
    regex: (expr, param) => `${expr} REGEXP ${param} COLLATE ${collation}`,
    // `$.a[0]` on a non-array yields the value itself ("auto-wrap"): the guards keep [n] to arrays.
    // Placeholders are positional: parameters are bound in the order the text reads.
    jsonValue: (column, path, as, segments) => {
      const guards = segments.flatMap((s, n) =>
        /^\d+$/.test(s) ? [`JSON_TYPE(JSON_EXTRACT(${column}, ${path(n)})) = 'ARRAY'`] : []
      )
      const when = (test: string) => [...guards, `JSON_TYPE(JSON_EXTRACT(${column}, ${path()})) ${test}`].join(" AND ")
      const value = () => `JSON_UNQUOTE(JSON_EXTRACT(${column}, ${path()}))`
      switch (as) {
        case "present":
          return `(CASE WHEN ${when("<> 'NULL'")} THEN 1 END)`
        case "text": {
          const w = when("= 'STRING'")
          return `(CASE WHEN ${w} THEN CONVERT(${value()} USING utf8mb4) COLLATE ${collation} END)`
        }
        case "number": {
          const w = when(`IN ${numericJson}`)
          return `(CASE WHEN ${w} THEN (${value()} + 0) END)`
        }
        case "boolean": {
          const w = when("= 'BOOLEAN'")
          return `(CASE WHEN ${w} THEN (${value()} = 'true') END)`
        }
      }
    },
    jsonPath: (segments) => `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("")}`,
    // JSON_CONTAINS would also find "x" inside a nested array [["x"]]; JSON_OVERLAPS compares elements
    jsonHas: (column, param) => `JSON_OVERLAPS(${column}, ${param})`,
    jsonHasParam: (value) => JSON.stringify([value]),
    migration: mysqlMigration(quote, collation),
    windowTotal: false,
    ...fixedHooks
  }
}
