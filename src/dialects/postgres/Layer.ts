/**
 * PostgreSQL through @effect/sql-pg over a node-postgres pool we open, so the hot path can run
 * named (prepared) statements on the same pool.
 *
 * @since 0.1.0
 */
import { defaultEfSearch } from "../../model/Search.js"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { SqlError } from "@effect/sql/SqlError"
import type { Connection } from "@effect/sql/SqlConnection"
import { Duration, Effect, Redacted } from "effect"
import pg from "pg"
import * as Errors from "../../Errors.js"
import { atConnect } from "../../sql/ClassifyError.js"
import { bounded, type Held } from "../../sql/Deadline.js"
import {
  type Connect,
  ConnectionGone,
  deadlineGrace,
  type DriverOptions,
  type Execute,
  fallback
} from "../../sql/Driver.js"
import { tlsOptions } from "../../sql/Tls.js"
import { type CopyOutcome, copyResult, type Submits, startCopy } from "./Copy.js"
import { postgresDialect } from "./Hooks.js"
import { utcTypes } from "./Types.js"
import type { PostgresUrl } from "./Url.js"

const noop = () => {}

const pgTypes = utcTypes(pg.types)

/**
 * Statement names by SQL text: each pooled connection prepares a text once, then reuses it. After a
 * migration changes a column's type, a statement prepared before it fails with 0A000 ("cached plan
 * must not change result type"); the text then gets a fresh name, prepared anew on every connection.
 */
const makeNamer = () => {
  const names = new Map<string, string>()
  let next = 0
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql)
    if (name === undefined && names.size < 2_000) {
      name = `df_${(next++).toString(36)}`
      names.set(sql, name)
    }
    return name
  }
  const rename = (sql: string) => {
    names.delete(sql)
    return nameOf(sql)
  }
  return { nameOf, rename }
}

type Namer = ReturnType<typeof makeNamer>

const isStalePlan = (err: unknown) => (err as { code?: unknown } | null)?.code === "0A000"

/**
 * A server error leaves the connection usable, unless it is FATAL (the server ends the session:
 * terminated, shutting down); anything else (socket, protocol, our timers) does not either.
 */
const breaks = (err: unknown) =>
  err !== undefined &&
  err !== null &&
  (!(err instanceof pg.DatabaseError) || err.severity === "FATAL" || err.severity === "PANIC")

type Rows = (err: Error | null, result: pg.QueryResult) => void

interface Timing {
  readonly connectMs: number
  /** The client's bound on one answer (statement timeout plus grace), when there is one. */
  readonly deadlineMs: number | undefined
}

/** Iterative scans on, ef_search at the default: sent at connection start (placeholders until pgvector loads). */
export const vectorSessionOptions = `-c hnsw.ef_search=${defaultEfSearch} -c hnsw.iterative_scan=relaxed_order -c ivfflat.iterative_scan=relaxed_order`

/** The pg client settings of `url` (TLS read from its files), and the timers. */
const settings = (url: PostgresUrl, options: DriverOptions) =>
  Effect.map(Effect.try({ try: () => tlsOptions(url.tls), catch: (e) => e as never }), (ssl) => {
    const connectMs = Duration.toMillis(options.connectTimeout)
    const statementMs =
      options.statementTimeout === undefined
        ? undefined
        : Math.max(1, Math.floor(Duration.toMillis(options.statementTimeout)))
    const config: pg.ClientConfig = {
      host: url.host,
      port: url.port,
      ...(url.database !== undefined ? { database: url.database } : {}),
      ...(url.user !== undefined ? { user: url.user } : {}),
      ...(url.password !== undefined ? { password: Redacted.value(url.password) } : {}),
      // the vector search defaults (postgresDialect.vectors.sessionTuning): a search at the defaults needs no
      // transaction; the URL's own options come after, so a user's -c wins
      options: url.options !== undefined ? `${vectorSessionOptions} ${url.options}` : vectorSessionOptions,
      ssl,
      application_name: url.applicationName ?? "effect-dataflow",
      connectionTimeoutMillis: connectMs,
      // sent at connection start: every statement of every session is bounded by the server
      ...(statementMs !== undefined ? { statement_timeout: statementMs } : {})
    }
    const timing: Timing = {
      connectMs,
      deadlineMs: statementMs === undefined ? undefined : statementMs + deadlineGrace
    }
    return { config, timing }
  })

