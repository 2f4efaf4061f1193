/**
 * An @effect/sql client over a mysql2 pool we open ourselves (timezone UTC, big numbers as
 * strings, found-rows semantics), so the hot path can `execute` (prepared, cached per connection)
 * on the same pool. Transactions reserve a pool connection.
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { makeCompiler } from "@effect/sql-mysql2/MysqlClient"
import { Effect } from "effect"
import mysql from "mysql2"
import { type Execute, fallback } from "../../sql/Driver.js"

/** Connection settings (the password stays out of every message). */
export interface MysqlOptions {
  readonly host: string
  readonly port: number
  readonly database: string | undefined
  readonly user: string | undefined
  readonly password: string | undefined
  readonly poolSize: number
  readonly connectTimeoutMs: number
  readonly idleTimeoutMs: number
}

type Target = mysql.Pool | mysql.PoolConnection

/**
 * Run on every new pool connection: the session's sql_mode without NO_BACKSLASH_ESCAPES, so that
 * the string literals of our DDL (the CHECK of a literal union, defaults) mean the same whatever
 * the server's default mode. (LIKE's escape character does not depend on it: `CHAR(92)`.)
 */
export const withoutBackslashEscapes =
  "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))"

/**
 * What every new pool connection runs first: `withoutBackslashEscapes`, and the session's time zone
 * set to UTC, so that TIMESTAMP columns are converted to and from UTC as mysql2 (`timezone: "Z"`)
 * reads and writes DATETIME: both without a zone read and write as UTC, whatever the server's zone.
 */
export const sessionSettings = `${withoutBackslashEscapes}, time_zone = '+00:00'`

/** `execute` (binary protocol, prepared and cached per connection) or `query` (text protocol). */
const send = (target: Target, method: "execute" | "query"): Execute => (sql, params, raw) =>
  Effect.async<unknown, unknown>((resume) => {
    ;(target[method] as (o: object, cb: (err: unknown, result: unknown) => void) => void)(
      { sql, values: params },
      (err, result) => resume(err ? Effect.fail(err) : Effect.succeed(raw || Array.isArray(result) ? result : []))
    )
  })

const asSqlError = <A>(effect: Effect.Effect<A, unknown>) =>
  Effect.mapError(effect, (cause) => new SqlError({ cause, message: "Failed to execute statement" }))

/** A @effect/sql Connection over one target; `raw` exposes the driver handle to the hot path. */
const connectionOf = (target: Target): Connection & { readonly raw: Target } => {
  const execute = send(target, "execute")
  const query = send(target, "query")
  return {
    raw: target,
    execute: (sql, params, transform) =>
      asSqlError(Effect.map(execute(sql, params, false), (rows) => (transform ? transform(rows as Array<object>) : rows) as ReadonlyArray<any>)),
    executeRaw: (sql, params) => asSqlError(execute(sql, params, true)),
    executeValues: (sql, params) =>
      asSqlError(Effect.async<ReadonlyArray<ReadonlyArray<unknown>>, unknown>((resume) => {
        target.execute({ sql, values: params as Array<unknown>, rowsAsArray: true }, (err, rows) =>
          resume(err ? Effect.fail(err) : Effect.succeed(Array.isArray(rows) ? rows as Array<Array<unknown>> : [])))
      })),
    executeUnprepared: (sql, params, transform) =>
      asSqlError(Effect.map(query(sql, params ?? [], false), (rows) => (transform ? transform(rows as Array<object>) : rows) as ReadonlyArray<any>)),
    executeStream: () => Effect.dieMessage("executeStream is not implemented for this MySQL client") as never
  }
}

