/**
 * Transactions of one Database layer: a connection of its own (the driver's acquire, or
 * @effect/sql's reserve), BEGIN at the asked isolation, savepoints when nested, COMMIT or ROLLBACK,
 * typed failures — one chain of steps, uninterruptible except the caller's effect.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { type Cause, Context, Effect, Exit, FiberRef, Option, Scope } from "effect"
import * as Errors from "./Errors.js"
import type { Dialect, IsolationLevel } from "./sql/Dialect.js"
import type { Driver } from "./sql/Driver.js"
import type { Runner } from "./sql/Runner.js"

/** The layer's own transaction tag: the connection and the savepoint depth. */
export type TransactionTag = Context.Tag<"effect-dataflow/Transaction", readonly [Connection, number]>

/** What the steps of a transaction need of the layer. */
interface Steps {
  readonly acquire: Effect.Effect<readonly [Connection, Effect.Effect<void>], unknown>
  readonly control: (conn: Connection, sql: string) => Effect.Effect<unknown, unknown>
  readonly failTyped: (cause: Cause.Cause<unknown>) => Effect.Effect<never, Errors.QueryError>
  readonly begin: (conn: Connection, isolation: IsolationLevel | undefined) => Effect.Effect<unknown, unknown>
  readonly dialect: Dialect
  readonly Transaction: TransactionTag
}

/**
 * The caller's effect with our transaction in its context: the fiber's context is set here and
 * set back (`leave`) by the uninterruptible step after it, which always runs — cheaper than
 * Effect.provideService's acquire/release per transaction.
 */
const enter = <A, E, R>(
  Transaction: TransactionTag,
  effect: Effect.Effect<A, E, R>,
  restore: <X, Y, Z>(effect: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y, Z>,
  before: Context.Context<never>,
  conn: Connection,
  depth: number
) => {
  const value = [conn, depth] as const
  const inside = Context.add(Context.add(before, Transaction, value), SqlClient.TransactionConnection, value)
  return Effect.zipRight(FiberRef.set(FiberRef.currentContext, inside), restore(effect))
}
const leave = (before: Context.Context<never>) => FiberRef.set(FiberRef.currentContext, before)

/**
 * Open, run, commit or roll back, release: one chain of steps, uninterruptible except the
 * caller's effect (an interruption there rolls back and releases like any failure).
 */
const outer = <A, E, R>(
  { acquire, begin, control, dialect, failTyped, Transaction }: Steps,
  effect: Effect.Effect<A, E, R>,
  isolation: IsolationLevel | undefined,
  before: Context.Context<never>
) =>
  Effect.uninterruptibleMask((restore) =>
    Effect.matchCauseEffect(acquire, {
      onFailure: failTyped,
      onSuccess: ([conn, release]) => {
        const rollback = Effect.ensuring(Effect.ignore(control(conn, dialect.rollback)), release)
        return Effect.matchCauseEffect(begin(conn, isolation), {
          onFailure: (cause) => Effect.zipRight(release, failTyped(cause)),
          onSuccess: () =>
            Effect.matchCauseEffect(enter(Transaction, effect, restore, before, conn, 0), {
              onFailure: (cause) => Effect.zipRight(Effect.zipRight(leave(before), rollback), Effect.failCause(cause)),
              onSuccess: (value) =>
                Effect.zipRight(
                  leave(before),
                  Effect.matchCauseEffect(control(conn, dialect.commit), {
                    onFailure: (cause) => Effect.zipRight(rollback, failTyped(cause)),
                    onSuccess: () => Effect.as(release, value)
                  })
                )
            })
        })
      }
    })
  )

/** A savepoint on the transaction's connection, released or rolled back to. */
const nested = <A, E, R>(
  { control, dialect, failTyped, Transaction }: Steps,
  effect: Effect.Effect<A, E, R>,
  conn: Connection,
  depth: number,
  before: Context.Context<never>
) => {
  const name = `df_sp_${depth}`
  return Effect.uninterruptibleMask((restore) =>
    Effect.matchCauseEffect(control(conn, dialect.savepoint(name)), {
      onFailure: failTyped,
      onSuccess: () =>
        Effect.matchCauseEffect(enter(Transaction, effect, restore, before, conn, depth), {
          onFailure: (cause) =>
            Effect.zipRight(
              Effect.zipRight(leave(before), Effect.ignore(control(conn, dialect.rollbackToSavepoint(name)))),
              Effect.failCause(cause)
            ),
          onSuccess: (value) =>
            Effect.zipRight(
              leave(before),
              Effect.matchCauseEffect(control(conn, dialect.releaseSavepoint(name)), {
                onFailure: failTyped,
                onSuccess: () => Effect.succeed(value)
              })
            )
        })
    })
  )
}

/** The layer's steps over `driver`. */
const stepsOf = (driver: Driver, Transaction: TransactionTag): Steps => {
  const { client, dialect } = driver
  // A connection for a transaction and the effect that gives it back: the driver's own when it has
  // one (no Scope per transaction), else @effect/sql's reserve inside a Scope of our own.
  const acquire: Effect.Effect<readonly [Connection, Effect.Effect<void>], unknown> =
    driver.acquire ??
    Effect.flatMap(Scope.make(), (scope) =>
      Effect.matchCauseEffect(Scope.extend(client.reserve, scope), {
        onFailure: (cause) => Effect.zipRight(Scope.close(scope, Exit.failCause(cause)), Effect.failCause(cause)),
        onSuccess: (conn) => Effect.succeed([conn, Scope.close(scope, Exit.void)] as const)
      })
    )
  // BEGIN, COMMIT, SAVEPOINT …: through the driver's cached path where it has one
  const control: (conn: Connection, sql: string) => Effect.Effect<unknown, unknown> =
    driver.control ?? ((conn, sql) => conn.executeUnprepared(sql, [], undefined))
  // a failure of our own statement (or of the acquisition) as a typed QueryError, as before: the
  // driver's error when there is one, else the whole cause
  const failTyped = (cause: Cause.Cause<unknown>) =>
    Effect.fail(dialect.classify(cause._tag === "Fail" ? cause.error : cause, undefined))
  const beginDefault = dialect.begin(undefined)
  const begin = (conn: Connection, isolation: IsolationLevel | undefined) => {
    const statements = isolation === undefined ? beginDefault : dialect.begin(isolation)
    return statements.length === 1
      ? control(conn, statements[0]!)
      : Effect.forEach(statements, (sql) => control(conn, sql), { discard: true })
  }
  return { acquire, control, failTyped, begin, dialect, Transaction }
}

/** `transaction` for a layer over `driver`, whose open transaction lives under `Transaction`. */
export const makeTransaction = (driver: Driver, Transaction: TransactionTag): Runner["transaction"] => {
  const steps = stepsOf(driver, Transaction)
  const transaction: Runner["transaction"] = (effect, options = {}) => {
    const once = Effect.withFiberRuntime<any, any, any>((fiber) => {
      const before = fiber.currentContext
      const current = Context.getOption(before, Transaction)
      if (Option.isNone(current)) return outer(steps, effect, options.isolation, before)
      if (options.isolation !== undefined) {
        return Effect.fail(
          new Errors.ValidationError({
            path: "isolation",
            reason: "a nested transaction cannot set its own isolation level"
          })
        )
      }
      return nested(steps, effect, current.value[0], current.value[1] + 1, before)
    })
    const retries = options.retries ?? 0
    return retries > 0
      ? Effect.retry(once, { times: retries, while: (e) => (e as { _tag?: string })._tag === "TransactionConflict" })
      : once
  }
  return transaction
}
