/**
 * Diff: the models against the live schema, as a list of operations — what each changes and
 * whether it adds or destroys — with the backend's statements that do and undo it
 * (src/migrations/Backend.ts).
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import { keyedFields } from "../sql/Ddl.js"
import type { Dialect } from "../sql/Dialect.js"
import type { MigrationStatements } from "./Backend.js"
import { dropColumnOps, modelColumnOps } from "./DiffColumns.js"
import { keyOps } from "./DiffKeys.js"
import { pruneSearch, searchOps } from "./DiffSearch.js"
import { migrationBackendOf } from "./Family.js"
import { type Introspector, ledgerTable, type LiveTable } from "./LiveSchema.js"
import type { Operation } from "./Operation.js"
import { type DiffOptions, tableDiff } from "./TableDiff.js"

export type { DiffOptions } from "./TableDiff.js"
export { isNarrowing } from "./TypeChange.js"

/** The operations that bring the live tables to the models, with the statements of dialect `d`. */
export const diff = (
  d: Dialect,
  introspector: Introspector,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>,
  options: DiffOptions = {}
): ReadonlyArray<Operation> => diffWith(migrationBackendOf(d).statements, introspector, models, live, options)

/** The operations that bring the live tables to the models, with a backend's statements. */
export const diffWith = (
  s: MigrationStatements,
  introspector: Introspector,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>,
  options: DiffOptions = {}
): ReadonlyArray<Operation> => {
  const ops: Array<Operation> = []
  const liveByName = new Map(live.map((t) => [t.name, t] as const))
  for (const model of models) {
    const table = liveByName.get(model.table)
    if (table === undefined) {
      ops.push({
        kind: "createTable",
        table: model.table,
        description: `create table ${model.table} (${model.columns.map((c) => c.name).join(", ")})`,
        up: s.createTable(model),
        down: s.dropTable(model.table),
        destructive: false,
        additive: true
      })
      ops.push(...searchOps(s, model, undefined).adds)
      continue
    }
    ops.push(...diffTable(s, introspector, model, table, options))
  }
  if (options.prune) ops.push(...pruneOps(s, models, live))
  return ops
}

/** Drops the tables no model describes (never the ledger). */
const pruneOps = (
  s: MigrationStatements,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>
): ReadonlyArray<Operation> => {
  const modelTables = new Set(models.map((m) => m.table))
  return live
    .filter((t) => !modelTables.has(t.name) && t.name !== ledgerTable)
    .map((t) => {
      const search = pruneSearch(s, t)
      return {
        kind: "dropTable",
        table: t.name,
        description: `drop table ${t.name}`,
        up: [...search.up, ...s.dropTable(t.name)],
        down: [...s.recreateTable(t), ...search.down],
        destructive: true,
        additive: false
      }
    })
}

// keys go before the columns they cover change or go; new keys after their columns exist
const order: Record<string, number> = {
  dropUnique: 0,
  dropIndex: 0,
  dropColumn: 1,
  alterColumn: 2,
  addColumn: 3,
  addUnique: 4,
  addIndex: 4
}

const diffTable = (
  s: MigrationStatements,
  introspector: Introspector,
  model: ModelInfo,
  live: LiveTable,
  options: DiffOptions
): ReadonlyArray<Operation> => {
  const c = tableDiff(s, introspector, model, live, options)
  modelColumnOps(c, keyedFields(model))
  dropColumnOps(c)
  keyOps(c)
  // search indexes go first and come last: never folded into a rebuild, which keeps only those left as they are
  const search = searchOps(s, model, live)
  const ops = c.ops.sort((a, b) => (order[a.kind] ?? 5) - (order[b.kind] ?? 5))
  if (c.rebuildReasons.length === 0) return [...search.drops, ...ops, ...search.adds]
  // the rebuild creates the model's whole table (its keys and indexes too): other ops on it are folded in
  const folded = ops.map((o) => ({
    description: o.description,
    destructive: o.destructive,
    prechecks: o.prechecks ?? []
  }))
  const rebuilt = s.rebuildTable(
    model,
    { ...live, searchIndexes: search.kept },
    [...folded, ...c.rebuildReasons],
    options
  )
  return [...search.drops, rebuilt, ...search.adds]
}

/** Notes for `migrate plan` about the live columns of the models' tables (collations that ignore case or accents). */
export const notesFor = (
  d: Dialect,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>
): ReadonlyArray<string> => {
  const s = migrationBackendOf(d).statements
  const byName = new Map(live.map((t) => [t.name, t] as const))
  return models.flatMap((m) => {
    const t = byName.get(m.table)
    if (t === undefined) return []
    const mine = new Set(m.columns.map((c) => c.column))
    return t.columns.filter((c) => mine.has(c.name)).flatMap((c) => s.collationNote(t.name, c) ?? [])
  })
}
