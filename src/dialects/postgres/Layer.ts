/**
 * PostgreSQL through @effect/sql-pg (node-postgres pool).
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Redacted } from "effect"
import type { Connect } from "../../sql/Driver.js"
import { postgresDialect } from "./Hooks.js"

/** Connects a pool; fails with a typed error when the server cannot be reached. */
export const connectPostgres: Connect<{ readonly url: string }> = ({ url }, options) =>
  PgClient.make({
    url: Redacted.make(url),
    maxConnections: options.poolSize,
    connectTimeout: options.connectTimeout,
    idleTimeout: options.idleTimeout,
    applicationName: "effect-dataflow"
  }).pipe(
    Effect.provide(Reactivity.layer),
    Effect.mapError((e) => postgresDialect.classify(e, undefined)),
    Effect.map((client) => ({
      client,
      dialect: postgresDialect,
      poolStats: () => {
        const pool = (client as unknown as { config: unknown; pool?: { totalCount: number; idleCount: number; waitingCount: number } }).pool
        return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined
      }
    }))
  )
