/**
 * Moved to src/sql/migrations/Hooks.ts (a SQL dialect's migration hooks); this re-export keeps the
 * old import path of src/sql/Dialect.ts and src/dialects/<db>/Migration.ts working until they point there.
 *
 * @since 0.1.0
 */
export type { MigrationHooks } from "../sql/migrations/Hooks.js"