/** The pool for the scope's lifetime. */
const openPool = (config: pg.ClientConfig, options: DriverOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      // `timestamp` and `date` columns (no zone) read as UTC, not in the process's zone
      const p = new pg.Pool({
        ...config,
        max: options.poolSize,
        idleTimeoutMillis: Duration.toMillis(options.idleTimeout),
        types: pgTypes
      })
      p.on("error", noop) // idle client errors surface on the next use, typed
      // pg-pool listens for a client's errors only while it is idle: one that breaks while we hold
      // it (a second ECONNRESET after a failed COPY, a killed backend) would be an unhandled
      // 'error' event and end the process. Its pending queries fail typed all the same.
      p.on("connect", (c) => void c.on("error", noop))
      return p
    }),
    (p) => Effect.promise(() => p.end()).pipe(Effect.timeoutOption(1000))
  )

/** A held client's cancel and destroy (src/sql/Deadline.ts), and how a client goes back to the pool. */
const makeHolding = (config: pg.ClientConfig, connectMs: number) => {
  // pg_cancel_backend from a connection of its own (bounded by connectTimeout, never throws)
  const cancelBackend = (pid: number) => {
    const canceller = new pg.Client({ ...config, application_name: `${config.application_name}:cancel` })
    canceller.on("error", noop)
    const timer = setTimeout(() => void canceller.end().catch(noop), connectMs)
    timer.unref?.()
    canceller
      .connect()
      .then(() => canceller.query("SELECT pg_cancel_backend($1)", [pid]))
      .catch(noop)
      .finally(() => {
        clearTimeout(timer)
        canceller.end().catch(noop)
      })
  }
  // A cancel names a backend, not a statement: one that arrives late would stop whatever that
  // connection runs next. A client that was sent a cancel is therefore never reused.
  const cancelled = new WeakSet<pg.ClientBase>()
  const giveBack = (c: pg.ClientBase, release: (err?: Error | boolean) => void, err: unknown) =>
    release(breaks(err) ? (err as Error) : cancelled.has(c) ? new Error("cancelled") : undefined)
  const heldOf = (c: pg.ClientBase): Held => ({
    cancel: () => {
      cancelled.add(c)
      const pid = (c as unknown as { processID?: unknown }).processID
      if (typeof pid === "number") cancelBackend(pid)
    },
    destroy: () =>
      (c as unknown as { connection?: { stream?: { destroy(e: Error): void } } }).connection?.stream?.destroy(
        new ConnectionGone()
      )
  })
  return { giveBack, heldOf }
}

type Holding = ReturnType<typeof makeHolding>

const send = (c: pg.ClientBase, sql: string, params: ReadonlyArray<unknown>, name: string | undefined, cb: Rows) =>
  c.query(
    name === undefined
      ? { text: sql, values: params as Array<unknown> }
      : { name, text: sql, values: params as Array<unknown> },
    cb
  )

/** Statements on the pool and on a transaction's client: named (prepared) by their text. */
const makeExecutes = (pool: pg.Pool, { connectMs, deadlineMs }: Timing, { giveBack, heldOf }: Holding) => {
  const namer = makeNamer()
  // outside a transaction: a pooled client for the one statement, given back when the server answers
  const execute: Execute = (sql, params, raw) =>
    bounded(deadlineMs, connectMs, (sent, finish, wanted) =>
      pool.connect((err, c, release) => {
        if (err || c === undefined) return finish(err ?? new Error("no client"))
        if (!wanted()) return release()
        sent(heldOf(c))
        const go = (name: string | undefined, retried: boolean) =>
          send(c, sql, params, name, (e, result) => {
            // a statement prepared before a migration changed its columns' types: prepare it anew
            if (e && !retried && name !== undefined && isStalePlan(e)) return go(namer.rename(sql), true)
            giveBack(c, release, e)
            finish(e ?? undefined, e ? undefined : raw ? result : result.rows)
          })
        go(namer.nameOf(sql), false)
      })
    )
  // a transaction's client (no stale-plan retry: the failed statement has already aborted it)
  const executeOnClient =
    (c: pg.ClientBase): Execute =>
    (sql, params, raw) =>
      bounded(deadlineMs, connectMs, (sent, finish) => {
        sent(heldOf(c))
        send(c, sql, params, namer.nameOf(sql), (e, result) =>
          finish(e ?? undefined, e ? undefined : raw ? result : result.rows)
        )
      })
  // BEGIN, COMMIT, SAVEPOINT …: one simple-protocol query on the transaction's client
  const controlOn = (c: pg.ClientBase, sql: string) =>
    bounded(deadlineMs, connectMs, (sent, finish) => {
      sent(heldOf(c))
      c.query(sql, (err: Error | null) => finish(err ?? undefined))
    })
  return { execute, executeOnClient, controlOn }
}

