/**
 * Statements of one Database layer: straight to the driver (prepared, cached by SQL text), on the
 * layer's open transaction's connection when there is one, SQLite synchronously; errors classified,
 * rows decoded (a row that does not fit its fields fails InvalidRow).
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { Context, Effect, Exit, Option } from "effect"
import * as Errors from "./Errors.js"
import { decodeRow, decodeValues } from "./sql/Codec.js"
import type { Compiled } from "./sql/Compiler.js"
import type { ErrorContext } from "./sql/Dialect.js"
import { busy, type Driver } from "./sql/Driver.js"
import type { Runner } from "./sql/Runner.js"
import type { TransactionTag } from "./Transactions.js"
import type { Statements } from "./sql/backend/Deps.js"

export type { Statements } from "./sql/backend/Deps.js"

/** What the executor provides to the service. */
export type Executor = Statements &
  Pick<Runner, "query" | "write"> & {
    /** `effect` with its statements on `conn` at savepoint depth `depth` (no BEGIN is sent). */
    readonly inTransaction: <A, E, R>(
      effect: Effect.Effect<A, E, R>,
      conn: Connection,
      depth: number
    ) => Effect.Effect<A, E, R>
  }

/** Queries run side by side from one async step, each on its own pooled connection (no fiber forked). */
const sideBySide = (
  driver: Driver,
  statements: ReadonlyArray<Compiled>,
  context: ErrorContext | undefined
): Effect.Effect<ReadonlyArray<ReadonlyArray<Record<string, unknown>>>, Errors.QueryError> =>
  Effect.async<ReadonlyArray<ReadonlyArray<Record<string, unknown>>>, Errors.QueryError>((resume) => {
    const out = new Array<ReadonlyArray<Record<string, unknown>>>(statements.length)
    let pending = statements.length
    let failed = false
    statements.forEach((statement, i) => {
      Effect.runCallback(driver.execute(statement.sql, statement.params, false), {
        onExit: (exit) => {
          if (failed) return
          if (Exit.isFailure(exit)) {
            failed = true
            const cause = exit.cause
            return resume(
              cause._tag === "Fail"
                ? Effect.fail(driver.dialect.classify(cause.error, context))
                : Effect.failCause(cause as never)
            )
          }
          out[i] = exit.value as ReadonlyArray<Record<string, unknown>>
          if (--pending === 0) resume(Effect.succeed(out))
        }
      })
    })
  })

/** SQLite: the row as an array of values, decoded straight into the record; elsewhere the first row decoded. */
const makeQueryOne = (driver: Driver, Transaction: TransactionTag, query: Runner["query"]): Statements["queryOne"] => {
  const { dialect, firstRowSync } = driver
  return (statement, fields, context) =>
    Effect.withFiberRuntime((fiber) => {
      if (firstRowSync !== undefined) {
        try {
          const inTransaction = Context.getOption(fiber.currentContext, Transaction)._tag === "Some"
          const values = firstRowSync(statement.sql, statement.params, inTransaction)
          if (values !== busy)
            return Effect.succeed(
              values === undefined ? undefined : decodeValues(dialect.codec, fields, values, context)
            )
        } catch (cause) {
          return Effect.fail(cause instanceof Errors.InvalidRow ? cause : dialect.classify(cause, context))
        }
      }
      return Effect.flatMap(query(statement, context), (rows) => {
        if (rows.length === 0) return Effect.succeed(undefined)
        try {
          return Effect.succeed(decodeRow(dialect.codec, fields, rows[0]!, context))
        } catch (e) {
          if (e instanceof Errors.InvalidRow) return Effect.fail(e)
          throw e
        }
      })
    })
}

