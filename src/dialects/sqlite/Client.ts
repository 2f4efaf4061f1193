/**
 * An @effect/sql client over better-sqlite3 that we open ourselves, so every connection gets the
 * functions and pragmas our SQL relies on: `regexp`, `df_lower`, `df_decimal`, case-sensitive LIKE, foreign keys,
 * a busy timeout, and safe integers (BIGINT round-trips exactly).
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import Sqlite from "better-sqlite3"
import { Effect, Scope } from "effect"
import { busy, type Execute, type JournalMode, journalModes, WaitDeadline } from "../../sql/Driver.js"
import { decimalSortKey } from "./DecimalKey.js"

/** Options of the SQLite client. */
export interface SqliteOptions {
  readonly filename: string
  /** How long a statement waits for another process's lock (SQLite's busy timeout). */
  readonly busyTimeoutMs: number
  /** Set on open; absent: the file keeps its journal mode (SQLite stores WAL in the file). */
  readonly journalMode?: JournalMode
  /** How long a statement or transaction waits for the one connection held by a transaction of this layer. */
  readonly waitTimeoutMs: number
  /** sqlite-vec's loadable extension, loaded into the connection (vector search). */
  readonly vectorExtension?: string | undefined
}

/** sqlite-vec's extension file, when the optional package is installed. */
export const vectorExtensionPath: Effect.Effect<string | undefined> = Effect.promise(() =>
  import("sqlite-vec").then(
    (m) => m.getLoadablePath(),
    () => undefined
  )
)

/** −(a·b) of two float32 BLOBs: the inner-product distance (sqlite-vec has no such function). */
const negInnerProduct = (a: unknown, b: unknown): number | null => {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.byteLength !== b.byteLength) return null
  const x = new Float32Array(new Uint8Array(a).buffer)
  const y = new Float32Array(new Uint8Array(b).buffer)
  let dot = 0
  for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!
  return -dot
}

const regexpCache = new Map<string, RegExp>()
const regexp = (pattern: string, value: unknown): number | null => {
  if (value === null || value === undefined) return null
  let re = regexpCache.get(pattern)
  if (re === undefined) {
    re = new RegExp(pattern, "u")
    if (regexpCache.size > 500) regexpCache.clear()
    regexpCache.set(pattern, re)
  }
  return re.test(String(value)) ? 1 : 0
}

/**
 * Lower case one code point at a time, as PostgreSQL's lower() does: no final-sigma context
 * ("ΟΔΟΣ" → "οδοσ") and U+0130 → "i" (its simple mapping, not "i̇").
 */
const lowerEach = (s: string): string =>
  /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : Array.from(s, (c) => (c === "\u0130" ? "i" : c.toLowerCase())).join("")

