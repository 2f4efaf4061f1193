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

/** `tables` ordered so that a table comes after every other one of them whose foreign keys reference it. */
const referencingFirst = (tables: ReadonlyArray<LiveTable>): ReadonlyArray<LiveTable> => {
  const names = new Set(tables.map((t) => t.name))
  const placed = new Set<string>()
  const out: Array<LiveTable> = []
  let rest = [...tables]
  while (rest.length > 0) {
    const ready = rest.filter((t) =>
      (t.referencingKeys ?? []).every((r) => r.table === t.name || !names.has(r.table) || placed.has(r.table))
    )
    // a cycle of references: the rest in their own order (the drop then fails on the database)
    const next = ready.length > 0 ? ready : rest
    for (const t of next) placed.add(t.name)
    out.push(...next)
    rest = rest.filter((t) => !placed.has(t.name))
  }
  return out
}

/** Drops the tables no model describes (never the ledger); never one a table that stays references. */
const pruneOps = (
  s: MigrationStatements,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>
): ReadonlyArray<Operation> => {
  const modelTables = new Set(models.map((m) => m.table))
  const pruned = live.filter((t) => !modelTables.has(t.name) && t.name !== ledgerTable)
  const prunedNames = new Set(pruned.map((t) => t.name))
  return referencingFirst(pruned).map((t) => {
    const search = pruneSearch(s, t)
    const keptReferences = (t.referencingKeys ?? []).filter((r) => !prunedNames.has(r.table))
    return {
      kind: "dropTable",
      table: t.name,
      description: `drop table ${t.name}`,
      up: [...search.up, ...s.dropTable(t.name)],
      down: [...s.recreateTable(t), ...search.down],
      destructive: true,
      additive: false,
      prechecks: keptReferences.map((r) => ({
        kind: "problem" as const,
        table: t.name,
        problem: `${t.name} is referenced by foreign key ${r.name} of ${r.table}, which stays: drop that foreign key first`
      }))
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
