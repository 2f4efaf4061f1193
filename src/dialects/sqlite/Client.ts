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
import { busy, type Execute } from "../../sql/Driver.js"
import { decimalSortKey } from "./DecimalKey.js"

/** Options of the SQLite client. */
export interface SqliteOptions {
  readonly filename: string
  readonly busyTimeoutMs: number
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
  if (options.filename !== ":memory:") db.pragma("journal_mode = WAL")
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`)
  db.pragma("foreign_keys = ON")
  db.pragma("case_sensitive_like = ON")
  db.defaultSafeIntegers(true)
  db.function("regexp", { deterministic: true }, regexp as (...args: Array<unknown>) => unknown)
  db.function("df_decimal", { deterministic: true }, decimalSortKey)
  db.function("df_lower", { deterministic: true }, (v: unknown) => (typeof v === "string" ? lowerEach(v) : v))
  return db
}

/** One serialized connection as an @effect/sql client; the raw handle is returned for fast paths. */
export const make = (
  options: SqliteOptions
): Effect.Effect<
  {
    readonly client: SqlClient.SqlClient
    readonly execute: Execute
    readonly executeSync: (sql: string, params: ReadonlyArray<unknown>, raw: boolean) => unknown
    readonly executeOn: (c: Connection) => Execute
    readonly acquire: Effect.Effect<readonly [Connection, Effect.Effect<void>]>
    readonly control: (c: Connection, sql: string) => Effect.Effect<unknown, unknown>
  },
  SqlError,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({ try: () => open(options), catch: (cause) => new SqlError({ cause, message: "Failed to open database" }) }),
      (db) => Effect.sync(() => db.close())
    )
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
    const runSync = (sql: string, params: ReadonlyArray<unknown>, raw: boolean): ReadonlyArray<any> => {
      const s = prepare(sql)
      if (s.reader) return s.all(...params) as ReadonlyArray<any>
      const r = s.run(...params)
      return (raw ? r : []) as unknown as ReadonlyArray<any>
    }
    const run = (sql: string, params: ReadonlyArray<unknown>, raw: boolean) =>
      Effect.try({
        try: () => runSync(sql, params, raw),
        catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
      })
    const connection: Connection = {
      execute: (sql, params, transformRows) =>
        transformRows ? Effect.map(run(sql, params, false), transformRows) : run(sql, params, false),
      executeRaw: (sql, params) => run(sql, params, true),
      executeValues: (sql, params) =>
        Effect.try({
          try: () => {
            const s = prepare(sql)
            return s.reader ? (s.raw(true).all(...params) as Array<Array<unknown>>) : (s.run(...params), [])
          },
          catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
        }),
      executeUnprepared: (sql, params) =>
        Effect.try({
          try: () => {
            const s = db.prepare(sql)
            return s.reader ? s.all(...(params ?? [])) : (s.run(...(params ?? [])), [])
          },
          catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
        }),
      executeStream: () => Effect.dieMessage("executeStream is not implemented for SQLite") as never
    }
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer = semaphore.withPermits(1)(Effect.succeed(connection))
    // while a transaction holds the one connection, statements from outside it wait their turn
    let held = false
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          Effect.zipRight(restore(semaphore.take(1)), Effect.sync(() => (held = true))),
          Effect.tap(Effect.scope, (scope) =>
            Scope.addFinalizer(scope, Effect.zipRight(Effect.sync(() => (held = false)), semaphore.release(1))))
        ),
        connection
      )
    )
    // the hot path: a cached prepared statement run synchronously, no @effect/sql Statement
    const direct: Execute = (sql, params, raw) => Effect.try({ try: () => runSync(sql, params, raw), catch: (e) => e })
    const execute: Execute = (sql, params, raw) =>
      Effect.suspend(() => (held ? semaphore.withPermits(1)(direct(sql, params, raw)) : direct(sql, params, raw)))
    const client = yield* SqlClient.make({
      acquirer,
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]]
    }).pipe(Effect.provide(Reactivity.layer))
    const executeSync = (sql: string, params: ReadonlyArray<unknown>, raw: boolean): unknown =>
      held ? busy : runSync(sql, params, raw)
    // transactions without a Scope: take the one connection (run uninterruptibly by the caller)
    const release = Effect.zipRight(Effect.sync(() => (held = false)), semaphore.release(1))
    const taken = [connection, release] as const
    const acquire = Effect.as(Effect.zipRight(semaphore.take(1), Effect.sync(() => (held = true))), taken)
    // BEGIN IMMEDIATE, COMMIT, SAVEPOINT …: cached prepared statements like any other
    const control = (_: Connection, sql: string) => direct(sql, [], false)
    return { client, execute, executeSync, executeOn: () => direct, acquire, control }
  })
