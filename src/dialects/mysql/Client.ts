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
import { Effect, Redacted } from "effect"
import mysql from "mysql2"
import { bounded, type Held } from "../../sql/Deadline.js"
import { deadlineGrace, type Execute, fallback, WaitDeadline } from "../../sql/Driver.js"
import { tlsOptions } from "../../sql/Tls.js"
import type { ServerUrl } from "../../Url.js"

/** Connection settings (the password stays out of every message). */
export interface MysqlOptions extends ServerUrl {
  readonly poolSize: number
  readonly connectTimeoutMs: number
  readonly idleTimeoutMs: number
  /** MariaDB's max_statement_time (MySQL's max_execution_time, SELECT only) on every session. */
  readonly statementTimeoutMs: number | undefined
}

const noop = () => {}

/**
 * Catalog reads go over the text protocol: a prepared `information_schema` query crashed this
 * machine's MariaDB 10.11 (signal 11 in free_tmp_table, during Prepared_statement::execute). They
 * run once per table and layer, so preparing them gains nothing; values are still escaped by mysql2.
 */
const protocolFor = (sql: string): "execute" | "query" => (/information_schema/i.test(sql) ? "query" : "execute")

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
const send =
  (target: Target, method: "execute" | "query"): Execute =>
  (sql, params, raw) =>
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
      asSqlError(
        Effect.map(
          execute(sql, params, false),
          (rows) => (transform ? transform(rows as Array<object>) : rows) as ReadonlyArray<any>
        )
      ),
    executeRaw: (sql, params) => asSqlError(execute(sql, params, true)),
    executeValues: (sql, params) =>
      asSqlError(
        Effect.async<ReadonlyArray<ReadonlyArray<unknown>>, unknown>((resume) => {
          target.execute({ sql, values: params as Array<unknown>, rowsAsArray: true }, (err, rows) =>
            resume(err ? Effect.fail(err) : Effect.succeed(Array.isArray(rows) ? (rows as Array<Array<unknown>>) : []))
          )
        })
      ),
    executeUnprepared: (sql, params, transform) =>
      asSqlError(
        Effect.map(
          query(sql, params ?? [], false),
          (rows) => (transform ? transform(rows as Array<object>) : rows) as ReadonlyArray<any>
        )
      ),
    executeStream: () => Effect.dieMessage("executeStream is not implemented for this MySQL client") as never
  }
}

/** A fatal error (socket, protocol, our timers, a killed session) leaves the connection unusable; a server error does not. */
const breaks = (err: unknown) =>
  err !== null &&
  typeof err === "object" &&
  ((err as { fatal?: unknown }).fatal === true ||
    [1927, 2006, 2013, 4031].includes((err as { errno?: number }).errno ?? 0))

type Access = mysql.ConnectionOptions

/** The pool, each new connection's session set up first. */
const openPool = (options: MysqlOptions, access: Access, statementMs: number | undefined) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const pool = mysql.createPool({
        ...access,
        ...(options.database !== undefined ? { database: options.database } : {}),
        connectionLimit: options.poolSize,
        maxIdle: options.poolSize,
        idleTimeout: options.idleTimeoutMs,
        timezone: "Z",
        dateStrings: false,
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        charset: "utf8mb4",
        multipleStatements: false
      })
      // queued on the new connection before anything else runs on it (SET SESSION needs no privilege;
      // were it to fail, the session would keep the server's mode, and LIKE would still work)
      pool.on("connection", (conn) => {
        // mysql2's pool listens once for a connection's errors: a second one (a socket reset after a
        // failed statement) would be an unhandled 'error' event. Pending statements fail typed.
        conn.on("error", noop)
        conn.query(sessionSettings, noop)
        if (statementMs !== undefined) {
          // MariaDB's variable, then MySQL 8's (SELECT only); the one the server lacks fails, ignored
          conn.query(`SET SESSION max_statement_time = ${statementMs / 1000}`, noop)
          conn.query(`SET SESSION max_execution_time = ${statementMs}`, noop)
        }
      })
      return pool
    }),
    (pool) => Effect.async<void>((resume) => pool.end(() => resume(Effect.void)))
  )

type Handover = (err: unknown, conn: mysql.PoolConnection | undefined) => void

/** Pool statistics, and a pool connection with a bounded wait. */
const makePoolAccess = (pool: mysql.Pool, options: MysqlOptions) => {
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
  const waitForConnection = (cb: Handover) => {
    let settled = false
    const timer = setTimeout(() => {
      settled = true
      cb(new WaitDeadline(), undefined)
    }, options.connectTimeoutMs)
    pool.getConnection((err, conn) => {
      if (settled) return void (err ? undefined : conn.release())
      settled = true
      clearTimeout(timer)
      cb(err, conn)
    })
  }
  const getConnection = (cb: Handover) =>
    mustWait() ? waitForConnection(cb) : pool.getConnection((err, conn) => cb(err, conn))
  return { poolStats, getConnection }
}

/** A held connection's cancel and destroy (src/sql/Deadline.ts), and how it goes back to the pool. */
const makeHolding = (access: Access, connectTimeoutMs: number) => {
  // KILL QUERY from a connection of its own (bounded by connectTimeout, never throws)
  const killQuery = (threadId: number) => {
    const killer = mysql.createConnection(access)
    killer.on("error", noop)
    const timer = setTimeout(() => killer.destroy(), 2 * connectTimeoutMs)
    timer.unref?.()
    killer.query(`KILL QUERY ${threadId}`, () => {
      clearTimeout(timer)
      killer.destroy()
    })
  }
  // KILL QUERY names a thread, not a statement: one that arrives late would stop whatever that
  // connection runs next. A connection that was sent one is therefore never reused.
  const cancelled = new WeakSet<mysql.PoolConnection>()
  const giveBack = (conn: mysql.PoolConnection) => (cancelled.has(conn) ? conn.destroy() : conn.release())
  const heldOf = (conn: mysql.PoolConnection): Held => ({
    cancel: () => {
      cancelled.add(conn)
      if (Number.isInteger(conn.threadId)) killQuery(conn.threadId)
    },
    destroy: () => conn.destroy()
  })
  return { giveBack, heldOf }
}

