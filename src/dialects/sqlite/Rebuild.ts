/**
 * SQLite's table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter): what ALTER
 * TABLE cannot express — a column's type or nullability, dropping a column or a UNIQUE
 * constraint — is done by creating the new table, copying every row, dropping the old one and
 * renaming, then making its triggers again. It runs inside the migration's transaction (BEGIN
 * IMMEDIATE), so it is all or nothing.
 *
 * @since 0.1.0
 */
import { constraintName, type ModelInfo } from "../../model/Model.js"
import { createTable } from "../../sql/Ddl.js"
import type { Dialect } from "../../sql/Dialect.js"
import * as T from "../../sql/migrations/CreateText.js"
import type { RebuildReason } from "../../sql/migrations/Hooks.js"
import { keyOf, type LiveTable } from "../../migrations/LiveSchema.js"
import type { Operation, Precheck } from "../../migrations/Operation.js"
import * as S from "../../sql/migrations/Statements.js"

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

const indexName = (sql: string): string | undefined => {
  const m = /INDEX\s+(?:IF NOT EXISTS\s+)?("(?:[^"]|"")*"|\S+)\s+ON\b/i.exec(sql)
  return m === null ? undefined : m[1]!.replace(/^"(.*)"$/, "$1").replace(/""/g, '"')
}

/**
 * The new table's CREATE text and index statements: the model's definition, carrying over what the
 * live table declared beyond it — each kept column's collation and CHECKs, table CHECKs, foreign
 * keys (from the catalog) — and the live indexes the model still wants.
 */
const rebuiltDefinition = (d: Dialect, model: ModelInfo, live: LiveTable) => {
  const [modelCreate, ...modelIndexes] = createTable(d, model)
  const columns = new Set(model.columns.map((c) => c.column))
  const dropped = live.columns.map((c) => c.name).filter((c) => !columns.has(c))
  const liveItems = T.definitions(live.sql ?? "")
  const liveColumn = new Map(
    liveItems.flatMap((i) => (T.definedColumn(i) !== undefined ? [[T.definedColumn(i)!, i] as const] : []))
  )
  const keyColumns = (k: ReadonlyArray<string>) => keyOf(k.map((n) => model.columnMap.get(n)?.column ?? n))
  const liveKeys = new Map([...live.indexes, ...live.unique].map((k) => [k.name, keyOf(k.columns)] as const))
  const liveIndexSql = (live.indexSql ?? []).map((sql) => ({ sql, key: liveKeys.get(indexName(sql) ?? "") }))
  const wanted = new Set([...model.indexes, ...model.unique].map(keyColumns))
  const keptIndexes = liveIndexSql.filter((i) => i.key !== undefined && wanted.has(i.key))
  const kept = new Set(keptIndexes.map((i) => i.key))
  const uniqueByName = new Map(model.unique.map((k) => [constraintName(model.table, k, "key"), keyColumns(k)] as const))
  const items = T.definitions(modelCreate!)
    .filter((item) => {
      const name = /^CONSTRAINT\s+"((?:[^"]|"")*)"\s+UNIQUE/i.exec(item)?.[1]
      return name === undefined || !kept.has(uniqueByName.get(name) ?? "")
    })
    .map((item) => {
      const liveDef = liveColumn.get(T.definedColumn(item) ?? "")
      if (liveDef === undefined) return item
      const collate = T.collateClause(liveDef)
      const checks = T.checkClauses(liveDef).filter((c) => !item.includes(c))
      return [item, ...(collate !== undefined && T.collateClause(item) === undefined ? [collate] : []), ...checks].join(
        " "
      )
    })
  const tableChecks = liveItems.filter(
    (i) => T.isTableConstraint(i) && /^(CONSTRAINT\s+\S+\s+)?CHECK\b/i.test(i) && !T.mentions(i, dropped)
  )
  const foreignKeys = (live.foreignKeys ?? [])
    .filter((fk) => fk.columns.every((c) => columns.has(c)))
    .map(
      (fk) =>
        `FOREIGN KEY (${fk.columns.map(d.quote).join(", ")}) REFERENCES ${d.quote(fk.references.table)}` +
        `${fk.references.columns.some((c) => c === "") ? "" : ` (${fk.references.columns.map(d.quote).join(", ")})`}` +
        `${fk.onUpdate && fk.onUpdate !== "NO ACTION" ? ` ON UPDATE ${fk.onUpdate}` : ""}${fk.onDelete && fk.onDelete !== "NO ACTION" ? ` ON DELETE ${fk.onDelete}` : ""}`
    )
  const head = modelCreate!.slice(0, modelCreate!.indexOf("("))
  const tail = modelCreate!.slice(modelCreate!.lastIndexOf(")") + 1)
  const create = `${head}(\n  ${[...items, ...tableChecks, ...foreignKeys].join(",\n  ")}\n)${tail}`
  const indexes = [
    ...keptIndexes.map((i) => i.sql),
    ...modelIndexes
      .filter((_, i) => !kept.has(keyColumns(model.indexes[i]!)))
      .map((s) => s.replace("IF NOT EXISTS ", ""))
  ]
  return { create, indexes }
}

