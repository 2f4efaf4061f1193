/**
 * The search index operations of a table diff: the vector indexes and the text index a model
 * declares (src/model/Search.ts), as the backend makes them (`MigrationStatements.search`), against
 * the live ones. An index is compared by its identity — what it indexes and how (column, method,
 * distance, parameters; language and columns) — so a changed parameter drops it and creates it
 * again. Creating is an addition (autoMigrate makes it on tables it created) unless it replaces a
 * dropped index of the same name; dropping is destructive like any index drop. A backend without search objects (MariaDB) plans nothing.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import type { MigrationStatements } from "./Backend.js"
import type { SearchIndexShape } from "./SearchIndex.js"
import type { LiveSearchIndex, LiveTable } from "./LiveSchema.js"
import type { Operation } from "./Operation.js"

/** The search index operations of one table, and the live indexes it keeps. */
export interface SearchDiff {
  readonly drops: ReadonlyArray<Operation>
  readonly adds: ReadonlyArray<Operation>
  readonly kept: ReadonlyArray<LiveSearchIndex>
}

const none: SearchDiff = { drops: [], adds: [], kept: [] }

/** The search indexes the model wants, as this backend makes them. */
const wanted = (s: MigrationStatements, model: ModelInfo) => {
  const search = s.search
  if (search === undefined) return []
  const out: Array<{ readonly kind: "vector" | "text"; readonly shape: SearchIndexShape }> = []
  for (const index of model.vectorIndexes) {
    const shape = search.vector(model, index)
    if (shape !== undefined) out.push({ kind: "vector", shape })
  }
  const text = model.textSearch !== undefined ? search.text(model, model.textSearch) : undefined
  if (text !== undefined) out.push({ kind: "text", shape: text })
  return out
}

/** Drops the live search indexes `model` no longer wants as they are; creates the ones it lacks. */
export const searchOps = (s: MigrationStatements, model: ModelInfo, live: LiveTable | undefined): SearchDiff => {
  const search = s.search
  if (search === undefined) return none
  const table = model.table
  const have = live?.searchIndexes ?? []
  const want = wanted(s, model)
  const haveIds = new Set(have.map((h) => h.identity))
  const wantIds = new Set(want.map((w) => w.shape.identity))
  const drops = have
    .filter((h) => !wantIds.has(h.identity))
    .map((h): Operation => ({
      kind: "dropIndex",
      table,
      description: `drop ${h.kind} index ${h.name} on ${table} (${h.columns.join(", ")})`,
      up: search.drop(table, h),
      down: h.sql,
      destructive: true,
      additive: false
    }))
  // an index made again under the name of one dropped is a change, not an addition: autoMigrate leaves both
  const replaced = new Set(have.filter((h) => !wantIds.has(h.identity)).map((h) => h.name))
  const adds = want
    .filter((w) => !haveIds.has(w.shape.identity))
    .map(({ kind, shape }): Operation => ({
      kind: "addIndex",
      table,
      description: `add ${kind} index ${shape.name} on ${table} (${shape.columns.join(", ")}: ${shape.detail})`,
      up: shape.up,
      down: search.drop(table, { kind, name: shape.name, identity: shape.identity, columns: shape.columns, sql: [] }),
      destructive: false,
      additive: !replaced.has(shape.name),
      ...(kind === "vector" ? { vectorIndex: true } : {})
    }))
  return { drops, adds, kept: have.filter((h) => wantIds.has(h.identity)) }
}

/** The statements that drop a pruned table's search indexes first (SQLite's vec0 and FTS5 tables outlive it). */
export const pruneSearch = (s: MigrationStatements, live: LiveTable) => ({
  up: (live.searchIndexes ?? []).flatMap((h) => s.search?.drop(live.name, h) ?? []),
  down: (live.searchIndexes ?? []).flatMap((h) => h.sql)
})
