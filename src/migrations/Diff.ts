/**
 * Diff: the models against the live schema, as a list of operations with up and down SQL.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import { constraintName, type ModelInfo } from "../model/Model.js"
import { createTable, keyedFields } from "../sql/Ddl.js"
import type { Dialect } from "../sql/Dialect.js"
import { type Introspector, keyOf, ledgerTable, type LiveColumn, type LiveKey, type LiveTable } from "./LiveSchema.js"
import type { Operation, Precheck } from "./Operation.js"
import { rebuildTable } from "./SqliteRebuild.js"
import * as S from "./Statements.js"
import { misfitCondition, typeChange } from "./TypeChange.js"

/** Options of the diff. */
export interface DiffOptions {
  /** Drop tables no model describes (destructive). Default false: other tables are left alone. */
  readonly prune?: boolean
  /** Values existing rows get when a required column is added, by "table.column". */
  readonly defaults?: Readonly<Record<string, S.DefaultValue>>
}

export { isNarrowing } from "./TypeChange.js"

const describeType = (type: string, nullable: boolean) => `${type}${nullable ? ", nullable" : ", not null"}`

/** The operations that bring the live tables to the models. */
export const diff = (
  d: Dialect,
  introspector: Introspector,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>,
  options: DiffOptions = {}
): ReadonlyArray<Operation> => {
  const ops: Array<Operation> = []
  const liveByName = new Map(live.map((t) => [t.name, t] as const))
  const norm = (declared: string, field: Field) =>
    field.kind === "json" && d.migration.liveJsonType !== undefined
      ? d.migration.liveJsonType
      : introspector.normalizeType(declared)
  for (const model of models) {
    const table = liveByName.get(model.table)
    if (table === undefined) {
      ops.push({
        kind: "createTable",
        table: model.table,
        description: `create table ${model.table} (${model.columns.map((c) => c.name).join(", ")})`,
        up: createTable(d, model),
        down: [`DROP TABLE ${d.quote(model.table)}`],
        destructive: false,
        additive: true
      })
      continue
    }
    ops.push(...diffTable(d, model, table, norm, options))
  }
  if (options.prune) {
    const modelTables = new Set(models.map((m) => m.table))
    for (const t of live) {
      if (modelTables.has(t.name) || t.name === ledgerTable) continue
      ops.push({
        kind: "dropTable",
        table: t.name,
        description: `drop table ${t.name}`,
        up: [`DROP TABLE ${d.quote(t.name)}`],
        down: S.createFromLive(d, t),
        destructive: true,
        additive: false
      })
    }
  }
  return ops
}

