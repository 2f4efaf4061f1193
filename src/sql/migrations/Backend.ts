/**
 * The SQL family's migration backend (the seam is src/migrations/Backend.ts): each operation's
 * statements from the dialect's hooks (Statements.ts, and `d.migration` for what differs per
 * database), the ledger table (Ledger.ts), the precheck counts (Precheck.ts). One per dialect,
 * made once.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { QueryError } from "../../Errors.js"
import type { MigrationBackend, MigrationDb, MigrationStatements, VectorSupport } from "../../migrations/Backend.js"
import { createTable } from "../Ddl.js"
import type { Dialect } from "../Dialect.js"
import { sqlLedger } from "./Ledger.js"
import { countRows, misfitCondition } from "./Precheck.js"
import * as S from "./Statements.js"

/** The statements of each operation on dialect `d`. */
export const sqlStatements = (d: Dialect): MigrationStatements => ({
  rebuildsTables: d.migration.rebuildsTables,
  expectedColumn: (model, field, keyed) => S.expectedColumn(d, model, field, keyed),
  liveJsonType: d.migration.liveJsonType,
  createTable: (model) => createTable(d, model),
  dropTable: (table) => [S.dropTableSql(d, table)],
  recreateTable: (live) => S.createFromLive(d, live),
  addColumn: (table, field, type, value) => {
    const def = S.addColumnSql(d, field, type, value)
    return {
      up: [S.alterTable(d, table, `ADD COLUMN ${def}`)],
      existingRows:
        field.kind === "vector" && value === undefined
          ? "the zero vector"
          : def.replace(/^.* DEFAULT (.*) NOT NULL.*$/, "$1")
    }
  },
  dropColumn: (table, column) => [S.dropColumnSql(d, table, column)],
  addLiveColumn: (table, column) => [S.alterTable(d, table, `ADD COLUMN ${S.liveColumnDef(d, column, false)}`)],
  alterColumn: (table, column, to, typeChanged, nullChanged) =>
    d.migration.alterColumn(table, column, to.type, to.nullable, typeChanged, nullChanged),
  addIndex: (table, key) => [S.createIndexSql(d, table, key, false)],
  dropIndex: (table, key) => [d.migration.dropIndex(table, key.name)],
  addUnique: (table, key) => [d.migration.addUnique(table, key)],
  dropUnique: (table, key) => [d.migration.dropUnique(table, key)],
  misfitCondition: (column, conversion) => misfitCondition(d, column, conversion),
  collationNote: (table, column) => d.migration.collationNote(table, column),
  ...(d.migration.search !== undefined ? { search: d.migration.search } : {}),
  rebuildTable: (model, live, reasons, options) => {
    // the dialect's own (SQLite: src/dialects/sqlite/Rebuild.ts), asked for only where it rebuilds tables
    if (d.migration.rebuildTable === undefined) throw new Error(`${d.name} does not rebuild tables`)
    return d.migration.rebuildTable(model, live, reasons, options)
  }
})

const truthy = (v: unknown) => v === true || v === 1 || v === "1" || v === "t"

/** pgvector present, creatable, or missing (and how to install it); sqlite-vec loaded or not. */
const vectorSupport = (
  d: Dialect,
  db: MigrationDb,
  need: "column" | "index"
): Effect.Effect<VectorSupport, QueryError> => {
  if (need === "index") {
    const probe = d.migration.vectorIndexProbe
    if (probe === undefined) return Effect.succeed({ kind: "ready" })
    return Effect.as(db.query({ sql: probe.sql, params: [] }), { kind: "ready" } as VectorSupport).pipe(
      Effect.orElseSucceed((): VectorSupport => ({ kind: "missing", reason: probe.missing }))
    )
  }
  const ext = d.migration.vectorExtension
  if (ext === undefined) return Effect.succeed({ kind: "ready" })
  return Effect.map(db.query({ sql: ext.statusSql, params: [] }), (rows): VectorSupport => {
    const r = rows[0] ?? {}
    if (typeof r["off_path"] === "string") return { kind: "missing", reason: ext.offPath(r["off_path"]) }
    if (truthy(r["installed"])) return { kind: "ready" }
    if (!truthy(r["available"])) return { kind: "missing", reason: ext.missing("unavailable") }
    if (!truthy(r["allowed"])) return { kind: "missing", reason: ext.missing("forbidden") }
    return { kind: "create", description: "create extension vector (pgvector)", up: ext.create }
  })
}

const made = new WeakMap<Dialect, MigrationBackend>()

/** The migration backend of SQL dialect `d` (made on first use). */
export const sqlMigrationBackend = (d: Dialect): MigrationBackend => {
  let backend = made.get(d)
  if (backend === undefined) {
    backend = {
      statements: sqlStatements(d),
      ledger: sqlLedger,
      countRows,
      vectorSupport: (db, need) => vectorSupport(d, db, need),
      tableNames: (db) =>
        Effect.map(db.query({ sql: db.hooks.migration.tableNamesSql, params: [] }), (rows) =>
          rows.map((r) => String(r["name"]))
        ),
      run: (db, statement, context) => Effect.asVoid(db.write({ sql: statement, params: [] }, context))
    }
    made.set(d, backend)
  }
  return backend
}
