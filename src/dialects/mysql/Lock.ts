/**
 * MySQL/MariaDB's migration lock: `GET_LOCK` (named after the database) on a connection reserved
 * for the migration, its result checked — 1 is held, 0 is a timeout, NULL an error — and
 * `RELEASE_LOCK` on the same connection whatever happens. The migration's statements run on that
 * connection too. MySQL DDL commits implicitly, so there is
 * no transaction around the plan: the ledger records the step that failed.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../../Errors.js"
import type { WithLock } from "../../migrations/LockTypes.js"

export const withMysqlLock: WithLock = (db, timeoutMs, effect) =>
  Effect.scoped(
    Effect.gen(function* () {
      const classify = (e: unknown) => db.hooks.classify(e, undefined)
      const conn = yield* Effect.mapError(db.sql.reserve, classify)
      const exec = (sql: string, params: ReadonlyArray<unknown>) =>
        Effect.mapError(conn.executeUnprepared(sql, params, undefined), classify)
      // GET_LOCK names are at most 64 characters
      const name = "CONCAT('dataflow_migrations:', LEFT(COALESCE(DATABASE(), ''), 40))"
      const rows = yield* exec(`SELECT GET_LOCK(${name}, ?) AS l`, [Math.max(0, Math.ceil(timeoutMs / 1000))])
      const got = (rows[0] as { l?: unknown } | undefined)?.l
      if (got === null || got === undefined) {
        return yield* new Errors.DatabaseError({ dialect: "mysql", operation: "GET_LOCK returned NULL" })
      }
      if (Number(got) !== 1) return yield* new Errors.MigrationLockTimeout({ dialect: "mysql" })
      const work = db.onConnection ? db.onConnection(conn, effect) : effect
      return yield* Effect.ensuring(work, Effect.ignore(exec(`SELECT RELEASE_LOCK(${name}) AS r`, [])))
    })
  )
