/**
 * The SQL ledger: the `dataflow_migrations` table that stores the entries src/migrations/Ledger.ts
 * gives meaning to — its CREATE, the column an older ledger lacks, and the SELECT, INSERT, UPDATE
 * and DELETE of its rows.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { MigrationDb, LedgerStore } from "../../migrations/Backend.js"
import { type LedgerEntry, tablesOfDescriptions } from "../../migrations/Ledger.js"
import { ledgerTable } from "../../migrations/LiveSchema.js"
import type { Field } from "../../model/Field.js"
import type { Dialect } from "../Dialect.js"

const text = (name: string, maxLength?: number): Field => ({
  name,
  column: name,
  kind: "string",
  optional: false,
  nullable: false,
  managed: false,
  ...(maxLength !== undefined ? { maxLength } : {})
})

// added after the first release: ledgers created before it lack the column (ensure adds it; rows
// without a value are read from their descriptions)
const tablesColumn = "affected_tables"

/** CREATE TABLE IF NOT EXISTS for the ledger (run under the migration lock). */
export const createLedgerSql = (d: Dialect): string => {
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

const context = { model: "Migration", table: ledgerTable, constraints: new Map(), operation: "migrate" }

const run = (db: MigrationDb, sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.asVoid(db.write({ sql, params }, context))

const placeholders = (db: MigrationDb, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => db.hooks.placeholder(i + from)).join(", ")

const ensure = (db: MigrationDb) =>
  Effect.gen(function* () {
    yield* run(db, createLedgerSql(db.hooks))
    const has = yield* db.query({ sql: db.hooks.migration.columnExistsSql, params: [ledgerTable, tablesColumn] })
    if (has.length === 0) {
      yield* run(
        db,
        `ALTER TABLE ${db.hooks.quote(ledgerTable)} ADD COLUMN ${db.hooks.quote(tablesColumn)} ${db.hooks.columnType(text(tablesColumn), false)}`
      )
    }
  })

const parseTables = (raw: unknown, description: ReadonlyArray<string>) => {
  if (raw !== null && raw !== undefined && String(raw) !== "") {
    const v = JSON.parse(String(raw)) as { touched?: ReadonlyArray<string>; created?: ReadonlyArray<string> }
    return { tables: v.touched ?? [], createdTables: v.created ?? [] }
  }
  return tablesOfDescriptions(description)
}

const parseList = (v: unknown): ReadonlyArray<string> => JSON.parse(String(v)) as ReadonlyArray<string>

const nullableText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

/** One ledger row as an entry. */
const entryOf = (r: Record<string, unknown>): LedgerEntry => ({
  id: String(r["id"]),
  checksum: String(r["checksum"]),
  description: parseList(r["description"]),
  up: parseList(r["up_sql"]),
  down: parseList(r["down_sql"]),
  destructiveDown: parseList(r["destructive_down"]),
  startedAt: String(r["started_at"]),
  finishedAt: nullableText(r["finished_at"]),
  success: Number(r["success"]) === 1,
  failedStep: nullableText(r["failed_step"]),
  ...parseTables(r[tablesColumn], parseList(r["description"]))
})

const list = (db: MigrationDb) =>
  Effect.map(
    db.query({ sql: `SELECT * FROM ${db.hooks.quote(ledgerTable)} ORDER BY ${db.hooks.quote("id")}`, params: [] }),
    (rows) => rows.map(entryOf)
  )

const start: LedgerStore["start"] = (db, entry) =>
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

/** The ledger kept in a SQL table. */
export const sqlLedger: LedgerStore = {
  ensure,
  exists: (db) =>
    Effect.map(db.query({ sql: db.hooks.migration.tableExistsSql, params: [ledgerTable] }), (rows) => rows.length > 0),
  list,
  start,
  finish: (db, id) =>
    run(
      db,
      `UPDATE ${db.hooks.quote(ledgerTable)} SET finished_at = ${db.hooks.placeholder(1)}, success = 1 WHERE id = ${db.hooks.placeholder(2)}`,
      [new Date().toISOString(), id]
    ),
  fail: (db, id, step) =>
    run(
      db,
      `UPDATE ${db.hooks.quote(ledgerTable)} SET failed_step = ${db.hooks.placeholder(1)} WHERE id = ${db.hooks.placeholder(2)}`,
      [step, id]
    ),
  remove: (db, id) => run(db, `DELETE FROM ${db.hooks.quote(ledgerTable)} WHERE id = ${db.hooks.placeholder(1)}`, [id])
}
