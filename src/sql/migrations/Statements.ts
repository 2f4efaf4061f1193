/**
 * The SQL of each migration operation that is the same on every database, built from the dialect's
 * hooks and src/sql/Ddl.ts; what differs per database is asked of `d.migration` (Hooks.ts).
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import type { ModelInfo } from "../../model/Model.js"
import { type DefaultValue, neutralValue } from "../../migrations/Defaults.js"
import type { LiveColumn, LiveKey, LiveTable } from "../../migrations/LiveSchema.js"
import { checkIn, literal } from "../Ddl.js"
import type { Dialect } from "../Dialect.js"

export type { DefaultValue } from "../../migrations/Defaults.js"

/** The SQL literal of a default value for `field` on this dialect. */
export const defaultLiteral = (d: Dialect, field: Field, value: DefaultValue | undefined): string => {
  const v = value ?? neutralValue(field)
  if (typeof v === "boolean") return d.migration.booleanDefault(v)
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error("a default must be a finite number")
    return String(v)
  }
  if (field.kind === "bytes") return d.migration.emptyBytesDefault
  if (field.kind === "vector" && d.migration.vectorDefault !== undefined) {
    return d.migration.vectorDefault(vectorValues(field, v))
  }
  return d.migration.textDefault(field, literal(d, v))
}

/** A vector default given as JSON text (`[0,0,0]`), checked against the field's dimensions. */
const vectorValues = (field: Field, v: string): ReadonlyArray<number> => {
  const values: unknown = JSON.parse(v)
  if (
    !Array.isArray(values) ||
    values.length !== field.dimensions ||
    !values.every((x) => typeof x === "number" && Number.isFinite(x))
  ) {
    throw new Error(`the default of ${field.column} must be a JSON array of ${field.dimensions} finite numbers`)
  }
  return values as ReadonlyArray<number>
}

/** `"age" INTEGER DEFAULT 0 NOT NULL CHECK (...)` */
export const addColumnSql = (d: Dialect, field: Field, type: string, value: DefaultValue | undefined): string => {
  const name = d.quote(field.column)
  const required = !(field.optional || field.nullable)
  const dflt = required
    ? ` DEFAULT ${field.kind === "date" ? d.migration.dateDefault(defaultLiteral(d, field, value)) : defaultLiteral(d, field, value)}`
    : ""
  const check = field.kind === "literal" ? checkIn(d, field.column, field.literals) : ""
  return `${name} ${type}${dflt}${required ? " NOT NULL" : ""}${check}`
}

export const alterTable = (d: Dialect, table: string, rest: string) => `ALTER TABLE ${d.quote(table)} ${rest}`

export const dropTableSql = (d: Dialect, table: string) => `DROP TABLE ${d.quote(table)}`

export const dropColumnSql = (d: Dialect, table: string, column: string) =>
  alterTable(d, table, `DROP COLUMN ${d.quote(column)}`)

export const createIndexSql = (d: Dialect, table: string, key: LiveKey, unique: boolean) =>
  `CREATE ${unique ? "UNIQUE " : ""}INDEX ${d.quote(key.name)} ON ${d.quote(table)} (${key.columns.map(d.quote).join(", ")})`

/** A live column's definition, to add it back (nullable: the dropped values are gone). */
export const liveColumnDef = (d: Dialect, c: LiveColumn, forCreate: boolean): string => {
  const name = d.quote(c.name)
  if (forCreate && c.autoIncrement) return d.migration.autoIncrementColumn(c.name, c.type)
  const check = checkIn(d, c.name, c.literals)
  const notNull = forCreate && !c.nullable ? " NOT NULL" : ""
  return `${name} ${c.type}${notNull}${forCreate && c.primaryKey ? " PRIMARY KEY" : ""}${check}`
}

/** CREATE TABLE (and indexes) for a live table, as introspected: the down SQL of dropping it. */
export const createFromLive = (d: Dialect, t: LiveTable): ReadonlyArray<string> => {
  const stored = d.migration.storedCreate(t)
  if (stored !== undefined) return stored
  const lines = t.columns.map((c) => liveColumnDef(d, c, true))
  for (const u of t.unique) lines.push(`CONSTRAINT ${d.quote(u.name)} UNIQUE (${u.columns.map(d.quote).join(", ")})`)
  return [
    `CREATE TABLE ${d.quote(t.name)} (\n  ${lines.join(",\n  ")}\n)${d.tableOptions}`,
    ...t.indexes.map((i) => createIndexSql(d, t.name, i, false))
  ]
}

/** The model's column definition type, and whether the model lets it be null. */
export const expectedColumn = (d: Dialect, model: ModelInfo, field: Field, keyed: boolean) => ({
  type: d.columnType(field, keyed || model.key.includes(field)),
  nullable: !model.key.includes(field) && (field.optional || field.nullable)
})
