/**
 * Adoption: what autoMigrate checks before it uses a model over a table it did not create (one the
 * ledger does not record as created), and what it refuses rather than change. Such a table is
 * never altered automatically; a model that disagrees with it fails `SchemaMismatch` naming the
 * model, field and column (never a value) and saying what to do.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { singularize, tableNameFor } from "../model/TableName.js"
import type { Introspector, LiveTable } from "./LiveSchema.js"
import type { Operation } from "./Operation.js"

/** The column a field is stored in. */
export const columnOf = (field: Field): string => field.column

/** Fractional second digits a date field keeps (`DataFlow.dateTime({ precision })`); a plain date keeps milliseconds. */
const fractionalDigitsOf = (field: Field): number => field.fractionalDigits ?? 3

/** Digits before the point a live `NUMERIC(p, s)` keeps. */
const integerDigits = (type: string): number | undefined => {
  const m = /^(?:numeric|decimal)\s*\((\d+)\s*(?:,\s*(\d+))?\)/.exec(type)
  return m === null ? undefined : Number(m[1]) - Number(m[2] ?? 0)
}

const mismatch = (model: ModelInfo, field: Field | undefined, reason: string) =>
  new Errors.SchemaMismatch({
    model: model.name,
    table: model.table,
    ...(field !== undefined ? { field: field.name, column: columnOf(field) } : {}),
    reason
  })

/** The table's primary key columns, in key order. */
const primaryKeyOf = (live: LiveTable): ReadonlyArray<string> =>
  live.primaryKey !== undefined && live.primaryKey.length > 0
    ? live.primaryKey
    : live.columns.filter((c) => c.primaryKey).map((c) => c.name)

/**
 * Why the model's key cannot be used over the live table: a key field with no column (adding a key
 * column to a live table is never planned), or key columns that are neither the table's primary key
 * nor a unique key over NOT NULL columns — where one id could match several rows, and `read`,
 * `update` and `delete` by id would touch rows the caller never meant.
 */
export const keyMismatch = (model: ModelInfo, live: LiveTable): Errors.SchemaMismatch | undefined => {
  const columns = new Map(live.columns.map((c) => [c.name, c] as const))
  const pk = primaryKeyOf(live)
  const hint =
    pk.length === 1
      ? `map the key with Schema.fromKey("${pk[0]}")`
      : pk.length > 1
        ? `list the key's fields in primaryKey (the table's key is ${pk.join(", ")})`
        : "map the key to an existing column with Schema.fromKey"
  const missing = model.key.find((f) => !columns.has(columnOf(f)))
  if (missing !== undefined) {
    return mismatch(model, missing, `the table has no column ${columnOf(missing)} for the primary key: ${hint}`)
  }
  const keyColumns = model.key.map(columnOf)
  const same = (cols: ReadonlyArray<string>) =>
    cols.length === keyColumns.length && cols.every((c) => keyColumns.includes(c))
  if (same(pk)) return undefined
  const uniqueKey = live.unique.some(
    (u) => same(u.columns) && u.columns.every((c) => columns.get(c)?.nullable === false)
  )
  if (uniqueKey) return undefined
  const field = model.key.find((f) => !pk.includes(columnOf(f))) ?? model.key[0]!
  return mismatch(
    model,
    field,
    `${keyColumns.join(", ")} is not the table's primary key${pk.length > 0 ? ` (${pk.join(", ")})` : ""} ` +
      `nor a unique key over NOT NULL columns, so one id could match several rows: ${hint}`
  )
}

/**
 * Why the model cannot be used over a table it did not create, if it cannot. `only: "values"`: just
 * whether its columns keep every value the fields admit (decimal places and digits, fractional
 * seconds, a time of day) — what any table is checked for, one the library created too, and with autoMigrate off:
 * a column that keeps fewer would round or cut a write silently.
 */
