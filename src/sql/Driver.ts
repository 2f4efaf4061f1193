/**
 * What a dialect folder hands the Database service: an @effect/sql client and its hooks.
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { Duration, Effect, Scope } from "effect"
import type { QueryError } from "../Errors.js"
import type { Dialect } from "./Dialect.js"

/** Pool and timeout settings every driver takes. */
export interface DriverOptions {
  readonly poolSize: number
  readonly connectTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  /** SQLite's journal mode to set; absent: the file keeps its own. */
  readonly journalMode?: JournalMode
  /** The server's own statement timeout, and (plus `deadlineGrace`) the client's bound on one answer. */
  readonly statementTimeout: Duration.Duration | undefined
}

/** How much longer than the statement timeout the client waits for an answer before it gives the connection up. */
export const deadlineGrace = 1_000

/** The client's timer ran out before the server answered: the connection was destroyed. */
export class StatementDeadline extends Error {
  readonly code = "CLIENT_TIMEOUT"
  constructor() {
    super("no answer within the statement timeout; the connection was discarded")
  }
}

/** Nobody gave the connection back within connectTimeout (our own wait, where the driver has none). */
export class WaitDeadline extends Error {
  readonly code = "POOL_TIMEOUT"
  constructor() {
    super("no connection became free within connectTimeout")
  }
}

/** The connection broke while the statement ran (our own detection, where the driver has none). */
export class ConnectionGone extends Error {
  readonly code = "CLIENT_GONE"
  constructor() {
    super("the connection broke during the statement")
  }
}

/** SQLite's journal modes (`PRAGMA journal_mode`). */
export type JournalMode = "wal" | "delete" | "truncate" | "persist" | "memory" | "off"

/** The journal modes a layer may ask for (the pragma's text comes only from this list). */
export const journalModes: ReadonlyArray<JournalMode> = ["wal", "delete", "truncate", "persist", "memory", "off"]

/**
 * The hot path: a statement straight to the driver — prepared and cached by SQL text, no
 * @effect/sql Statement, no per-statement span. `raw` asks for the driver's write result
 * (affected rows, insert id) instead of rows. Failures are the driver's own errors, unclassified.
 */
export interface Execute {
  (sql: string, params: ReadonlyArray<unknown>, raw: boolean): Effect.Effect<unknown, unknown>
}

/** A connected driver. */
export interface Driver {
  /** The @effect/sql client: transactions' connections, and the `sql` escape hatch. */
  readonly client: SqlClient.SqlClient
  readonly dialect: Dialect
  /** Runs on the pool (outside any transaction). */
  readonly execute: Execute
  /**
   * Runs synchronously on the pool where the driver can (SQLite): the result, `busy` when a
   * transaction holds the connection (use `execute`), or a thrown driver error.
   */
  readonly executeSync?: (sql: string, params: ReadonlyArray<unknown>, raw: boolean) => unknown
  /** Runs on a reserved connection (inside a transaction). */
  readonly executeOn: (connection: Connection) => Execute
  /**
   * `COPY … FROM STDIN` with `data` (PostgreSQL), on `connection` (a transaction's) or else on a
   * pooled one; succeeds with the rows copied.
   */
  readonly copyIn?: (
    connection: Connection | undefined
  ) => (sql: string, data: Iterable<string>) => Effect.Effect<number, unknown>
  /**
   * Transactions' fast path: a connection of their own and the effect that gives it back, without
   * a Scope (run uninterruptibly). Absent: `client.reserve` inside a Scope.
   */
  readonly acquire?: Effect.Effect<readonly [Connection, Effect.Effect<void>], unknown>
  /** Runs synchronously on a transaction's connection where the driver can (SQLite), or throws the driver's error. */
  readonly executeOnSync?: (
    connection: Connection,
    sql: string,
    params: ReadonlyArray<unknown>,
    raw: boolean
  ) => unknown
  /**
   * The first row of a statement with a select list (SELECT, or a write with RETURNING) as an array
   * of values, synchronously where the driver can (SQLite): undefined when there is none, `busy`
   * when a transaction other than the caller's holds the connection, or a thrown driver error.
   */
  readonly firstRowSync?: (
    sql: string,
    params: ReadonlyArray<unknown>,
    inTransaction: boolean
  ) => ReadonlyArray<unknown> | undefined | typeof busy
  /** INSERT … RETURNING works although the dialect has no RETURNING in general (MariaDB ≥ 10.5). */
  readonly insertReturning?: boolean
  /** Runs BEGIN, COMMIT, SAVEPOINT … on a transaction's connection. Absent: `executeUnprepared`. */
  readonly control?: (connection: Connection, sql: string) => Effect.Effect<unknown, unknown>
  /** Pool statistics where the driver exposes them. */
  readonly poolStats: () => { readonly total: number; readonly idle: number; readonly waiting: number } | undefined
}

/** Opens a driver for the lifetime of the scope. */
export type Connect<Url> = (url: Url, options: DriverOptions) => Effect.Effect<Driver, QueryError, Scope.Scope>

/** Runs through @effect/sql's Connection (for connections whose driver handle we cannot reach). */
export const fallback =
  (connection: Connection): Execute =>
  (sql, params, raw) =>
    raw ? connection.executeRaw(sql, params) : connection.execute(sql, params, undefined)

/** `executeSync`'s answer when it cannot run now. */
export const busy: unique symbol = Symbol.for("effect-dataflow/busy")