/** The statement runners of a layer over `driver`, whose open transaction lives under `Transaction`. */
export const makeExecutor = (driver: Driver, Transaction: TransactionTag): Executor => {
  const { dialect } = driver
  const classify = (context: ErrorContext | undefined) => (e: unknown) => dialect.classify(e, context)
  // the hot path goes straight to the driver (prepared, cached by SQL text); inside one of our
  // transactions it runs on that transaction's connection
  const { execute, executeOn, executeOnSync, executeSync } = driver
  // one fiber-runtime step: read our transaction from the fiber's context, then run; SQLite
  // outside a transaction runs synchronously right here
  const run = (statement: Compiled, raw: boolean, context: ErrorContext | undefined) =>
    Effect.withFiberRuntime<unknown, Errors.QueryError>((fiber) => {
      const tx = Context.getOption(fiber.currentContext, Transaction)
      if (Option.isSome(tx)) {
        if (executeOnSync !== undefined) {
          try {
            return Effect.succeed(executeOnSync(tx.value[0], statement.sql, statement.params, raw))
          } catch (cause) {
            return Effect.fail(dialect.classify(cause, context))
          }
        }
        return Effect.mapError(executeOn(tx.value[0])(statement.sql, statement.params, raw), classify(context))
      }
      if (executeSync !== undefined) {
        try {
          const result = executeSync(statement.sql, statement.params, raw)
          if (result !== busy) return Effect.succeed(result)
        } catch (cause) {
          return Effect.fail(dialect.classify(cause, context))
        }
      }
      return Effect.mapError(execute(statement.sql, statement.params, raw), classify(context))
    })

  const query: Runner["query"] = (statement, context) =>
    run(statement, false, context) as Effect.Effect<ReadonlyArray<Record<string, unknown>>, Errors.QueryError>
  // forking fibers to wait on two statements cost more than the second statement here (Effect.all
  // with concurrency: 2 measured ~1.6x Promise.all on MariaDB); the driver calls run side by side
  // from one async step instead
  const queryAll: Executor["queryAll"] = (statements, context) =>
    Effect.withFiberRuntime((fiber) => {
      const sequential = Effect.forEach(statements, (statement) => query(statement, context))
      const inTransaction = Option.isSome(Context.getOption(fiber.currentContext, Transaction))
      if (executeSync !== undefined && !inTransaction) {
        // SQLite: all of them in this one step, nothing of ours in between (or, when a
        // transaction holds the connection, one after the other once it is free)
        try {
          const out: Array<ReadonlyArray<Record<string, unknown>>> = []
          for (const statement of statements) {
            const rows = executeSync(statement.sql, statement.params, false)
            if (rows === busy) return sequential
            out.push(rows as ReadonlyArray<Record<string, unknown>>)
          }
          return Effect.succeed(out)
        } catch (cause) {
          return Effect.fail(dialect.classify(cause, context))
        }
      }
      if (statements.length < 2 || dialect.oneConnection || inTransaction) return sequential
      return sideBySide(driver, statements, context)
    })
  const queryOne = makeQueryOne(driver, Transaction, query)
  const write: Runner["write"] = (statement, context) => Effect.map(run(statement, true, context), dialect.readResult)
  // one context step: our tag, and @effect/sql's so that the escape hatch (db.sql) joins the transaction too
  const inTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>, conn: Connection, depth: number) => {
    const value = [conn, depth] as const
    return Effect.mapInputContext(effect as Effect.Effect<A, E, never>, (context: Context.Context<never>) =>
      Context.add(Context.add(context, Transaction, value), SqlClient.TransactionConnection, value)
    ) as Effect.Effect<A, E, R>
  }
  const copyIn: Executor["copyIn"] =
    driver.copyIn === undefined
      ? undefined
      : (sql, data, context) =>
          Effect.withFiberRuntime<number, Errors.QueryError>((fiber) => {
            const tx = Context.getOption(fiber.currentContext, Transaction)
            return Effect.mapError(
              driver.copyIn!(Option.isSome(tx) ? tx.value[0] : undefined)(sql, data),
              classify(context)
            )
          })
  return { query, queryAll, queryOne, write, inTransaction, ...(copyIn !== undefined ? { copyIn } : {}) }
}