/** Opens the pool, checks it answers, and returns the @effect/sql client and the hot path. */
export const make = (options: MysqlOptions) =>
  Effect.gen(function*() {
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() =>
        mysql.createPool({
          host: options.host,
          port: options.port,
          ...(options.database !== undefined ? { database: options.database } : {}),
          ...(options.user !== undefined ? { user: options.user } : {}),
          ...(options.password !== undefined ? { password: options.password } : {}),
          connectionLimit: options.poolSize,
          maxIdle: options.poolSize,
          idleTimeout: options.idleTimeoutMs,
          connectTimeout: options.connectTimeoutMs,
          timezone: "Z",
          dateStrings: false,
          supportBigNumbers: true,
          bigNumberStrings: true,
          decimalNumbers: false,
          charset: "utf8mb4",
          multipleStatements: false
        })
      ),
      (pool) => Effect.async<void>((resume) => pool.end(() => resume(Effect.void)))
    )
    // queued on the new connection before anything else runs on it (SET SESSION needs no privilege;
    // were it to fail, the session would keep the server's mode, and LIKE would still work)
    pool.on("connection", (conn) => void conn.query(sessionSettings, () => {}))
    // mysql2 keeps its counts in fields it does not document (queues with a length): read them
    // where they have that shape, else report nothing
    const internals = pool as unknown as Record<string, { readonly length?: unknown } | undefined>
    const lengthOf = (field: string) => {
      const n = internals[field]?.length
      return typeof n === "number" ? n : undefined
    }
    const poolStats = () => {
      const total = lengthOf("_allConnections")
      const idle = lengthOf("_freeConnections")
      const waiting = lengthOf("_connectionQueue")
      return total === undefined || idle === undefined || waiting === undefined ? undefined : { total, idle, waiting }
    }
    // mysql2's pool queues a caller without a limit when every connection is in use. Such a caller
    // (and only such a caller: no timer otherwise) waits connectTimeout at most, then fails
    // "Timeout acquiring …" (PoolTimeout); a connection handed over after that goes straight back.
    const mustWait = () => lengthOf("_freeConnections") === 0 && (lengthOf("_allConnections") ?? 0) >= options.poolSize
    type Handover = (err: unknown, conn: mysql.PoolConnection | undefined) => void
    const waitForConnection = (cb: Handover) => {
      let settled = false
      const timer = setTimeout(() => {
        settled = true
        cb(new Error("Timeout acquiring a pooled connection"), undefined)
      }, options.connectTimeoutMs)
      pool.getConnection((err, conn) => {
        if (settled) return void (err ? undefined : conn.release())
        settled = true
        clearTimeout(timer)
        cb(err, conn)
      })
    }
    const getConnection = (cb: Handover) => (mustWait() ? waitForConnection(cb) : pool.getConnection((err, conn) => cb(err, conn)))
    // the hot path outside transactions: mysql2's pool.execute, or our bounded wait when it would queue
    const poolExecute: Execute = (sql, params, raw) =>
      Effect.async<unknown, unknown>((resume) => {
        const done = (err: unknown, result: unknown) => resume(err ? Effect.fail(err) : Effect.succeed(raw || Array.isArray(result) ? result : []))
        if (!mustWait()) return void pool.execute({ sql, values: params as Array<unknown> }, done)
        waitForConnection((err, conn) => {
          if (err || conn === undefined) return done(err ?? new Error("no connection"), undefined)
          conn.execute({ sql, values: params as Array<unknown> }, (e, result) => {
            conn.release()
            done(e, result)
          })
        })
      })
    const reserve = Effect.acquireRelease(
      Effect.async<mysql.PoolConnection, SqlError>((resume) => {
        getConnection((cause, conn) =>
          resume(cause || conn === undefined ? Effect.fail(new SqlError({ cause, message: "Failed to acquire connection" })) : Effect.succeed(conn)))
      }),
      (conn) => Effect.sync(() => conn.release())
    )
    const poolConnection = connectionOf(pool)
    const client = yield* SqlClient.make({
      acquirer: Effect.succeed(poolConnection),
      transactionAcquirer: Effect.map(reserve, connectionOf),
      compiler: makeCompiler(),
      spanAttributes: [["db.system.name", "mysql"]]
    }).pipe(Effect.provide(Reactivity.layer))
    // transactions without a Scope: a pool connection and the effect that gives it back
    const acquire = Effect.async<readonly [Connection, Effect.Effect<void>], SqlError>((resume) => {
      getConnection((cause, conn) =>
        resume(
          cause || conn === undefined
            ? Effect.fail(new SqlError({ cause, message: "Failed to acquire connection" }))
            : Effect.succeed([connectionOf(conn), Effect.sync(() => conn.release())] as const)
        ))
    })
    // START TRANSACTION, COMMIT, SAVEPOINT …: the text protocol (nothing to prepare), straight to the driver
    const control = (connection: Connection, sql: string) => {
      const raw = (connection as { raw?: Target }).raw
      return raw !== undefined ? send(raw, "query")(sql, [], true) : connection.executeUnprepared(sql, [], undefined)
    }
    return {
      client,
      acquire,
      control,
      poolStats,
      execute: poolExecute,
      executeOn: (connection: Connection): Execute => {
        const raw = (connection as { raw?: Target }).raw
        return raw !== undefined ? send(raw, "execute") : fallback(connection)
      }
    }
  })