/** COPY … FROM STDIN on a transaction's client, or on a pooled one given back when it ends. */
const makeCopy = (pool: pg.Pool, { connectMs, deadlineMs }: Timing, { giveBack, heldOf }: Holding) => {
  const copyOn = (c: pg.ClientBase & Submits, sql: string, data: Iterable<string>) =>
    Effect.flatMap(
      bounded<CopyOutcome>(deadlineMs, connectMs, (sent, finish) => {
        sent(heldOf(c))
        startCopy(c, sql, data, finish)
      }),
      copyResult
    )
  const copyPooled = (sql: string, data: Iterable<string>) =>
    Effect.flatMap(
      bounded<CopyOutcome>(deadlineMs, connectMs, (sent, finish, wanted) =>
        pool.connect((err, c, release) => {
          if (err || c === undefined) return finish(err ?? new Error("no client"))
          if (!wanted()) return release()
          sent(heldOf(c))
          startCopy(c as pg.PoolClient & Submits, sql, data, (e, outcome) => {
            giveBack(c, release, e)
            finish(e, outcome)
          })
        })
      ),
      copyResult
    )
  return { copyOn, copyPooled }
}

/**
 * Transactions without a Scope: a pooled pg client wrapped in @effect/sql-pg's own connection
 * class (so that db.sql joins the transaction), and the effect that gives it back. The class is
 * not exported: it is taken from one reserved connection (`probe`), and used only if it wraps a
 * client as `pg` the way this version does; otherwise transactions reserve through @effect/sql.
 */
const makeAcquire = (pool: pg.Pool, probe: Connection, { giveBack }: Holding) => {
  const Wrap = probe.constructor as new (client: pg.PoolClient) => Connection
  const wraps = (probe as unknown as { pg?: unknown }).pg !== undefined
  const acquire = Effect.async<readonly [Connection, Effect.Effect<void>], unknown>((resume) => {
    pool.connect((err, c, release) => {
      if (err || c === undefined) return resume(Effect.fail(err ?? new Error("no client")))
      // a client that broke while we held it is destroyed, not returned to the pool
      let broken: Error | undefined
      const onError = (e: Error) => void (broken = e)
      c.on("error", onError)
      resume(
        Effect.succeed([
          new Wrap(c),
          Effect.sync(() => {
            c.off("error", onError)
            giveBack(c, release, broken)
          })
        ] as const)
      )
    })
  })
  return wraps ? acquire : undefined
}

// @effect/sql-pg's reserved connection carries its pg client as `pg`
const rawOf = (connection: Connection | undefined) => (connection as unknown as { pg?: pg.PoolClient } | undefined)?.pg

/** Connects a pool; fails with a typed error when the server cannot be reached. */
export const connectPostgres: Connect<PostgresUrl> = (url, options) =>
  Effect.gen(function* () {
    const { config, timing } = yield* settings(url, options)
    const pool = yield* openPool(config, options)
    const client = yield* PgClient.fromPool({
      acquire: Effect.succeed(pool),
      applicationName: config.application_name!
    }).pipe(Effect.provide(Reactivity.layer))
    yield* Effect.tryPromise({
      try: () => pool.query("SELECT 1"),
      catch: (cause) => new SqlError({ cause, message: "Failed to connect" })
    })
    const holding = makeHolding(config, timing.connectMs)
    const { controlOn, execute, executeOnClient } = makeExecutes(pool, timing, holding)
    const { copyOn, copyPooled } = makeCopy(pool, timing, holding)
    const acquire = makeAcquire(pool, yield* Effect.scoped(client.reserve), holding)
    const control = (connection: Connection, sql: string) => {
      const raw = rawOf(connection)
      return raw === undefined ? connection.executeUnprepared(sql, [], undefined) : controlOn(raw, sql)
    }
    return {
      ...(acquire !== undefined ? { acquire, control } : {}),
      client,
      dialect: postgresDialect,
      execute,
      executeOn: (connection: Connection) => {
        const raw = rawOf(connection)
        return raw !== undefined ? executeOnClient(raw) : fallback(connection)
      },
      copyIn: (connection: Connection | undefined) => {
        const raw = rawOf(connection)
        return raw !== undefined
          ? (sql: string, data: Iterable<string>) => copyOn(raw as pg.PoolClient & Submits, sql, data)
          : copyPooled
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
    }
  }).pipe(
    Effect.mapError((e) =>
      e instanceof Errors.ValidationError ? e : atConnect(postgresDialect.classify(e, undefined))
    )
  )
