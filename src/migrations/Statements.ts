/**
 * The SQL of each operation, per dialect, built from the dialect hooks and src/sql/Ddl.ts.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { literal } from "../sql/Ddl.js"
import type { Dialect } from "../sql/Dialect.js"
import type { LiveColumn, LiveKey, LiveTable } from "./LiveSchema.js"

/** A value for existing rows when a required column is added (DDL cannot bind parameters). */
export type DefaultValue = string | number | boolean

/** The SQL literal of a default value for `field` on this dialect. */
export const defaultLiteral = (d: Dialect, field: Field, value: DefaultValue | undefined): string => {
  const v = value ?? neutral(field)
  const wrap = (s: string) => (d.name === "mysql" && ["json", "string", "bytes"].includes(field.kind) ? `(${s})` : s)
  if (typeof v === "boolean") return d.name === "postgres" ? (v ? "TRUE" : "FALSE") : v ? "1" : "0"
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error("a default must be a finite number")
    return String(v)
  }
  if (field.kind === "bytes") return d.name === "sqlite" ? "X''" : d.name === "postgres" ? "''::bytea" : "('')"
  return wrap(literal(d, v))
}

/** The value existing rows get when a required column without a declared default is added. */
const neutral = (field: Field): DefaultValue => {
  switch (field.kind) {
    case "string":
    case "bytes":
      return ""
    case "literal":
      return field.literals?.[0] ?? ""
    case "uuid":
      return "00000000-0000-0000-0000-000000000000"
    case "int":
    case "bigint":
    case "number":
    case "decimal":
      return 0
    case "boolean":
      return false
    case "date":
      return "1970-01-01T00:00:00.000Z"
    case "json":
      return field.jsonArray ? "[]" : "{}"
  }
}

const dateDefault = (d: Dialect, lit: string) => (d.name === "mysql" ? lit.replace(/T(\d\d:\d\d:\d\d)(\.\d+)?Z'/, " $1$2'") : lit)

/** `"age" INTEGER DEFAULT 0 NOT NULL CHECK (...)` */
export const addColumnSql = (d: Dialect, field: Field, type: string, value: DefaultValue | undefined): string => {
  const name = d.quote(field.name)
  const required = !(field.optional || field.nullable)
  const dflt = required ? ` DEFAULT ${field.kind === "date" ? dateDefault(d, defaultLiteral(d, field, value)) : defaultLiteral(d, field, value)}` : ""
  const check = field.kind === "literal" && field.literals
    ? ` CHECK (${name} IN (${field.literals.map((v) => literal(d, v)).join(", ")}))`
    : ""
  return `${name} ${type}${dflt}${required ? " NOT NULL" : ""}${check}`
}

export const alterTable = (d: Dialect, table: string, rest: string) => `ALTER TABLE ${d.quote(table)} ${rest}`

export const dropColumnSql = (d: Dialect, table: string, column: string) => alterTable(d, table, `DROP COLUMN ${d.quote(column)}`)

/** Changes a column's type and/or nullability; `type` in the dialect's own spelling. */
export const alterColumnSql = (
  d: Dialect,
  table: string,
  column: string,
  type: string,
  nullable: boolean,
  typeChanged: boolean,
  nullChanged: boolean
): ReadonlyArray<string> => {
  const c = d.quote(column)
  if (d.name === "mysql") return [alterTable(d, table, `MODIFY COLUMN ${c} ${type}${nullable ? " NULL" : " NOT NULL"}`)]
  const out: Array<string> = []
  if (typeChanged) {
    const cast = type.replace(/\s+COLLATE\s+("[^"]*"|\S+)/i, "")
    out.push(alterTable(d, table, `ALTER COLUMN ${c} TYPE ${type} USING ${c}::${cast}`))
  }
  if (nullChanged) out.push(alterTable(d, table, `ALTER COLUMN ${c} ${nullable ? "DROP NOT NULL" : "SET NOT NULL"}`))
  return out
}

export const createIndexSql = (d: Dialect, table: string, key: LiveKey, unique: boolean) =>
  `CREATE ${unique ? "UNIQUE " : ""}INDEX ${d.quote(key.name)} ON ${d.quote(table)} (${key.columns.map(d.quote).join(", ")})`

export const dropIndexSql = (d: Dialect, table: string, name: string) =>
  d.name === "mysql" ? `DROP INDEX ${d.quote(name)} ON ${d.quote(table)}` : `DROP INDEX ${d.quote(name)}`

/** A unique key: a table constraint on PostgreSQL and MySQL, a unique index on SQLite. */
export const addUniqueSql = (d: Dialect, table: string, key: LiveKey) =>
  d.name === "sqlite"
    ? createIndexSql(d, table, key, true)
    : alterTable(d, table, `ADD CONSTRAINT ${d.quote(key.name)} UNIQUE (${key.columns.map(d.quote).join(", ")})`)

export const dropUniqueSql = (d: Dialect, table: string, key: LiveKey) =>
  d.name === "postgres" && key.constraint
    ? alterTable(d, table, `DROP CONSTRAINT ${d.quote(key.name)}`)
    : d.name === "mysql"
    ? alterTable(d, table, `DROP INDEX ${d.quote(key.name)}`)
    : dropIndexSql(d, table, key.name)

/** A live column's definition, to add it back (nullable: the dropped values are gone). */
export const liveColumnDef = (d: Dialect, c: LiveColumn, forCreate: boolean): string => {
  const name = d.quote(c.name)
  if (forCreate && c.autoIncrement) {
    return d.name === "postgres"
      ? `${name} ${c.type} GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`
      : d.name === "mysql" ? `${name} ${c.type} NOT NULL AUTO_INCREMENT PRIMARY KEY` : `${name} INTEGER PRIMARY KEY AUTOINCREMENT`
  }
  const check = c.literals ? ` CHECK (${name} IN (${c.literals.map((v) => literal(d, v)).join(", ")}))` : ""
  const notNull = forCreate && !c.nullable ? " NOT NULL" : ""
  return `${name} ${c.type}${notNull}${forCreate && c.primaryKey ? " PRIMARY KEY" : ""}${check}`
}

/** CREATE TABLE (and indexes) for a live table, as introspected: the down SQL of dropping it. */
export const createFromLive = (d: Dialect, t: LiveTable): ReadonlyArray<string> => {
  if (d.name === "sqlite" && t.sql !== undefined) return [t.sql, ...(t.indexSql ?? [])]
  const lines = t.columns.map((c) => liveColumnDef(d, c, true))
  for (const u of t.unique) lines.push(`CONSTRAINT ${d.quote(u.name)} UNIQUE (${u.columns.map(d.quote).join(", ")})`)
  return [
    `CREATE TABLE ${d.quote(t.name)} (\n  ${lines.join(",\n  ")}\n)${d.tableOptions}`,
    ...t.indexes.map((i) => createIndexSql(d, t.name, i, false))
  ]
}

/** The model's column definition type, and whether the model lets it be null. */
export const expectedColumn = (d: Dialect, model: ModelInfo, field: Field, keyed: boolean) => ({
  type: d.columnType(field, keyed || field.name === "id"),
  nullable: field.name !== "id" && (field.optional || field.nullable)
})
