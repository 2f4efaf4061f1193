/**
 * What the diff of one model against its live table works on: the backend's statements, both
 * sides' columns, the operations found so far and the changes only a table rebuild can make.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { MigrationStatements, RebuildReason } from "./Backend.js"
import type { DefaultValue } from "./Defaults.js"
import type { Introspector, LiveColumn, LiveTable } from "./LiveSchema.js"
import { liveColumnFits } from "./LiveFit.js"
import type { Operation } from "./Operation.js"

/** Options of the diff. */
export interface DiffOptions {
  /** Drop tables no model describes (destructive). Default false: other tables are left alone. */
  readonly prune?: boolean
  /** Values existing rows get when a required column is added, by "table.column". */
  readonly defaults?: Readonly<Record<string, DefaultValue>>
}

/** One model's table being diffed. */
export interface TableDiff {
  readonly s: MigrationStatements
  readonly model: ModelInfo
  readonly live: LiveTable
  readonly liveColumns: ReadonlyMap<string, LiveColumn>
  /** The model's column names. */
  readonly modelColumns: ReadonlySet<string>
  /** The live spelling of a model field's declared type. */
  readonly norm: (declared: string, field: Field) => string
  /** The live column already reads as the field (src/migrations/LiveFit.ts), whatever its spelling. */
  readonly fits: (live: LiveColumn, field: Field) => boolean
  readonly options: DiffOptions
  readonly ops: Array<Operation>
  /** Changes that need a table rebuild where the backend cannot make them in place (SQLite). */
  readonly rebuildReasons: Array<RebuildReason>
}

/** A fresh diff of `model` against `live`. */
export const tableDiff = (
  s: MigrationStatements,
  introspector: Introspector,
  model: ModelInfo,
  live: LiveTable,
  options: DiffOptions
): TableDiff => ({
  s,
  model,
  live,
  liveColumns: new Map(live.columns.map((c) => [c.name, c] as const)),
  modelColumns: new Set(model.columns.map((c) => c.column)),
  norm: (declared, field) =>
    field.kind === "json" && s.liveJsonType !== undefined ? s.liveJsonType : introspector.normalizeType(declared),
  fits: (c, field) => liveColumnFits(introspector, c, field),
  options,
  ops: [],
  rebuildReasons: []
})

/** The columns of a list of field names (names that are not fields are taken as columns). */
export const toColumns = (model: ModelInfo, names: ReadonlyArray<string>): ReadonlyArray<string> =>
  names.map((n) => model.columnMap.get(n)?.column ?? n)
