/**
 * Migrations: diff the models against the live schema, plan operations with up and down SQL,
 * apply them under a per-dialect lock with a ledger, roll back, and discover existing tables.
 *
 * @since 0.1.0
 */
import type * as Errors from "../Errors.js"

export { applyPlan, migrate, type MigrateError, type MigrateOptions, type MigrationResult, plan } from "./Apply.js"
export { adoptionMismatch, columnOf, nearTable } from "./Adopt.js"
export { diff, type DiffOptions, isNarrowing, notesFor } from "./Diff.js"
export { typeChange, type TypeChange } from "./TypeChange.js"
export { discover, type DiscoveredColumn, type ModelDescription } from "./Discover.js"
export { introspect, introspectorFor } from "./Introspect.js"
export { type LedgerEntry, ownedTables } from "./Ledger.js"
export { ledgerTable, type LiveTable } from "./LiveSchema.js"
export { checksumOf, destructiveChanges, type Operation, type Plan, type Precheck, render } from "./Operation.js"
export { precheck } from "./Precheck.js"
export { renderModels } from "./Render.js"
export { resolve, rollback, type RollbackOptions, type RollbackResult, status } from "./Rollback.js"

const tags = new Set([
  "MigrationLockTimeout",
  "DirtyMigration",
  "ChecksumMismatch",
  "DestructiveChangeRefused",
  "SchemaMismatch",
  "MigrationPrecheckFailed"
])

/** The errors only migrations fail with (not a QueryError). */
export const isMigrationError = <E extends { readonly _tag: string }>(e: E): e is Extract<E, Errors.AutoMigrateError> =>
  tags.has(e._tag)
