/**
 * Moved to src/sql/migrations/Statements.ts (a SQL column default); this re-export keeps the old
 * import path of src/migrations/SqliteRebuild.ts working until it points there.
 *
 * @since 0.1.0
 */
export { type DefaultValue, defaultLiteral } from "../sql/migrations/Statements.js"
