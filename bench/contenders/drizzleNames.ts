/** Names and notes shared by the three Drizzle files. */
import type { ScenarioId } from "../config.js"
import { names } from "./names.js"

export const drizzleNames = { plain: names.drizzle, prepared: names.drizzlePrepared } as const

const bulkNote = "n/a: bulk statements vary in row count; Drizzle prepares one fixed statement (same as plain)"

/**
 * Notes of the prepared variant where it is not run (it would be the plain code again).
 * `transactionRuns`: SQLite has one connection, so statements prepared on `db` run inside its
 * transactions; on a pool they would not.
 */
export const preparedNotes = (transactionRuns: boolean): Partial<Record<ScenarioId, string>> => ({
  ...(transactionRuns
    ? {}
    : { transaction: "n/a: a statement prepared on `db` does not run inside `db.transaction` (same as plain)" }),
  "bulk-insert-10k": bulkNote,
  "bulk-insert-100k": bulkNote,
  "bulk-upsert-10k": bulkNote
})
