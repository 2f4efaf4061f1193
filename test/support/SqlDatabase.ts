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

/** A raw statement on the current SQL database (a test's own arrangement or check): its rows. */
export const rawSql = (sql: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql)).pipe(Effect.orDie)

/** `rawSql` with every value as its text, for comparing what the database stores whatever its driver returns. */
export const rawText = (sql: string) =>
  Effect.map(rawSql(sql), (rows) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
  )
