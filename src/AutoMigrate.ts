/**
 * A Database layer's table readiness: each model's table is created (autoMigrate) or checked (read
 * only, autoMigrate off: its columns keep every value the fields admit), and inspected (a dialect
 * that learns from it, MySQL), once, before its first statement — at the layer's start for the
 * models it was given, else on first use.
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { TransactionConnection } from "@effect/sql/SqlClient"
import { Context, Deferred, Effect, Exit, FiberRef, Option } from "effect"
import type * as Errors from "./Errors.js"
import type { ModelInfo } from "./model/Model.js"
import type { Dialect } from "./sql/Dialect.js"
import type { ModelLike } from "./sql/Runner.js"
import type { TransactionTag } from "./Transactions.js"

/** What making a model's table ready can fail with: a statement's errors, or autoMigrate's refusals. */
export type EnsureError = Errors.QueryError | Errors.AutoMigrateError

/** What readiness needs of the layer. */
export interface ReadinessOptions {
  readonly autoMigrate: boolean
  readonly dialect: Dialect
  readonly client: SqlClient.SqlClient
  readonly Transaction: TransactionTag
  /** Creates the models' tables or adds what they gained (a migration under the lock). */
  readonly create: (...infos: ReadonlyArray<ModelInfo>) => Effect.Effect<void, EnsureError>
  /** With autoMigrate off: checks, read only, that the model's table keeps every value its fields admit. */
  readonly check: (model: ModelInfo) => Effect.Effect<void, EnsureError>
  /** Creates a table on a connection of its own, while a transaction holds ours (src/SideDatabase.ts). */
  readonly aside: (model: ModelInfo) => Effect.Effect<void, EnsureError>
}

/** The layer's ensureTable and isReady, and the start-up step for the models it was given. */
export const makeReadiness = ({
  aside,
  autoMigrate,
  check,
  client,
  create,
  dialect,
  Transaction
}: ReadinessOptions) => {
  // by model, not by table: two models over one table are checked (adopted, inspected) each on its own
  const tables = new WeakMap<ModelInfo, Deferred.Deferred<void, EnsureError>>()
  const ready = new WeakSet<ModelInfo>()
  // DDL never runs inside the caller's transaction where it would end it (MySQL commits implicitly)
  // or be rolled back with it (PostgreSQL) while we remember the table as created.
  const detached = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.locallyWith(effect, FiberRef.currentContext, Context.omit(Transaction, TransactionConnection))
  // what the dialect learns of a table once it is ready (MySQL: its binary text columns). Run once,
  // so not prepared: a prepared information_schema query crashed this machine's MariaDB 10.11 once
  // (signal 11 in free_tmp_table)
  const inspect = (model: ModelInfo): Effect.Effect<void, Errors.QueryError> => {
    const inspection = dialect.inspectTable?.(model)
    return inspection === undefined
      ? Effect.void
      : client.unsafe<Record<string, unknown>>(inspection.sql, inspection.params).unprepared.pipe(
          Effect.mapError((e) => dialect.classify(e, undefined)),
          Effect.map((rows) => inspection.learn(rows))
        )
  }
  // a table is made ready once: created (autoMigrate) or checked, and inspected (a dialect that learns from it)
  const prepare = (model: ModelInfo) => Effect.zipRight(autoMigrate ? create(model) : check(model), inspect(model))
  const ensureTable = (model: ModelInfo): Effect.Effect<void, EnsureError> =>
    ready.has(model)
      ? Effect.void
      : Effect.suspend(() => {
          const existing = tables.get(model)
          if (existing !== undefined) return Deferred.await(existing)
          return Effect.flatMap(Effect.serviceOption(Transaction), (tx) => {
            // SQLite has one connection, held by the transaction: create inside it, remember nothing
            if (Option.isSome(tx) && dialect.oneConnection && autoMigrate) return create(model)
            // the read-only check runs on the transaction's own connection: the pool may be all held
            // by transactions (a check on another connection would wait for one: PoolTimeout)
            if (Option.isSome(tx) && !autoMigrate) return Effect.tap(check(model), () => ready.add(model))
            const done = Deferred.unsafeMake<void, EnsureError>(undefined as never)
            tables.set(model, done)
            return detached(Option.isSome(tx) ? (autoMigrate ? aside(model) : check(model)) : prepare(model)).pipe(
              Effect.onExit((exit) => {
                if (Exit.isFailure(exit)) tables.delete(model)
                else ready.add(model)
                return Deferred.done(done, exit)
              }),
              // a fiber interrupted mid-creation must not leave others waiting forever
              Effect.uninterruptible
            )
          })
        })
  // the layer's models: one migration (one ledger entry) for all of them, then each inspected
  const start = (models: ReadonlyArray<ModelLike>): Effect.Effect<void, EnsureError> =>
    Effect.gen(function* () {
      if (autoMigrate && models.length > 0) yield* create(...models.map((m) => m.info))
      for (const m of models) {
        if (!autoMigrate) yield* check(m.info)
        yield* inspect(m.info)
        ready.add(m.info)
      }
    })
  return { ensureTable, isReady: (model: ModelInfo) => ready.has(model), detached, start }
}
