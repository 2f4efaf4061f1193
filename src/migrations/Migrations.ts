/**
 * Migrations: diff the models against the live schema, plan operations with up and down SQL,
 * apply them under a per-dialect lock with a ledger, roll back, and discover existing tables.
 *
 * @since 0.1.0
 */
import type * as Errors from "../Errors.js"

export { applyPlan, migrate, type MigrateError, type MigrateOptions, type MigrationResult, plan } from "./Apply.js"
export { diff, type DiffOptions, isNarrowing } from "./Diff.js"
export { discover, type DiscoveredColumn, type ModelDescription } from "./Discover.js"
export { introspect, introspectorFor } from "./Introspect.js"
export { type LedgerEntry } from "./Ledger.js"
export { ledgerTable, type LiveTable } from "./LiveSchema.js"
export { checksumOf, destructiveChanges, type Operation, type Plan, render } from "./Operation.js"
export { renderModels } from "./Render.js"
export { resolve, rollback, type RollbackOptions, type RollbackResult, status } from "./Rollback.js"

const tags = new Set(["MigrationLockTimeout", "DirtyMigration", "ChecksumMismatch", "DestructiveChangeRefused"])

/** The errors only migrations fail with (not a QueryError). */
export const isMigrationError = <E extends { readonly _tag: string }>(
  e: E
): e is Extract<E, Errors.MigrationLockTimeout | Errors.DirtyMigration | Errors.ChecksumMismatch | Errors.DestructiveChangeRefused> =>
  tags.has(e._tag)
