/**
 * What every contender implements: the same operations on the same tables, each a Promise so that
 * one runner can time them all in the same process. A missing operation is reported as "n/a".
 */
import type { DialectName, ScenarioId } from "./config.js"
import type { ItemInput } from "./model.js"

/** A listed page plus the total of all matches (every contender computes both, as our `list` does). */
export interface ListResult {
  readonly rows: ReadonlyArray<unknown>
  readonly total: number
}

export interface Ops {
  /** One record by id (single-row table). */
  readonly read?: (id: string) => Promise<unknown>
  /** `listFilter`, ordered by age then id, 20 rows, and the total of matches. */
  readonly list?: () => Promise<ListResult>
  /** Number of rows matching `listFilter`. */
  readonly count?: () => Promise<number>
  /** Inserts one row into the single-row table. */
  readonly insert?: (row: ItemInput) => Promise<unknown>
  /** Sets `score` (and updated_at) of one row by id. */
  readonly update?: (id: string, score: number) => Promise<unknown>
  /** In one transaction: read `readId`, update `updateId`, insert `row`. */
  readonly transaction?: (readId: string, updateId: string, score: number, row: ItemInput) => Promise<unknown>
  /** Inserts all rows into the bulk table, all-or-nothing. */
  readonly bulkInsert?: (rows: ReadonlyArray<ItemInput>) => Promise<unknown>
  /** Inserts or updates (on id) all rows of the bulk table, all-or-nothing. */
  readonly bulkUpsert?: (rows: ReadonlyArray<ItemInput>) => Promise<unknown>
  /** Sets `score` of the bulk table's rows matching `bulkUpdateFilter`. */
  readonly bulkUpdate?: (score: number) => Promise<unknown>
}

/** "reference": not a contender — a measure of a floor (see contenders/effectFloor.ts); never a baseline or a peer. */
export type Family = "ours" | "raw" | "reference" | "effect-sql" | "peer"

export interface Contender {
  readonly name: string
  readonly family: Family
  readonly ops: Ops
  /** Why an operation is missing or what it does differently, by scenario. */
  readonly notes?: Partial<Record<ScenarioId, string>>
  readonly close: () => Promise<void>
}

/** Opens one or more contenders of a family for a dialect (several: e.g. Drizzle and Drizzle prepared). */
export interface ContenderFactory {
  /** Names of the contenders it makes, so a factory that fails is still reported by name. */
  readonly names: (dialect: DialectName) => ReadonlyArray<string>
  readonly family: Family
  readonly open: (dialect: DialectName) => Promise<ReadonlyArray<Contender>>
}

/** "now" as each dialect's column stores it (SQLite: ISO-8601 text, as our codec writes it). */
export const nowFor = (dialect: DialectName): Date | string =>
  dialect === "sqlite" ? new Date().toISOString() : new Date()

/** A boolean as bound by hand-written SQL (SQLite has no boolean type). */
export const boolFor = (dialect: DialectName, b: boolean): boolean | number => (dialect === "sqlite" ? (b ? 1 : 0) : b)

export const errorText = (e: unknown): string => {
  const err = e as { _tag?: string; message?: string; reason?: string; cause?: unknown }
  const tag = err?._tag ? `${err._tag}: ` : ""
  const text = err?.message || err?.reason || String(e)
  return `${tag}${text}`.replace(/\s+/g, " ").slice(0, 300)
}
