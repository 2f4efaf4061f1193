/**
 * The column operations of a table diff: add the model's new columns, alter those whose type or
 * nullability changed (a narrowing is destructive and prechecked), drop live columns no field maps
 * (refused up front when a foreign key references one).
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ColumnShape } from "./Backend.js"
import type { LiveColumn } from "./LiveSchema.js"
import type { Precheck } from "./Operation.js"
import type { TableDiff } from "./TableDiff.js"
import { conversionOf, typeChange } from "./TypeChange.js"

const describeType = (type: string, nullable: boolean) => `${type}${nullable ? ", nullable" : ", not null"}`

const addColumn = (c: TableDiff, field: Field, expected: ColumnShape) => {
  const t = c.model.table
  const value = c.options.defaults?.[`${t}.${field.column}`]
  const added = c.s.addColumn(t, field, expected.type, value)
  const required = !expected.nullable
  c.ops.push({
    kind: "addColumn",
    table: t,
    description:
      `add column ${t}.${field.column} (${describeType(expected.type, expected.nullable)}` +
      `${required ? `, existing rows get ${added.existingRows}` : ""})`,
    up: added.up,
    down: c.s.dropColumn(t, field.column),
    destructive: false,
    additive: true
  })
}

const alterColumn = (c: TableDiff, field: Field, lc: LiveColumn, expected: ColumnShape, keyedType: boolean) => {
  const t = c.model.table
  const want = c.norm(expected.type, field)
  // a column that already reads as the field keeps its spelling, unless a key needs the backend's own type
  const typeChanged = want !== lc.type && (keyedType || !c.fits(lc, field))
  const nullChanged = expected.nullable !== lc.nullable
  if (!typeChanged && !nullChanged) return
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
  // a value the new type rejects would fail the step half-way through the plan: counted before any DDL
  const conversion = narrowing ? conversionOf(lc.type, want) : undefined
  const misfit = conversion !== undefined ? c.s.misfitCondition(field.column, conversion) : undefined
  const unchecked = conversion?.kind === "unchecked"
  const prechecks: Array<Precheck> = [
    ...(nullChanged && !expected.nullable ? [{ kind: "notNull" as const, table: t, column: field.column }] : []),
    ...(misfit !== undefined
      ? [{ kind: "fits" as const, table: t, column: field.column, type: want, condition: misfit, unchecked }]
      : [])
  ]
  if (c.s.rebuildsTables) {
    c.rebuildReasons.push({ description, destructive: narrowing, prechecks })
    return
  }
  const was = { type: lc.type, nullable: lc.nullable }
  c.ops.push({
    kind: "alterColumn",
    table: t,
    description,
    up: c.s.alterColumn(t, field.column, expected, typeChanged, nullChanged),
    down: c.s.alterColumn(t, field.column, was, typeChanged, nullChanged),
    destructive: narrowing,
    additive: false,
    prechecks
  })
}

/** Adds the model's missing columns and alters the changed ones (never a key column). */
export const modelColumnOps = (c: TableDiff, keyed: ReadonlySet<string>): void => {
  for (const field of c.model.columns) {
    const lc = c.liveColumns.get(field.column)
    const isKeyed = keyed.has(field.name)
    const expected = c.s.expectedColumn(c.model, field, isKeyed)
    if (lc === undefined) addColumn(c, field, expected)
    else if (!c.model.key.includes(field)) {
      // MySQL indexes a bounded VARCHAR, not TEXT: a keyed field may need a type of its own
      const keyedType = isKeyed && expected.type !== c.s.expectedColumn(c.model, field, false).type
      alterColumn(c, field, lc, expected, keyedType)
    }
  }
}

/** A dropped column that foreign keys reference: PostgreSQL and MySQL refuse to drop it, SQLite would leave them dangling. */
const referencedColumn = (c: TableDiff, column: string): ReadonlyArray<Precheck> =>
  (c.live.referencingKeys ?? [])
    .filter((fk) => fk.columns.includes(column))
    .map((fk) => ({
      kind: "problem" as const,
      table: c.live.name,
      problem: `column ${c.live.name}.${column} is referenced by foreign key ${fk.name} of ${fk.table}: drop that foreign key first`
    }))

/** Drops the live columns no field maps to. */
export const dropColumnOps = (c: TableDiff): void => {
  const t = c.model.table
  for (const lc of c.live.columns) {
    if (c.modelColumns.has(lc.name)) continue
    const description = `drop column ${t}.${lc.name}`
    const prechecks = referencedColumn(c, lc.name)
    if (c.s.rebuildsTables) {
      c.rebuildReasons.push({ description, destructive: true, prechecks })
      continue
    }
    c.ops.push({
      kind: "dropColumn",
      table: t,
      description,
      up: c.s.dropColumn(t, lc.name),
      down: c.s.addLiveColumn(t, lc),
      destructive: true,
      additive: false,
      prechecks
    })
  }
}