export const adoptionMismatch = (
  introspector: Introspector,
  model: ModelInfo,
  live: LiveTable,
  only: "all" | "values" = "all"
): Errors.SchemaMismatch | undefined => {
  const key = only === "all" ? keyMismatch(model, live) : undefined
  if (key !== undefined) return key
  const columns = new Map(live.columns.map((c) => [c.name, c] as const))
  for (const field of model.columns) {
    const c = columns.get(columnOf(field))
    if (c === undefined && only === "values") continue
    if (c === undefined) {
      return mismatch(
        model,
        field,
        field.managed
          ? `the table has no column ${columnOf(field)}: set timestamps: false (or name its columns in timestamps), or run dataflow migrate plan`
          : `the table has no column ${columnOf(field)}: map the field to its column with Schema.fromKey("<column>"), or run dataflow migrate plan and apply the added column`
      )
    }
    if (field.kind === "decimal") {
      const scale = introspector.decimalScale(c.type)
      const digits = integerDigits(c.type)
      // a field that is not DataFlow.decimal(p, s) admits any number of places
      const fits =
        field.scale !== undefined &&
        field.precision !== undefined &&
        scale !== undefined &&
        digits !== undefined &&
        field.scale <= scale &&
        field.precision - field.scale <= digits
      if (scale !== undefined && !fits) {
        return mismatch(
          model,
          field,
          `the column keeps ${digits! + scale} digits, ${scale} after the point, fewer than the field admits: ` +
            `declare it DataFlow.decimal(${digits! + scale}, ${scale}) (or narrower)`
        )
      }
    }
    if (field.kind === "date" && field.dayOnly !== true && introspector.keepsDayOnly(c.type)) {
      // a DATE would keep 2009-01-15 of 2009-01-15T13:00Z: the time of day dropped silently
      const how = field.managed
        ? `${field === model.deletedAt ? "drop softDelete" : "set timestamps: false"} and map the column as a field, ` +
          `DataFlow.dateOnly() with Schema.fromKey("${columnOf(field)}")`
        : "declare it DataFlow.dateOnly()"
      return mismatch(model, field, `the column keeps only the day and the field a time of day: ${how}`)
    }
    if (field.kind === "date") {
      const fraction = introspector.fractionalDigits(c.type)
      if (fraction !== undefined && fraction < fractionalDigitsOf(field)) {
        // a managed column's precision cannot be declared: it becomes a field of the model
        const how = field.managed
          ? `${field === model.deletedAt ? "drop softDelete" : "set timestamps: false"} and map the column as a field, ` +
            `DataFlow.dateTime({ precision: ${fraction} }) with Schema.fromKey("${columnOf(field)}")`
          : `declare it DataFlow.dateTime({ precision: ${fraction} })`
        return mismatch(
          model,
          field,
          `the column keeps ${fraction} fractional second digits and the field ${fractionalDigitsOf(field)}: ${how}`
        )
      }
    }
  }
  return undefined
}

/**
 * A table the model obviously means when its default table is missing: the same name up to case
 * and plural (model `Track`, default `tracks`, while `Track` or `track` exists). Undefined when the
 * model names its table itself or nothing is that close.
 */
export const nearTable = (model: ModelInfo, tableNames: ReadonlyArray<string>): string | undefined => {
  if (model.table !== tableNameFor(model.name)) return undefined
  const same = (n: string) => singularize(n.toLowerCase().replace(/_/g, ""))
  const wanted = new Set([same(model.table), same(model.name)])
  return tableNames.find((n) => n !== model.table && wanted.has(same(n)))
}

/** The refusal for creating a second table beside `other`. */
export const nearTableMismatch = (model: ModelInfo, other: string) =>
  mismatch(
    model,
    undefined,
    `table ${other} exists and looks like this model's, while ${model.table} does not: set table: "${other}" ` +
      `to use it, or create ${model.table} beside it with dataflow migrate apply`
  )

/** What autoMigrate asks of a family to decide what it may do to the live tables (collections). */
export interface AutoFamily<Live, E> {
  /** The live tables of the models, by name. */
  readonly live: ReadonlyMap<string, Live>
  /** Every table's name (asked only when a model's table is missing). */
  readonly names: Effect.Effect<ReadonlyArray<string>, E>
  /** The tables the ledger says this library created (asked only when a model's table exists). */
  readonly owned: Effect.Effect<ReadonlySet<string>, E>
  /** The additive operations that would bring `live` (absent: none) to `model`. */
  readonly additions: (model: ModelInfo, live: Live | undefined) => ReadonlyArray<Operation>
  /** Why `model` may not be used over `live` (`owned`: a table this library created), if it may not. */
  readonly refusal: (model: ModelInfo, live: Live, owned: boolean) => Errors.SchemaMismatch | undefined
}

/**
 * autoMigrate's operations, the same rule on every family: a missing table is created (unless one
 * the model obviously means exists under another spelling); a table the ledger says this library
 * created gets the additions its model gained; any other is only checked against the model, never
 * altered (what it lacks is a warning pointing at `dataflow migrate plan`).
 */
export const autoOperations = <Live, E>(
  models: ReadonlyArray<ModelInfo>,
  family: AutoFamily<Live, E>
): Effect.Effect<ReadonlyArray<Operation>, E | Errors.SchemaMismatch> =>
  Effect.gen(function* () {
    const missing = models.filter((m) => !family.live.has(m.table))
    const names = missing.length === 0 ? [] : yield* family.names
    for (const m of missing) {
      const other = nearTable(m, names)
      if (other !== undefined) return yield* nearTableMismatch(m, other)
    }
    const owned = missing.length === models.length ? new Set<string>() : yield* family.owned
    const ops: Array<Operation> = []
    for (const m of models) {
      const live = family.live.get(m.table)
      const additions = family.additions(m, live)
      const ours = live === undefined || owned.has(m.table)
      const refused = live === undefined ? undefined : family.refusal(m, live, ours)
      if (refused !== undefined) return yield* refused
      if (ours) ops.push(...additions)
      else if (additions.length > 0) {
        yield* Effect.logWarning(
          `autoMigrate leaves ${m.table} alone (this library did not create it): ${additions.map((o) => o.description).join("; ")} ` +
            "— run dataflow migrate plan to apply them"
        )
      }
    }
    return ops
  })