const diffTable = (
  d: Dialect,
  model: ModelInfo,
  table: LiveTable,
  norm: (declared: string, field: Field) => string,
  options: DiffOptions
): ReadonlyArray<Operation> => {
  const ops: Array<Operation> = []
  const keyed = keyedFields(model)
  const liveColumns = new Map(table.columns.map((c) => [c.name, c] as const))
  const t = model.table
  // SQLite cannot ALTER a column's type or nullability, nor drop a UNIQUE constraint: those go
  // into one table rebuild
  const rebuildReasons: Array<{ description: string; destructive: boolean; prechecks?: ReadonlyArray<Precheck> }> = []
  for (const field of model.columns) {
    const lc = liveColumns.get(field.column)
    const expected = S.expectedColumn(d, model, field, keyed.has(field.name))
    if (lc === undefined) {
      const value = options.defaults?.[`${t}.${field.column}`]
      const def = S.addColumnSql(d, field, expected.type, value)
      const required = !expected.nullable
      ops.push({
        kind: "addColumn",
        table: t,
        description:
          `add column ${t}.${field.column} (${describeType(expected.type, expected.nullable)}` +
          `${required ? `, existing rows get ${def.replace(/^.* DEFAULT (.*) NOT NULL.*$/, "$1")}` : ""})`,
        up: [S.alterTable(d, t, `ADD COLUMN ${def}`)],
        down: [S.dropColumnSql(d, t, field.column)],
        destructive: false,
        additive: true
      })
      continue
    }
    if (model.key.includes(field)) continue
    const want = norm(expected.type, field)
    const typeChanged = want !== lc.type
    const nullChanged = expected.nullable !== lc.nullable
    if (!typeChanged && !nullChanged) continue
    const change = typeChanged ? typeChange(lc.type, want) : "same"
    const narrowing = change === "narrowing"
    const description =
      `alter column ${t}.${field.column}: ` +
      [
        typeChanged ? `type ${lc.type} -> ${want}${change === "same" ? "" : ` (${change})`}` : "",
        nullChanged ? (expected.nullable ? "drop not null" : "set not null") : ""
      ]
        .filter((s) => s !== "")
        .join(", ")
    const misfit = narrowing ? misfitCondition(d.quote(field.column), want, d.migration.charLength) : undefined
    const prechecks: Array<Precheck> = [
      ...(nullChanged && !expected.nullable ? [{ kind: "notNull" as const, table: t, column: field.column }] : []),
      ...(misfit !== undefined
        ? [{ kind: "fits" as const, table: t, column: field.column, type: want, condition: misfit }]
        : [])
    ]
    if (d.migration.rebuildsTables) {
      rebuildReasons.push({ description, destructive: narrowing, prechecks })
      continue
    }
    ops.push({
      kind: "alterColumn",
      table: t,
      description,
      up: d.migration.alterColumn(t, field.column, expected.type, expected.nullable, typeChanged, nullChanged),
      down: d.migration.alterColumn(t, field.column, lc.type, lc.nullable, typeChanged, nullChanged),
      destructive: narrowing,
      additive: false,
      prechecks
    })
  }
  const modelColumns = new Set(model.columns.map((c) => c.column))
  const toColumns = (names: ReadonlyArray<string>) => names.map((n) => model.columnMap.get(n)?.column ?? n)
  for (const lc of table.columns) {
    if (modelColumns.has(lc.name)) continue
    const description = `drop column ${t}.${lc.name}`
    if (d.migration.rebuildsTables) {
      rebuildReasons.push({ description, destructive: true })
      continue
    }
    ops.push({
      kind: "dropColumn",
      table: t,
      description,
      up: [S.dropColumnSql(d, t, lc.name)],
      down: [S.alterTable(d, t, `ADD COLUMN ${S.liveColumnDef(d, lc as LiveColumn, false)}`)],
      destructive: true,
      additive: false
    })
  }
  const wantedKeys = new Set([...model.unique, ...model.indexes].map((k) => keyOf(toColumns(k))))
  // every key this plan drops, known before any is checked against the foreign keys
  const dropped = new Set(
    [...table.unique, ...table.indexes].filter((k) => !wantedKeys.has(keyOf(k.columns))).map((k) => k.name)
  )
  // a new column takes one value in every existing row (its default) or NULL: duplicates come from the others
  const uniquePrecheck = (t: string, w: ReadonlyArray<string>): ReadonlyArray<Precheck> => {
    const added = model.columns.filter((c) => w.includes(c.column) && !liveColumns.has(c.column))
    if (added.some((c) => c.optional || c.nullable)) return []
    return [{ kind: "unique", table: t, columns: w.filter((c) => liveColumns.has(c)) }]
  }
  const keyOps = (
    kind: "Unique" | "Index",
    wanted: ReadonlyArray<ReadonlyArray<string>>,
    have: ReadonlyArray<LiveKey>
  ) => {
    const haveKeys = new Map(have.map((k) => [keyOf(k.columns), k] as const))
    const wantKeys = new Set(wanted.map(keyOf))
    const noun = kind === "Unique" ? "unique key" : "index"
    for (const w of wanted) {
      if (haveKeys.has(keyOf(w))) continue
      const key: LiveKey = { name: constraintName(t, w, kind === "Unique" ? "key" : "idx"), columns: w }
      ops.push({
        kind: kind === "Unique" ? "addUnique" : "addIndex",
        table: t,
        ...(kind === "Unique" ? { key } : {}),
        description: `add ${noun} ${key.name} on ${t} (${w.join(", ")})`,
        up: [kind === "Unique" ? d.migration.addUnique(t, key) : S.createIndexSql(d, t, key, false)],
        down: [
          kind === "Unique"
            ? d.migration.dropUnique(t, { ...key, constraint: !d.migration.rebuildsTables })
            : d.migration.dropIndex(t, key.name)
        ],
        destructive: false,
        additive: true,
        ...(kind === "Unique" ? { prechecks: uniquePrecheck(t, w) } : {})
      })
    }
    for (const h of have) {
      if (wantKeys.has(keyOf(h.columns))) continue
      // a key over a column that is being dropped goes with the column
      if (h.columns.some((c) => !modelColumns.has(c))) continue
      const description = `drop ${noun} ${h.name} on ${t} (${h.columns.join(", ")})`
      // a dropped key or index takes away what the database enforced or what a foreign key used
      if (d.migration.rebuildsTables && h.constraint) {
        rebuildReasons.push({ description, destructive: true })
        continue
      }
      ops.push({
        kind: kind === "Unique" ? "dropUnique" : "dropIndex",
        table: t,
        description,
        up: [kind === "Unique" ? d.migration.dropUnique(t, h) : d.migration.dropIndex(t, h.name)],
        down: [kind === "Unique" ? d.migration.addUnique(t, h) : S.createIndexSql(d, t, h, false)],
        destructive: true,
        additive: false,
        prechecks: foreignKeyNeeds(table, h, dropped, modelColumns)
      })
    }
  }
  keyOps("Unique", model.unique.map(toColumns), table.unique)
  keyOps("Index", model.indexes.map(toColumns), table.indexes)
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
  ops.sort((a, b) => (order[a.kind] ?? 5) - (order[b.kind] ?? 5))
  if (rebuildReasons.length > 0) {
    // the rebuild creates the model's whole table (its keys and indexes too): other ops on it are folded in
    const folded = ops.map((o) => ({
      description: o.description,
      destructive: o.destructive,
      prechecks: o.prechecks ?? []
    }))
    return [rebuildTable(d, model, table, [...folded, ...rebuildReasons], options)]
  }
  return ops
}

