/**
 * PostgreSQL through @effect/sql-pg over a node-postgres pool we open, so the hot path can run
 * named (prepared) statements on the same pool.
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { SqlError } from "@effect/sql/SqlError"
import type { Connection } from "@effect/sql/SqlConnection"
import { Duration, Effect } from "effect"
import pg from "pg"
import { type Connect, type Execute, fallback } from "../../sql/Driver.js"
import { copyIn, type Submits } from "./Copy.js"
import { postgresDialect } from "./Hooks.js"
import { utcTypes } from "./Types.js"

interface Queryable {
  query(config: pg.QueryConfig, callback: (err: Error | null, result: pg.QueryResult) => void): void
}

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

// only outside a transaction: inside one, the failed statement has already aborted it
const run = (target: Queryable, namer: Namer, retryStale: boolean): Execute => (sql, params, raw) =>
  Effect.async<unknown, unknown>((resume) => {
    const send = (name: string | undefined, retried: boolean) =>
      target.query(
        name === undefined ? { text: sql, values: params as Array<unknown> } : { name, text: sql, values: params as Array<unknown> },
        (err, result) => {
          if (err && retryStale && !retried && name !== undefined && isStalePlan(err)) return send(namer.rename(sql), true)
          resume(err ? Effect.fail(err) : Effect.succeed(raw ? result : result.rows))
        }
      )
    send(namer.nameOf(sql), false)
  })

/** Connects a pool; fails with a typed error when the server cannot be reached. */
export const connectPostgres: Connect<{ readonly url: string }> = ({ url }, options) =>
  Effect.gen(function*() {
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const p = new pg.Pool({
          connectionString: url,
          max: options.poolSize,
          connectionTimeoutMillis: Duration.toMillis(options.connectTimeout),
          idleTimeoutMillis: Duration.toMillis(options.idleTimeout),
          application_name: "effect-dataflow",
          // `timestamp` and `date` columns (no zone) read as UTC, not in the process's zone
          types: utcTypes
        })
        p.on("error", () => {}) // idle client errors surface on the next use, typed
        return p
      }),
      (p) => Effect.promise(() => p.end()).pipe(Effect.timeoutOption(1000))
    )
    const client = yield* PgClient.fromPool({ acquire: Effect.succeed(pool), applicationName: "effect-dataflow" }).pipe(
      Effect.provide(Reactivity.layer)
    )
    yield* Effect.tryPromise({ try: () => pool.query("SELECT 1"), catch: (cause) => new SqlError({ cause, message: "Failed to connect" }) })
    const namer = makeNamer()
    // Transactions without a Scope: a pooled pg client wrapped in @effect/sql-pg's own connection
    // class (so that db.sql joins the transaction), and the effect that gives it back. The class is
    // not exported: it is taken from one reserved connection, and used only if it wraps a client as
    // `pg` the way this version does; otherwise transactions reserve through @effect/sql.
    const probe = yield* Effect.scoped(client.reserve)
    const Wrap = probe.constructor as new (client: pg.PoolClient) => Connection
    const wraps = (probe as unknown as { pg?: unknown }).pg !== undefined
    const acquire = Effect.async<readonly [Connection, Effect.Effect<void>], unknown>((resume) => {
      pool.connect((err, c, release) => {
        if (err || c === undefined) return resume(Effect.fail(err ?? new Error("no client")))
        // a client that broke while we held it is destroyed, not returned to the pool
        let broken: Error | undefined
        const onError = (e: Error) => void (broken = e)
        c.on("error", onError)
        resume(Effect.succeed([new Wrap(c), Effect.sync(() => {
          c.off("error", onError)
          release(broken)
        })] as const))
      })
    })
    // BEGIN, COMMIT, SAVEPOINT …: one simple-protocol query on the transaction's client
    const control = (connection: Connection, sql: string) => {
      const raw = (connection as unknown as { pg?: pg.PoolClient }).pg
      return raw === undefined
        ? connection.executeUnprepared(sql, [], undefined)
        : Effect.async<unknown, unknown>((resume) => {
          raw.query(sql, (err: Error | null) => resume(err ? Effect.fail(err) : Effect.void))
        })
    }
    return {
      ...(wraps ? { acquire, control } : {}),
      client,
      dialect: postgresDialect,
      execute: run(pool, namer, true),
      // @effect/sql-pg's reserved connection carries its pg client as `pg`
      executeOn: (connection: Connection) => {
        const raw = (connection as unknown as { pg?: Queryable }).pg
        return raw !== undefined ? run(raw, namer, false) : fallback(connection)
      },
      copyIn: (connection: Connection | undefined) => {
        const client = (connection as unknown as { pg?: Submits } | undefined)?.pg
        if (client !== undefined) return (sql: string, data: Iterable<string>) => copyIn(client, sql, data)
        // outside a transaction: a pooled client for the one statement
        return (sql: string, data: Iterable<string>) =>
          Effect.acquireUseRelease(
            Effect.tryPromise({ try: () => pool.connect(), catch: (e) => e }),
            (c) => copyIn(c, sql, data),
            (c, exit) => Effect.sync(() => c.release(exit._tag === "Failure" ? true : undefined))
          )
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
    }
  }).pipe(Effect.mapError((e) => postgresDialect.classify(e, undefined)))
