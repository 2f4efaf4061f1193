/**
 * Migrations' internals, for the Database service, the CLI and the tests (not exported from
 * src/index.ts): planning and applying against a migration db, the live schema, the ledger.
 * Users reach them through `Database.migrate`, `Database.rollback`, `Database.discover` and the
 * public `Migrations` namespace (src/migrations/Migrations.ts).
 *
 * @since 0.1.0
 */
import type * as Errors from "../Errors.js"

export * from "../migrations/Migrations.js"
export { applyPlan, migrate, plan } from "../migrations/Apply.js"
export { adoptionMismatch, columnOf, nearTable } from "../migrations/Adopt.js"
export { diff, type DiffOptions, isNarrowing, notesFor } from "../migrations/Diff.js"
export { typeChange, type TypeChange } from "../migrations/TypeChange.js"
export { discover } from "../migrations/Discover.js"
export { introspect, introspectorFor } from "../migrations/Introspect.js"
export { ownedTables } from "../migrations/Ledger.js"
export { ledgerTable, type LiveTable } from "../migrations/LiveSchema.js"
export { checksumOf, destructiveChanges } from "../migrations/Operation.js"
export { precheck } from "../migrations/Precheck.js"
export { rollback, status } from "../migrations/Rollback.js"

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
