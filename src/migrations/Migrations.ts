/**
 * Migrations: what a program needs beside `Database.migrate`, `Database.rollback` and
 * `Database.discover` (which plan, apply, undo and introspect): printing a plan or discovered
 * models, and resolving a dirty ledger entry after a repair by hand.
 *
 * ```ts
 * const { plan } = yield* Database.migrate({ dryRun: true })
 * console.log(Migrations.render(plan))
 * console.log(Migrations.renderModels(yield* Database.discover()))
 * ```
 *
 * @since 0.1.0
 */
export type { MigrateError, MigrateOptions, MigrationResult } from "./Apply.js"
export type { DiscoveredColumn, ModelDescription } from "./Discover.js"
export type { LedgerEntry } from "./Ledger.js"
export { type Operation, type Plan, type Precheck, render } from "./Operation.js"
export { renderModels } from "./Render.js"
export { resolve, type RollbackOptions, type RollbackResult } from "./Rollback.js"
