/**
 * SQLite's table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter): what ALTER
 * TABLE cannot express — a column's type or nullability, dropping a column or a UNIQUE
 * constraint — is done by creating the new table, copying every row, dropping the old one and
 * renaming. It runs inside the migration's transaction (BEGIN IMMEDIATE), so it is all or nothing.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import { createTable } from "../sql/Ddl.js"
import type { Dialect } from "../sql/Dialect.js"
import type { LiveTable } from "./LiveSchema.js"
import type { Operation } from "./Operation.js"
import * as S from "./Statements.js"

const createHead = /^CREATE TABLE\s+(?:IF NOT EXISTS\s+)?("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\S+)/i

/** Renames the table a CREATE TABLE statement creates. */
const renamed = (d: Dialect, sql: string, name: string) => sql.replace(createHead, `CREATE TABLE ${d.quote(name)}`)

const steps = (
  d: Dialect,
  table: string,
  create: string,
  indexes: ReadonlyArray<string>,
  columns: ReadonlyArray<string>,
  values: ReadonlyArray<string>
): ReadonlyArray<string> => {
  const temp = `_df_rebuild_${table}`.slice(0, 63)
  return [
    renamed(d, create, temp),
    `INSERT INTO ${d.quote(temp)} (${columns.map(d.quote).join(", ")}) SELECT ${values.join(", ")} FROM ${d.quote(table)}`,
    `DROP TABLE ${d.quote(table)}`,
    `ALTER TABLE ${d.quote(temp)} RENAME TO ${d.quote(table)}`,
    ...indexes
  ]
}

/** One operation that rebuilds `live` into the model's table, keeping every row. */
export const rebuildTable = (
  d: Dialect,
  model: ModelInfo,
  live: LiveTable,
  reasons: ReadonlyArray<{ readonly description: string; readonly destructive: boolean }>,
  options: { readonly defaults?: Readonly<Record<string, S.DefaultValue>> }
): Operation => {
  const liveNames = new Set(live.columns.map((c) => c.name))
  const [create, ...indexes] = createTable(d, model)
  // new required columns take their default in the copy
  const upColumns = model.columns.filter((c) => liveNames.has(c.column) || !(c.optional || c.nullable))
  const upValues = upColumns.map((c) =>
    liveNames.has(c.column) ? d.quote(c.column) : S.defaultLiteral(d, c, options.defaults?.[`${model.table}.${c.column}`])
  )
  const modelNames = new Set(model.columns.map((c) => c.column))
  const downColumns = live.columns.filter((c) => modelNames.has(c.name)).map((c) => c.name)
  return {
    kind: "rebuildTable",
    table: model.table,
    description: `rebuild table ${model.table} (${reasons.map((r) => r.description).join("; ")})`,
    up: steps(d, model.table, create!, indexes.map((s) => s.replace("IF NOT EXISTS ", "")), upColumns.map((c) => c.column), upValues),
    down: steps(d, model.table, live.sql ?? "", live.indexSql ?? [], downColumns, downColumns.map(d.quote)),
    destructive: reasons.some((r) => r.destructive),
    destructiveChanges: reasons.filter((r) => r.destructive).map((r) => r.description),
    additive: false
  }
}