/**
 * The foreign keys of `table` that would be left without an index once `key` goes (MySQL refuses
 * the drop with 1553 after earlier steps ran; elsewhere joins and cascades lose their index).
 */
const foreignKeyNeeds = (
  table: LiveTable,
  key: LiveKey,
  dropped: ReadonlySet<string>,
  kept: ReadonlySet<string>
): ReadonlyArray<Precheck> => {
  const covers = (k: ReadonlyArray<string>, fk: ReadonlyArray<string>) => fk.every((c, i) => k[i] === c)
  const primary = table.columns.filter((c) => c.primaryKey).map((c) => c.name)
  const others = [
    primary,
    ...[...table.unique, ...table.indexes]
      .filter((k) => !dropped.has(k.name) && k.name !== key.name)
      .map((k) => k.columns)
  ]
  return (table.foreignKeys ?? [])
    .filter(
      (fk) =>
        fk.columns.every((c) => kept.has(c)) &&
        covers(key.columns, fk.columns) &&
        !others.some((k) => covers(k, fk.columns))
    )
    .map((fk) => ({
      kind: "problem" as const,
      table: table.name,
      problem:
        `foreign key ${fk.name} on ${table.name} (${fk.columns.join(", ")}) needs index ${key.name}: ` +
        `declare the index in the model, or drop the foreign key first`
    }))
}

/** Notes for `migrate plan` about the live columns of the models' tables (collations that ignore case or accents). */
export const notesFor = (
  d: Dialect,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>
): ReadonlyArray<string> => {
  const byName = new Map(live.map((t) => [t.name, t] as const))
  return models.flatMap((m) => {
    const t = byName.get(m.table)
    if (t === undefined) return []
    const mine = new Set(m.columns.map((c) => c.column))
    return t.columns.filter((c) => mine.has(c.name)).flatMap((c) => d.migration.collationNote(t.name, c) ?? [])
  })
}
