/**
 * The ledger: the `dataflow_migrations` table, one row per applied plan — its id, checksum, up and
 * down SQL, when it started and finished, whether it succeeded, and (when it did not) the step
 * that failed. A row without `finished_at`, or with `success = 0`, is dirty: nothing runs until it
 * is repaired.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Runner } from "../sql/Runner.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import { ledgerTable } from "./LiveSchema.js"
import { checksumOf } from "./Operation.js"

/** What the ledger needs of the Database service. */
export type LedgerDb = Pick<Runner, "dialect" | "hooks" | "query" | "write">

/** One ledger row. */
export interface LedgerEntry {
  readonly id: string
  readonly checksum: string
  readonly description: ReadonlyArray<string>
  readonly up: ReadonlyArray<string>
  readonly down: ReadonlyArray<string>
  /** Descriptions of the operations whose down SQL loses data (rollback refuses them without allowDestructive). */
  readonly destructiveDown: ReadonlyArray<string>
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly success: boolean
  readonly failedStep: string | null
  /** The tables the plan touched. */
  readonly tables: ReadonlyArray<string>
  /** The tables the plan created (the library owns them: autoMigrate may add to them). */
  readonly createdTables: ReadonlyArray<string>
}

const text = (name: string, maxLength?: number): Field => ({
  name,
  column: name,
  kind: "string",
  optional: false,
  nullable: false,
  managed: false,
  ...(maxLength !== undefined ? { maxLength } : {})
})

/** CREATE TABLE IF NOT EXISTS for the ledger (run under the migration lock). */
export const createLedgerSql = (db: LedgerDb): string => {
  const d = db.hooks
  const t = (f: Field) => d.columnType(f, false)
  return `CREATE TABLE IF NOT EXISTS ${d.quote(ledgerTable)} (
  ${d.quote("id")} ${t(text("id", 255))} NOT NULL PRIMARY KEY,
  ${d.quote("checksum")} ${t(text("checksum", 64))} NOT NULL,
  ${d.quote("description")} ${t(text("description"))} NOT NULL,
  ${d.quote("up_sql")} ${t(text("up_sql"))} NOT NULL,
  ${d.quote("down_sql")} ${t(text("down_sql"))} NOT NULL,
  ${d.quote("destructive_down")} ${t(text("destructive_down"))} NOT NULL,
  ${d.quote("started_at")} ${t(text("started_at", 32))} NOT NULL,
  ${d.quote("finished_at")} ${t(text("finished_at", 32))},
  ${d.quote("success")} INTEGER NOT NULL,
  ${d.quote("failed_step")} ${t(text("failed_step"))},
  ${d.quote(tablesColumn)} ${t(text(tablesColumn))}
)${d.tableOptions}`
}

// added after the first release: ledgers created before it lack the column (ensure adds it; rows
// without a value are read from their descriptions)
const tablesColumn = "affected_tables"

const context = { model: "Migration", table: ledgerTable, constraints: new Map(), operation: "migrate" }

const run = (db: LedgerDb, sql: string, params: ReadonlyArray<unknown> = []) => db.write({ sql, params }, context)

const placeholders = (db: LedgerDb, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => db.hooks.placeholder(i + from)).join(", ")

/** Creates the ledger table when missing, and adds the columns an older ledger lacks. */
export const ensure = (db: LedgerDb) =>
  Effect.gen(function* () {
    yield* run(db, createLedgerSql(db))
    const has = yield* db.query({ sql: db.hooks.migration.columnExistsSql, params: [ledgerTable, tablesColumn] })
    if (has.length === 0) {
      yield* run(
        db,
        `ALTER TABLE ${db.hooks.quote(ledgerTable)} ADD COLUMN ${db.hooks.quote(tablesColumn)} ${db.hooks.columnType(text(tablesColumn), false)}`
      )
    }
  })

