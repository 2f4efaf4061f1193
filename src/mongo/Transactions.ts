/**
 * Transactions on MongoDB: one driver session per transaction, kept in the layer's fiber state
 * (`MongoHandle.txState`; every driver call of the fiber passes it as `{ session }`), started,
 * committed or aborted. See docs/mongodb.md "Transactions".
 *
 * - A standalone server has no transactions: `transaction` fails UnsupportedFeature (never runs
 *   the effect without atomicity).
 * - Isolation: every MongoDB transaction reads one snapshot (readConcern "snapshot", writeConcern
 *   "majority"), at least as strong as "read uncommitted", "read committed" and "repeatable read",
 *   which take it. "serializable" is UnsupportedFeature: snapshot isolation allows write skew.
 * - `TransientTransactionError` (a driver call or the commit) is TransactionConflict: the whole
 *   effect runs again in a new transaction, `retries` times at most. `UnknownTransactionCommitResult`
 *   retries the commit alone (3 more times; the driver makes it idempotent).
 * - Nested calls join the outer transaction (MongoDB has no savepoints). A nested one that fails
 *   fails its caller with its own error and dooms the outer one: if the outer effect still
 *   succeeds (it recovered from the error), the outer transaction is aborted and fails
 *   UnsupportedFeature "recovering from a failed nested transaction (MongoDB has no savepoints)";
 *   if the outer effect fails, that failure stands.
 *
 * @since 0.1.0
 */
import { Effect, FiberRef } from "effect"
import type { ClientSession, TransactionOptions as DriverTransactionOptions } from "mongodb"
import * as Errors from "../Errors.js"
import type { TransactionOptions } from "../sql/Runner.js"
import type { MongoHandle, TxState } from "./Client.js"
import { classifyMongoError, isUnknownCommitResult } from "./Errors.js"

/** How many more times a commit of unknown outcome is sent. */
export const commitRetries = 3

/** `transaction` of a MongoDB layer (the `DatabaseCore` member). */
export type MongoTransaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: TransactionOptions
) => Effect.Effect<A, E | Errors.QueryError | Errors.ValidationError | Errors.UnsupportedFeature, R>

const unsupported = (feature: string) => new Errors.UnsupportedFeature({ dialect: "mongodb", feature })

/** The refusal on a standalone server. */
export const standaloneRefusal = (what: string) =>
  unsupported(`${what} on a standalone MongoDB server (transactions need a replica set or mongos; docs/mongodb.md)`)

/** The failure of an outer transaction whose nested part failed while the outer effect went on. */
export const doomedRefusal = () =>
  unsupported("recovering from a failed nested transaction (MongoDB has no savepoints)")

/** The driver's transaction options of an isolation level, or UnsupportedFeature ("serializable"). */
export const driverOptionsOf = (
  isolation: TransactionOptions["isolation"]
): Effect.Effect<DriverTransactionOptions, Errors.UnsupportedFeature> =>
  isolation === "serializable"
    ? Effect.fail(
        unsupported("serializable isolation (MongoDB transactions are snapshot isolation, which allows write skew)")
      )
    : Effect.succeed({ readConcern: { level: "snapshot" }, writeConcern: { w: "majority" } })

const commit = (session: ClientSession): Effect.Effect<void, Errors.QueryError> => {
  const once = Effect.tryPromise({ try: () => session.commitTransaction(), catch: (e) => e })
  return once.pipe(
    Effect.retry({ times: commitRetries, while: isUnknownCommitResult }),
    Effect.mapError((e) => classifyMongoError(e, { operation: "commit" })),
    Effect.asVoid
  )
}

const start = (handle: MongoHandle, options: DriverTransactionOptions) =>
  Effect.try({
    try: (): TxState => {
      const session = handle.client.startSession()
      try {
        session.startTransaction(options)
      } catch (e) {
        void session.endSession().catch(() => undefined)
        throw e
      }
      return { session, doomed: false, committed: false }
    },
    catch: (e) => classifyMongoError(e, { operation: "transaction" })
  })

const end = (state: TxState) =>
  Effect.promise(async () => {
    if (!state.committed) await state.session.abortTransaction().catch(() => undefined)
    await state.session.endSession().catch(() => undefined)
  })

// one attempt: start, run the effect with the session, commit; abort (unless committed) and end the session always
const attempt = <A, E, R>(handle: MongoHandle, effect: Effect.Effect<A, E, R>, options: DriverTransactionOptions) =>
  Effect.acquireUseRelease(
    start(handle, options),
    (state) =>
      Effect.flatMap(Effect.locally(effect, handle.txState, state), (value) =>
        state.doomed
          ? Effect.fail<Errors.QueryError | Errors.UnsupportedFeature>(doomedRefusal())
          : Effect.as(
              Effect.tap(commit(state.session), () => Effect.sync(() => void (state.committed = true))),
              value
            )
      ),
    end
  )

// a nested call: the outer transaction's session; a failure dooms the outer transaction
const joined = <A, E, R>(effect: Effect.Effect<A, E, R>, state: TxState) =>
  Effect.onError(effect, () => Effect.sync(() => void (state.doomed = true)))

const isConflict = (e: unknown): boolean =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "TransactionConflict"

/** `transaction` over `handle` (see the module comment for the rules). */
export const makeMongoTransaction =
  (handle: MongoHandle): MongoTransaction =>
  (effect, options = {}) =>
    Effect.flatMap<TxState | undefined, never, never, any, any, any>(FiberRef.get(handle.txState), (current) => {
      if (current !== undefined) {
        return options.isolation !== undefined
          ? Effect.fail(
              new Errors.ValidationError({
                path: "isolation",
                reason: "a nested transaction cannot set its own isolation level"
              })
            )
          : joined(effect, current)
      }
      if (!handle.transactions) return Effect.fail(standaloneRefusal("transactions"))
      return Effect.flatMap(driverOptionsOf(options.isolation), (driverOptions) =>
        attempt(handle, effect, driverOptions).pipe(Effect.retry({ times: options.retries ?? 0, while: isConflict }))
      )
    })