/**
 * A table other tables' foreign keys reference cannot be rebuilt here: foreign keys are enforced
 * and cannot be switched off inside the migration's transaction, so DROP TABLE would delete (or
 * reject) through their ON DELETE actions.
 */
const referencedProblem = (live: LiveTable): ReadonlyArray<Precheck> =>
  (live.referencedBy ?? []).length === 0
    ? []
    : [
        {
          kind: "problem",
          table: live.name,
          problem:
            `${live.name} is referenced by foreign keys of ${live.referencedBy!.join(", ")}: SQLite cannot rebuild it while ` +
            "foreign keys are enforced (DROP TABLE would run their ON DELETE actions); rebuild it by hand with PRAGMA foreign_keys = OFF"
        }
      ]

/** One operation that rebuilds `live` into the model's table, keeping every row and what the live table declared. */
export const rebuildTable = (
  d: Dialect,
  model: ModelInfo,
  live: LiveTable,
  reasons: ReadonlyArray<RebuildReason>,
  options: { readonly defaults?: Readonly<Record<string, S.DefaultValue>> }
): Operation => {
  const liveNames = new Set(live.columns.map((c) => c.name))
  const { create, indexes } = rebuiltDefinition(d, model, live)
  // new required columns take their default in the copy
  const upColumns = model.columns.filter((c) => liveNames.has(c.column) || !(c.optional || c.nullable))
  const upValues = upColumns.map((c) =>
    liveNames.has(c.column)
      ? d.quote(c.column)
      : S.defaultLiteral(d, c, options.defaults?.[`${model.table}.${c.column}`])
  )
  const modelNames = new Set(model.columns.map((c) => c.column))
  const downColumns = live.columns.filter((c) => modelNames.has(c.name)).map((c) => c.name)
  // DROP TABLE drops the table's triggers: its own and those that keep its vec0 / FTS5 tables in sync
  // (which stay valid: they are keyed by the model's key, not by rowid) are made again
  const triggers = [...(live.triggerSql ?? []), ...(live.searchIndexes ?? []).flatMap((i) => i.triggerSql ?? [])]
  return {
    kind: "rebuildTable",
    table: model.table,
    description: `rebuild table ${model.table} (${reasons.map((r) => r.description).join("; ")})`,
    up: [
      ...steps(
        d,
        model.table,
        create,
        indexes,
        upColumns.map((c) => c.column),
        upValues
      ),
      ...triggers
    ],
    down: [
      ...steps(d, model.table, live.sql ?? "", live.indexSql ?? [], downColumns, downColumns.map(d.quote)),
      ...triggers
    ],
    destructive: reasons.some((r) => r.destructive),
    destructiveChanges: reasons.filter((r) => r.destructive).map((r) => r.description),
    additive: false,
    prechecks: [...reasons.flatMap((r) => r.prechecks ?? []), ...referencedProblem(live)]
  }
}