/** The table an operation description names (how entries written before `affected_tables` are read). */
export const tablesOfDescription = (description: string): { readonly table?: string; readonly created: boolean } => {
  const whole = /^(create|drop|rebuild) table ([A-Za-z0-9_]+)/.exec(description)
  if (whole !== null) return { table: whole[2]!, created: whole[1] === "create" }
  const column = /^(?:add|drop|alter) column ([A-Za-z0-9_]+)\./.exec(description)
  if (column !== null) return { table: column[1]!, created: false }
  const key = / on ([A-Za-z0-9_]+) \(/.exec(description)
  return key !== null ? { table: key[1]!, created: false } : { created: false }
}

const parseTables = (raw: unknown, description: ReadonlyArray<string>) => {
  if (raw !== null && raw !== undefined && String(raw) !== "") {
    const v = JSON.parse(String(raw)) as { touched?: ReadonlyArray<string>; created?: ReadonlyArray<string> }
    return { tables: v.touched ?? [], createdTables: v.created ?? [] }
  }
  const parsed = description.map(tablesOfDescription)
  return {
    tables: [...new Set(parsed.flatMap((p) => (p.table !== undefined ? [p.table] : [])))],
    createdTables: parsed.flatMap((p) => (p.created && p.table !== undefined ? [p.table] : []))
  }
}

/** Whether the ledger table exists (without creating it). */
export const exists = (db: LedgerDb): Effect.Effect<boolean, Errors.QueryError> => {
  return Effect.map(
    db.query({ sql: db.hooks.migration.tableExistsSql, params: [ledgerTable] }),
    (rows) => rows.length > 0
  )
}

const parseList = (v: unknown): ReadonlyArray<string> => JSON.parse(String(v)) as ReadonlyArray<string>

/** Every entry, oldest first. */
export const list = (db: LedgerDb): Effect.Effect<ReadonlyArray<LedgerEntry>, Errors.QueryError> =>
  Effect.map(
    db.query({ sql: `SELECT * FROM ${db.hooks.quote(ledgerTable)} ORDER BY ${db.hooks.quote("id")}`, params: [] }),
    (rows) =>
      rows.map((r): LedgerEntry => ({
        id: String(r["id"]),
        checksum: String(r["checksum"]),
        description: parseList(r["description"]),
        up: parseList(r["up_sql"]),
        down: parseList(r["down_sql"]),
        destructiveDown: parseList(r["destructive_down"]),
        startedAt: String(r["started_at"]),
        finishedAt: r["finished_at"] === null || r["finished_at"] === undefined ? null : String(r["finished_at"]),
        success: Number(r["success"]) === 1,
        failedStep: r["failed_step"] === null || r["failed_step"] === undefined ? null : String(r["failed_step"]),
        ...parseTables(r[tablesColumn], parseList(r["description"]))
      }))
  )

const dirty = (e: LedgerEntry) => e.finishedAt === null || !e.success

/**
 * Refuses to go on past a dirty entry (DirtyMigration) or an entry whose SQL no longer matches its
 * checksum (ChecksumMismatch: someone edited what rollback would run). With `scope`, only a dirty
 * entry that touched one of those tables (or whose tables are unknown) blocks; any other is logged
 * as a warning naming itself.
 */
export const verify = (
  entries: ReadonlyArray<LedgerEntry>,
  scope?: ReadonlySet<string>
): Effect.Effect<void, Errors.DirtyMigration | Errors.ChecksumMismatch> =>
  Effect.gen(function* () {
    for (const e of entries) {
      if (dirty(e)) {
        const blocks = scope === undefined || e.tables.length === 0 || e.tables.some((t) => scope.has(t))
        if (blocks)
          return yield* new Errors.DirtyMigration({
            id: e.id,
            ...(e.failedStep !== null ? { step: e.failedStep } : {})
          })
        yield* Effect.logWarning(
          `migration ${e.id} (tables ${e.tables.join(", ")}) is unfinished; it does not block this plan, ` +
            "which touches other tables: repair it, then `dataflow migrate resolve <id>`"
        )
        continue
      }
      if (checksumOf(e.up, e.down) !== e.checksum) return yield* new Errors.ChecksumMismatch({ id: e.id })
    }
  })

/** The tables the library created and still owns, as the ledger's finished entries say (oldest first). */
export const ownedTables = (entries: ReadonlyArray<LedgerEntry>): ReadonlySet<string> => {
  const owned = new Set<string>()
  for (const e of entries) {
    if (dirty(e)) continue
    for (const t of e.createdTables) owned.add(t)
    for (const d of e.description) {
      const m = /^drop table ([A-Za-z0-9_]+)/.exec(d)
      if (m !== null) owned.delete(m[1]!)
    }
  }
  return owned
}

/** Records that a plan started (success = 0, not finished). */
export const start = (db: LedgerDb, entry: Omit<LedgerEntry, "finishedAt" | "success" | "failedStep">) =>
  run(
    db,
    `INSERT INTO ${db.hooks.quote(ledgerTable)} (id, checksum, description, up_sql, down_sql, destructive_down, started_at, ` +
      `${db.hooks.quote(tablesColumn)}, success) VALUES (${placeholders(db, 8)}, 0)`,
    [
      entry.id,
      entry.checksum,
      JSON.stringify(entry.description),
      JSON.stringify(entry.up),
      JSON.stringify(entry.down),
      JSON.stringify(entry.destructiveDown),
      entry.startedAt,
      JSON.stringify({ touched: entry.tables, created: entry.createdTables })
    ]
  )

/** Records success. */
export const finish = (db: LedgerDb, id: string) =>
  run(
    db,
    `UPDATE ${db.hooks.quote(ledgerTable)} SET finished_at = ${db.hooks.placeholder(1)}, success = 1 WHERE id = ${db.hooks.placeholder(2)}`,
    [new Date().toISOString(), id]
  )

/** Records which step failed (the entry stays dirty). */
export const fail = (db: LedgerDb, id: string, step: string) =>
  run(
    db,
    `UPDATE ${db.hooks.quote(ledgerTable)} SET failed_step = ${db.hooks.placeholder(1)} WHERE id = ${db.hooks.placeholder(2)}`,
    [step, id]
  )

/** Removes an entry (after its down SQL ran, or to resolve a dirty entry by hand). */
export const remove = (db: LedgerDb, id: string) =>
  run(db, `DELETE FROM ${db.hooks.quote(ledgerTable)} WHERE id = ${db.hooks.placeholder(1)}`, [id])

/** A sortable id: UTC time to the millisecond, then the plan's checksum prefix. */
export const newId = (checksum: string, now = new Date()): string =>
  `${now
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 17)}_${checksum.slice(0, 8)}`
