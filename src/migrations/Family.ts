/**
 * Which migration backend (src/migrations/Backend.ts) a database uses. Every database is SQL
 * today: its statements come from the dialect's hooks. A document family adds its backend here —
 * or the Database service carries one, and this reads it.
 *
 * @since 0.1.0
 */
import type { Dialect } from "../sql/Dialect.js"
import { sqlMigrationBackend } from "../sql/migrations/Backend.js"
import type { MigrationBackend } from "./Backend.js"

/** The migration backend of a database, from its hooks. */
export const migrationBackendOf = (hooks: Dialect): MigrationBackend => sqlMigrationBackend(hooks)
