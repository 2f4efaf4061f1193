/**
 * Moved to src/sql/migrations/CreateText.ts (reading a stored table definition); this re-export
 * keeps the old import path of src/migrations/SqliteRebuild.ts working until it points there.
 *
 * @since 0.1.0
 */
export * from "../sql/migrations/CreateText.js"