/** Opens the database file and configures it. */
export const open = (options: SqliteOptions): Sqlite.Database => {
  const db = new Sqlite(options.filename)
  const mode = options.journalMode
  if (mode !== undefined && options.filename !== ":memory:") {
    if (!journalModes.includes(mode)) throw new Error(`unknown journal mode ${String(mode).slice(0, 20)}`)
    const set = db.pragma(`journal_mode = ${mode}`, { simple: true })
    if (String(set).toLowerCase() !== mode)
      throw new Error(`journal_mode ${mode} was refused (the file is in ${String(set)})`)
  }
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`)
  db.pragma("foreign_keys = ON")
  db.pragma("case_sensitive_like = ON")
  db.defaultSafeIntegers(true)
  db.function("regexp", { deterministic: true }, regexp as (...args: Array<unknown>) => unknown)
  db.function("df_decimal", { deterministic: true }, decimalSortKey)
  db.function("df_lower", { deterministic: true }, (v: unknown) => (typeof v === "string" ? lowerEach(v) : v))
  db.function("df_neg_inner_product", { deterministic: true }, negInnerProduct as (...args: Array<unknown>) => unknown)
  if (options.vectorExtension !== undefined) db.loadExtension(options.vectorExtension)
  return db
}

/** Prepared statements cached by SQL text, and the synchronous run every path shares. */
const makeStatements = (db: Sqlite.Database) => {
  const cache = new Map<string, Sqlite.Statement>()
  const prepare = (sql: string) => {
    let s = cache.get(sql)
    if (s === undefined) {
      s = db.prepare(sql)
      if (cache.size > 500) cache.clear()
      cache.set(sql, s)
    }
    return s
  }
  // statements that return rows as arrays (`.raw(true)` is a statement's mode: a cache of their own)
  const arrays = new Map<string, Sqlite.Statement>()
  const prepareArrays = (sql: string) => {
    let s = arrays.get(sql)
    if (s === undefined) {
      s = db.prepare(sql)
      if (!s.reader) throw new Error("firstRowSync needs a statement that returns rows")
      s.raw(true)
      if (arrays.size > 500) arrays.clear()
      arrays.set(sql, s)
    }
    return s
  }
  const runSync = (sql: string, params: ReadonlyArray<unknown>, raw: boolean): ReadonlyArray<any> => {
    const s = prepare(sql)
    if (s.reader) return s.all(...params) as ReadonlyArray<any>
    const r = s.run(...params)
    return (raw ? r : []) as unknown as ReadonlyArray<any>
  }
  return { prepare, prepareArrays, runSync }
}

type Statements = ReturnType<typeof makeStatements>

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

/** The one connection as @effect/sql sees it. */
const makeConnection = (db: Sqlite.Database, { prepare, runSync }: Statements): Connection => {
  const run = (sql: string, params: ReadonlyArray<unknown>, raw: boolean) =>
    Effect.try({ try: () => runSync(sql, params, raw), catch: failed })
  return {
    execute: (sql, params, transformRows) =>
      transformRows ? Effect.map(run(sql, params, false), transformRows) : run(sql, params, false),
    executeRaw: (sql, params) => run(sql, params, true),
    executeValues: (sql, params) =>
      Effect.try({
        try: () => {
          const s = prepare(sql)
          return s.reader ? (s.raw(true).all(...params) as Array<Array<unknown>>) : (s.run(...params), [])
        },
        catch: failed
      }),
    executeUnprepared: (sql, params) =>
      Effect.try({
        try: () => {
          const s = db.prepare(sql)
          return s.reader ? s.all(...(params ?? [])) : (s.run(...(params ?? [])), [])
        },
        catch: failed
      }),
    executeStream: () => Effect.dieMessage("executeStream is not implemented for SQLite") as never
  }
}

/**
 * The one connection has one holder at a time (a transaction); statements from outside it wait
 * their turn, waitTimeoutMs at most (then WaitDeadline: PoolTimeout). A lock of our own: taken
 * and given back synchronously when nobody waits (an Effect Semaphore costs a suspension per
 * take); a release wakes every waiter, each tries again. `gate.held` is read on the hot path.
 */
const makeGate = (waitTimeoutMs: number) => {
  const gate = { held: false }
  const waiters = new Set<() => void>()
  const waitFor = (until: number): Effect.Effect<void, WaitDeadline> =>
    Effect.suspend(() => {
      if (!gate.held) {
        gate.held = true
        return Effect.void
      }
      const left = until - Date.now()
      if (left <= 0) return Effect.fail(new WaitDeadline())
      return Effect.flatMap(
        Effect.async<void>((resume) => {
          const wake = () => {
            clearTimeout(timer)
            resume(Effect.void)
          }
          const timer = setTimeout(() => {
            waiters.delete(wake)
            resume(Effect.void)
          }, left)
          waiters.add(wake)
          return Effect.sync(() => {
            clearTimeout(timer)
            waiters.delete(wake)
          })
        }),
        () => waitFor(until)
      )
    })
  const take: Effect.Effect<void, WaitDeadline> = Effect.suspend(() => {
    if (!gate.held) {
      gate.held = true
      return Effect.void
    }
    return waitFor(Date.now() + waitTimeoutMs)
  })
  const release = Effect.sync(() => {
    gate.held = false
    if (waiters.size > 0) {
      const woken = [...waiters]
      waiters.clear()
      for (const wake of woken) wake()
    }
  })
  const withLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.uninterruptibleMask((restore) => Effect.zipRight(restore(take), Effect.ensuring(restore(effect), release)))
  return { gate, take, release, withLock, waiting: () => waiters.size }
}

/** What `make` gives the SQLite layer. */
export interface SqliteClient {
  readonly client: SqlClient.SqlClient
  readonly execute: Execute
  readonly executeSync: (sql: string, params: ReadonlyArray<unknown>, raw: boolean) => unknown
  readonly executeOn: (c: Connection) => Execute
  readonly acquire: Effect.Effect<readonly [Connection, Effect.Effect<void>], WaitDeadline>
  readonly control: (c: Connection, sql: string) => Effect.Effect<unknown, unknown>
  readonly executeOnSync: (c: Connection, sql: string, params: ReadonlyArray<unknown>, raw: boolean) => unknown
  readonly firstRowSync: (
    sql: string,
    params: ReadonlyArray<unknown>,
    inTransaction: boolean
  ) => ReadonlyArray<unknown> | undefined | typeof busy
  readonly poolStats: () => { readonly total: number; readonly idle: number; readonly waiting: number }
}

const asSqlError = (cause: WaitDeadline) => new SqlError({ cause, message: "Timed out waiting for the connection" })

/** One serialized connection as an @effect/sql client; the raw handle is returned for fast paths. */
export const make = (options: SqliteOptions): Effect.Effect<SqliteClient, SqlError, Scope.Scope> =>
  Effect.gen(function* () {
    const vectorExtension = options.vectorExtension ?? (yield* vectorExtensionPath)
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => open({ ...options, vectorExtension }),
        catch: (cause) => new SqlError({ cause, message: "Failed to open database" })
      }),
      (db) => Effect.sync(() => db.close())
    )
    const statements = makeStatements(db)
    const { prepareArrays, runSync } = statements
    const connection = makeConnection(db, statements)
    const { gate, release, take, waiting, withLock } = makeGate(options.waitTimeoutMs)
    // A read steps once (`.get`). A write with RETURNING steps to its end (`.all`): stepped once, it
    // would commit on reset all the same, but SQLite runs its WAL auto-checkpoint only for a
    // statement that reached its end, so a stream of single-row writes grew the WAL by every write
    // (7,000 pages after 2,000 writes instead of ~1,000; crud.test.ts).
    const firstRowSync = (sql: string, params: ReadonlyArray<unknown>, inTransaction: boolean) => {
      if (gate.held && !inTransaction) return busy
      const s = prepareArrays(sql)
      return (s.readonly ? s.get(...params) : (s.all(...params) as Array<unknown>)[0]) as
        ReadonlyArray<unknown> | undefined
    }
    const acquirer = Effect.mapError(withLock(Effect.succeed(connection)), asSqlError)
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          Effect.mapError(restore(take), asSqlError),
          Effect.tap(Effect.scope, (scope) => Scope.addFinalizer(scope, release))
        ),
        connection
      )
    )
    // the hot path: a cached prepared statement run synchronously, no @effect/sql Statement
    const direct: Execute = (sql, params, raw) => Effect.try({ try: () => runSync(sql, params, raw), catch: (e) => e })
    const client = yield* SqlClient.make({
      acquirer,
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]]
    }).pipe(Effect.provide(Reactivity.layer))
    // transactions without a Scope: take the one connection (run uninterruptibly by the caller)
    const taken = [connection, release] as const
    return {
      client,
      execute: (sql, params, raw) =>
        Effect.suspend(() => (gate.held ? withLock(direct(sql, params, raw)) : direct(sql, params, raw))),
      executeSync: (sql, params, raw) => (gate.held ? busy : runSync(sql, params, raw)),
      executeOn: () => direct,
      // inside a transaction the connection is ours: run right away
      executeOnSync: (_, sql, params, raw) => runSync(sql, params, raw),
      firstRowSync,
      acquire: Effect.as(take, taken),
      // BEGIN IMMEDIATE, COMMIT, SAVEPOINT …: cached prepared statements like any other
      control: (_, sql) => direct(sql, [], false),
      // the one connection: idle unless a transaction holds it; waiters are statements and
      // transactions waiting for it
      poolStats: () => ({ total: 1, idle: gate.held ? 0 : 1, waiting: waiting() })
    }
  })
