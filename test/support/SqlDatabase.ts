/**
 * The current Database as the SQL family's service (its statement runner, hooks and `sql` escape
 * hatch), for tests that look at SQL tables directly. A MongoDB layer here is a bug in the test.
 */
import { Effect } from "effect"
import * as Database from "../../src/Database.js"

export const sqlDatabase: Effect.Effect<Database.SqlDatabaseService, never, Database.Database> = Effect.flatMap(
  Database.Database,
  (db) => (db.dialect === "mongodb" ? Effect.dieMessage("an SQL database was expected") : Effect.succeed(db))
)
