/**
 * Migrations' internals, for the Database service and the tests (not exported from src/index.ts):
 * planning and applying against a migration db, rolling back, the ledger's status, discovery, and
 * the diff's type-change rules. Users reach them through `Database.migrate`, `Database.rollback`,
 * `Database.discover` and the public `Migrations` namespace (src/migrations/Migrations.ts).
 *
 * @since 0.1.0
 */
export * from "../migrations/Migrations.js"
export { checkValues, migrate, plan } from "../migrations/Apply.js"
export { diff, type DiffOptions, isNarrowing } from "../migrations/Diff.js"
export { type Conversion, conversionOf, typeChange, type TypeChange } from "../migrations/TypeChange.js"
export { discover } from "../migrations/Discover.js"
export { rollback, status } from "../migrations/Rollback.js"
