/**
 * CREATE TABLE and CREATE INDEX for a model, from the dialect's column types.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import { constraintName, type ModelInfo } from "../model/Model.js"
import type { Dialect } from "./Dialect.js"

/** A SQL string literal from a model's own literal values (DDL cannot bind parameters). */
export const literal = (d: Dialect, value: string): string => d.stringLiteral(value)

/** ` CHECK (col IN ('a', 'b'))` for a literal union's values, or "" when there are none. */
export const checkIn = (d: Dialect, column: string, values: ReadonlyArray<string> | undefined): string =>
  values && values.length > 0 ? ` CHECK (${d.quote(column)} IN (${values.map(d.stringLiteral).join(", ")}))` : ""

/** Fields that are the key or part of a unique key or index (VARCHAR(255) on MySQL). */
export const keyedFields = (model: ModelInfo): Set<string> =>
  new Set([...model.key.map((f) => f.name), ...model.unique.flat(), ...model.indexes.flat()])

/** The columns of a list of field names, quoted and joined. */
export const columnList = (d: Dialect, model: ModelInfo, names: ReadonlyArray<string>): string =>
  names.map((n) => d.quote(model.columnMap.get(n)?.column ?? n)).join(", ")

/** One column's definition inside CREATE TABLE (or after ADD COLUMN). */
export const columnSql = (d: Dialect, model: ModelInfo, field: Field, keyed: boolean): string => {
  const name = d.quote(field.column)
  if (model.key.length === 1 && model.key[0] === field) {
    return model.idKind === "auto"
      ? `${name} ${d.autoIdColumn}`
      : `${name} ${d.columnType(field, true)} NOT NULL PRIMARY KEY`
  }
  const notNull = field.optional || field.nullable ? "" : " NOT NULL"
  const check = field.kind === "literal" ? checkIn(d, field.column, field.literals) : ""
  return `${name} ${d.columnType(field, keyed)}${notNull}${check}`
}

/** Statements that create the model's table and indexes if they do not exist yet. */
export const createTable = (d: Dialect, model: ModelInfo): ReadonlyArray<string> => {
  const keyed = keyedFields(model)
  const table = d.quote(model.table)
  const lines = model.columns.map((f) => columnSql(d, model, f, keyed.has(f.name)))
  if (model.key.length > 1)
    lines.push(
      `PRIMARY KEY (${columnList(
        d,
        model,
        model.key.map((f) => f.name)
      )})`
    )
  for (const key of model.unique) {
    lines.push(`CONSTRAINT ${d.quote(constraintName(model.table, key, "key"))} UNIQUE (${columnList(d, model, key)})`)
  }
  const indexSql = model.indexes.map((key) => ({
    name: d.quote(constraintName(model.table, key, "idx")),
    columns: columnList(d, model, key)
  }))
  if (d.inlineIndexes) for (const i of indexSql) lines.push(`INDEX ${i.name} (${i.columns})`)
  const create = `CREATE TABLE IF NOT EXISTS ${table} (\n  ${lines.join(",\n  ")}\n)${d.tableOptions}`
  return d.inlineIndexes
    ? [create]
    : [create, ...indexSql.map((i) => `CREATE INDEX IF NOT EXISTS ${i.name} ON ${table} (${i.columns})`)]
}
