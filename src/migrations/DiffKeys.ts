/**
 * The key operations of a table diff: add the unique keys and indexes the model declares and the
 * table lacks (a new unique key is prechecked for duplicates), drop the ones it no longer declares
 * (destructive; refused up front when a foreign key needs the index — the table's own, or another
 * table's that references the key's columns).
 *
 * @since 0.1.0
 */
import { constraintName } from "../model/Model.js"
import { keyOf, type LiveKey, type LiveTable } from "./LiveSchema.js"
import type { Precheck } from "./Operation.js"
import { type TableDiff, toColumns } from "./TableDiff.js"

type KeyKind = "Unique" | "Index"

const nounOf = (kind: KeyKind) => (kind === "Unique" ? "unique key" : "index")

/** A new column takes one value in every existing row (its default) or NULL: duplicates come from the others. */
const uniquePrecheck = (c: TableDiff, columns: ReadonlyArray<string>): ReadonlyArray<Precheck> => {
  const added = c.model.columns.filter((f) => columns.includes(f.column) && !c.liveColumns.has(f.column))
  if (added.some((f) => f.optional || f.nullable)) return []
  return [{ kind: "unique", table: c.model.table, columns: columns.filter((col) => c.liveColumns.has(col)) }]
}

const addKeys = (
  c: TableDiff,
  kind: KeyKind,
  wanted: ReadonlyArray<ReadonlyArray<string>>,
  have: ReadonlyArray<LiveKey>
) => {
  const t = c.model.table
  const haveKeys = new Set(have.map((k) => keyOf(k.columns)))
  for (const w of wanted) {
    if (haveKeys.has(keyOf(w))) continue
    const key: LiveKey = { name: constraintName(t, w, kind === "Unique" ? "key" : "idx"), columns: w }
    c.ops.push({
      kind: kind === "Unique" ? "addUnique" : "addIndex",
      table: t,
      ...(kind === "Unique" ? { key } : {}),
      description: `add ${nounOf(kind)} ${key.name} on ${t} (${w.join(", ")})`,
      up: kind === "Unique" ? c.s.addUnique(t, key) : c.s.addIndex(t, key),
      down: kind === "Unique" ? c.s.dropUnique(t, { ...key, constraint: !c.s.rebuildsTables }) : c.s.dropIndex(t, key),
      destructive: false,
      additive: true,
      ...(kind === "Unique" ? { prechecks: uniquePrecheck(c, w) } : {})
    })
  }
}

const dropKeys = (
  c: TableDiff,
  kind: KeyKind,
  wanted: ReadonlyArray<ReadonlyArray<string>>,
  have: ReadonlyArray<LiveKey>,
  dropped: ReadonlySet<string>
) => {
  const t = c.model.table
  const wantKeys = new Set(wanted.map(keyOf))
  for (const h of have) {
    if (wantKeys.has(keyOf(h.columns))) continue
    // a key over a column that is being dropped goes with the column
    if (h.columns.some((col) => !c.modelColumns.has(col))) continue
    const description = `drop ${nounOf(kind)} ${h.name} on ${t} (${h.columns.join(", ")})`
    // a dropped key or index takes away what the database enforced or what a foreign key used
    if (c.s.rebuildsTables && h.constraint) {
      c.rebuildReasons.push({ description, destructive: true })
      continue
    }
    c.ops.push({
      kind: kind === "Unique" ? "dropUnique" : "dropIndex",
      table: t,
      description,
      up: kind === "Unique" ? c.s.dropUnique(t, h) : c.s.dropIndex(t, h),
      down: kind === "Unique" ? c.s.addUnique(t, h) : c.s.addIndex(t, h),
      destructive: true,
      additive: false,
      prechecks: [...foreignKeyNeeds(c.live, h, dropped, c.modelColumns), ...referencesNeed(c.live, h, dropped)]
    })
  }
}

/** Adds and drops the table's unique keys, then its indexes. */
export const keyOps = (c: TableDiff): void => {
  const { live, model } = c
  const uniques = model.unique.map((k) => toColumns(model, k))
  const indexes = model.indexes.map((k) => toColumns(model, k))
  const wantedKeys = new Set([...uniques, ...indexes].map(keyOf))
  // every key this plan drops, known before any is checked against the foreign keys
  const dropped = new Set(
    [...live.unique, ...live.indexes].filter((k) => !wantedKeys.has(keyOf(k.columns))).map((k) => k.name)
  )
  addKeys(c, "Unique", uniques, live.unique)
  dropKeys(c, "Unique", uniques, live.unique, dropped)
  addKeys(c, "Index", indexes, live.indexes)
  dropKeys(c, "Index", indexes, live.indexes, dropped)
}

const covers = (k: ReadonlyArray<string>, fk: ReadonlyArray<string>) => fk.every((c, i) => k[i] === c)

/**
 * The keys of `table` still there once `key` and the plan's `dropped` keys are gone, the primary key
 * first; `uniqueOnly`: not the plain indexes.
 */
const keptKeys = (
  table: LiveTable,
  key: LiveKey,
  dropped: ReadonlySet<string>,
  uniqueOnly = false
): ReadonlyArray<ReadonlyArray<string>> => [
  table.primaryKey ?? table.columns.filter((c) => c.primaryKey).map((c) => c.name),
  ...[...table.unique, ...(uniqueOnly ? [] : table.indexes)]
    .filter((k) => !dropped.has(k.name) && k.name !== key.name)
    .map((k) => k.columns)
]

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
  const others = keptKeys(table, key, dropped)
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

/**
 * The foreign keys (of other tables, or this one) whose referenced columns only `key` makes unique:
 * PostgreSQL and MySQL refuse the drop (on MySQL after earlier steps ran); SQLite allows it and then
 * fails every write through those foreign keys ("foreign key mismatch").
 */
const referencesNeed = (table: LiveTable, key: LiveKey, dropped: ReadonlySet<string>): ReadonlyArray<Precheck> => {
  // PostgreSQL references a unique key only
  const others = keptKeys(table, key, dropped, true)
  return (table.referencingKeys ?? [])
    .filter((fk) => covers(key.columns, fk.columns) && !others.some((k) => covers(k, fk.columns)))
    .map((fk) => ({
      kind: "problem" as const,
      table: table.name,
      problem:
        `foreign key ${fk.name} of ${fk.table} references ${table.name} (${fk.columns.join(", ")}) through ${key.name}: ` +
        `declare the key in the model, or drop the foreign key first`
    }))
}
