/**
 * The SQL backend's `textSearch` (PostgreSQL full-text search, SQLite FTS5).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend } from "../../backend/Backend.js"
import * as Errors from "../../Errors.js"
import type { SqlDeps } from "./Deps.js"

/** `Backend.textSearch` of one SQL layer. */
export const textSearch =
  (db: SqlDeps): Backend["textSearch"] =>
  () =>
    Effect.fail(new Errors.UnsupportedFeature({ dialect: db.hooks.name, feature: "text search (not yet built)" }))