/** Statements on the pool (the hot path) and on a transaction's connection, bounded and cancellable. */
const makeExecutes = (
  getConnection: (cb: Handover) => void,
  { giveBack, heldOf }: ReturnType<typeof makeHolding>,
  deadlineMs: number | undefined,
  connectTimeoutMs: number
) => {
  // the hot path outside transactions: a pool connection for the one statement (our bounded wait
  // when mysql2 would queue), given back when the server answers
  const poolExecute: Execute = (sql, params, raw) =>
    bounded(deadlineMs, connectTimeoutMs, (sent, finish, wanted) =>
      getConnection((err, conn) => {
        if (err || conn === undefined) return finish(err ?? new Error("no connection"))
        if (!wanted()) return conn.release()
        sent(heldOf(conn))
        ;(conn[protocolFor(sql)] as (o: object, cb: (e: mysql.QueryError | null, result: unknown) => void) => void)(
          { sql, values: params as Array<unknown> },
          (e, result) => {
            if (breaks(e)) conn.destroy()
            else giveBack(conn)
            finish(e ?? undefined, e ? undefined : raw || Array.isArray(result) ? result : [])
          }
        )
      })
    )
  // a transaction's connection: bounded and cancellable the same way
  const boundedOn =
    (conn: mysql.PoolConnection, method: "execute" | "query"): Execute =>
    (sql, params, raw) =>
      bounded(deadlineMs, connectTimeoutMs, (sent, finish) => {
        sent(heldOf(conn))
        ;(conn[method] as (o: object, cb: (err: unknown, result: unknown) => void) => void)(
          { sql, values: params },
          (e, result) => finish(e ?? undefined, e ? undefined : raw || Array.isArray(result) ? result : [])
        )
      })
  return { poolExecute, boundedOn }
}

const isConnection = (target: Target | undefined): target is mysql.PoolConnection =>
  target !== undefined && typeof (target as { threadId?: unknown }).threadId === "number"

const acquireFailed = (cause: unknown) => new SqlError({ cause, message: "Failed to acquire connection" })

/** Opens the pool, checks it answers, and returns the @effect/sql client and the hot path. */
export const make = (options: MysqlOptions) =>
  Effect.gen(function* () {
    const ssl = yield* Effect.try({ try: () => tlsOptions(options.tls), catch: (e) => e as never })
    const access: Access = {
      host: options.host,
      port: options.port,
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.password !== undefined ? { password: Redacted.value(options.password) } : {}),
      ...(ssl !== false ? { ssl: { ...ssl } } : {}),
      connectTimeout: options.connectTimeoutMs
    }
    const statementMs =
      options.statementTimeoutMs === undefined ? undefined : Math.max(1, Math.floor(options.statementTimeoutMs))
    const deadlineMs = statementMs === undefined ? undefined : statementMs + deadlineGrace
    const pool = yield* openPool(options, access, statementMs)
    const { getConnection, poolStats } = makePoolAccess(pool, options)
    const holding = makeHolding(access, options.connectTimeoutMs)
    const { giveBack } = holding
    const { boundedOn, poolExecute } = makeExecutes(getConnection, holding, deadlineMs, options.connectTimeoutMs)
    const reserve = Effect.acquireRelease(
      Effect.async<mysql.PoolConnection, SqlError>((resume) => {
        getConnection((cause, conn) =>
          resume(cause || conn === undefined ? Effect.fail(acquireFailed(cause)) : Effect.succeed(conn))
        )
      }),
      (conn) => Effect.sync(() => giveBack(conn))
    )
    const client = yield* SqlClient.make({
      acquirer: Effect.succeed(connectionOf(pool)),
      transactionAcquirer: Effect.map(reserve, connectionOf),
      compiler: makeCompiler(),
      spanAttributes: [["db.system.name", "mysql"]]
    }).pipe(Effect.provide(Reactivity.layer))
    // transactions without a Scope: a pool connection and the effect that gives it back
    const acquire = Effect.async<readonly [Connection, Effect.Effect<void>], SqlError>((resume) => {
      getConnection((cause, conn) =>
        resume(
          cause || conn === undefined
            ? Effect.fail(acquireFailed(cause))
            : Effect.succeed([connectionOf(conn), Effect.sync(() => giveBack(conn))] as const)
        )
      )
    })
    return {
      client,
      acquire,
      // START TRANSACTION, COMMIT, SAVEPOINT …: the text protocol (nothing to prepare), straight to the driver
      control: (connection: Connection, sql: string) => {
        const raw = (connection as { raw?: Target }).raw
        return isConnection(raw)
          ? boundedOn(raw, "query")(sql, [], true)
          : connection.executeUnprepared(sql, [], undefined)
      },
      poolStats,
      execute: poolExecute,
      executeOn: (connection: Connection): Execute => {
        const raw = (connection as { raw?: Target }).raw
        return isConnection(raw)
          ? (sql, params, rawResult) => boundedOn(raw, protocolFor(sql))(sql, params, rawResult)
          : raw !== undefined
            ? send(raw, "execute")
            : fallback(connection)
      }
    }
  })
