/**
 * PostgreSQL's migration lock: a transaction-scoped advisory lock keyed by database and schema,
 * taken with `lock_timeout` as the bound. The whole migration runs in that transaction (PostgreSQL
 * DDL is transactional): it commits entirely or not at all, and the lock goes with the commit.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../../Errors.js"
import type { WithLock } from "../../migrations/LockTypes.js"

export const withPostgresLock: WithLock = (db, timeoutMs, effect) =>
  db.transaction(
    Effect.gen(function* () {
      yield* db.write({ sql: `SET LOCAL lock_timeout = '${Math.max(1, Math.floor(timeoutMs))}ms'`, params: [] })
      yield* db
        .query({
          sql: "SELECT pg_advisory_xact_lock(hashtextextended('dataflow_migrations:' || current_database() || '.' || current_schema(), 0)) AS locked",
          params: []
        })
        .pipe(
          Effect.catchIf(
            (e) => (e as { code?: string }).code === "55P03",
            () => Effect.fail(new Errors.MigrationLockTimeout({ dialect: "postgres" }))
          )
        )
      return yield* effect
    })
  )
