/**
 * The benchmark's models and data. Tables are created by our own DDL (Database.layer with these
 * models); every contender then reads and writes the same two tables.
 */
import { Schema } from "effect"
import { DataFlow } from "../src/index.js"

const fields = {
  id: Schema.String,
  name: Schema.String,
  email: Schema.String,
  age: Schema.Int,
  active: Schema.Boolean,
  score: Schema.Number
}

/** Seeded once per dialect; the single-row scenarios read, list, count, insert into and update it. */
export const Item = DataFlow.model("BenchItem", fields, { unique: [["email"]], indexes: [["age"]] })
/** Emptied (or seeded) before each bulk run. */
export const BulkItem = DataFlow.model("BenchBulkItem", fields, { unique: [["email"]], indexes: [["age"]] })

export const itemsTable = Item.table
export const bulkTable = BulkItem.table

/** A record as every contender writes it (timestamps are added by each contender, as "now"). */
export interface ItemInput {
  readonly id: string
  readonly name: string
  readonly email: string
  readonly age: number
  readonly active: boolean
  readonly score: number
}

/** Columns in insert order, for hand-written SQL. */
export const columns = ["id", "name", "email", "age", "active", "score", "created_at", "updated_at"] as const
export const selectColumns = columns.join(", ")

/** Row `i` of a data set; `prefix` keeps ids and emails of different writers apart. */
export const makeRow = (prefix: string, i: number, variant = 0): ItemInput => ({
  id: `${prefix}${i}`,
  name: `name ${i}${variant === 0 ? "" : ` v${variant}`}`,
  email: `${prefix}${i}@bench.example`,
  age: i % 80,
  active: i % 3 !== 0,
  score: i * 0.5 + variant
})

export const makeRows = (prefix: string, n: number, variant = 0, from = 0): Array<ItemInput> => {
  const rows = new Array<ItemInput>(n)
  for (let i = 0; i < n; i++) rows[i] = makeRow(prefix, from + i, variant)
  return rows
}

/** Seeded rows of the single-row table are `s0`, `s1`, …. */
export const seedPrefix = "s"

/**
 * The filter of `list` and `count`: active rows of two ages (about 1/60 of the table), listed by age
 * (indexed) with `id` as tie-breaker, 20 per page, with the total of all matches.
 */
export const listFilter = { active: true, age: { $gte: 40, $lt: 42 } } as const
export const listLimit = 20
export const listSql = {
  where: "active = {true} AND age >= 40 AND age < 42",
  orderBy: "age, id"
}

/** The filter of `bulk-update`: an eighth of the rows (ages 40–49). */
export const bulkUpdateFilter = { age: { $gte: 40, $lt: 50 } } as const
export const bulkUpdateWhere = "age >= 40 AND age < 50"

/** Rows per multi-row statement in hand-written bulk SQL (SQLite: 100, the fastest form measured here). */
export const batchRows = { postgres: 1000, mysql: 1000, sqlite: 100 } as const

export const chunks = <A>(rows: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
