/**
 * The MongoDB connection of a layer: the official driver loaded on demand (an absent package is
 * DriverNotInstalled), one `MongoClient` per layer closed with the layer's scope, `hello` to learn
 * whether transactions are possible (a replica set member or mongos), pool statistics from the
 * driver's events (src/mongo/Pool.ts), and `MongoHandle`, through which every MongoDB module of
 * the library runs its driver calls. See docs/mongodb.md.
 *
 * ```ts
 * const { handle } = yield* connectMongo(url, { poolSize: 5 })
 * yield* handle.run({ operation: "read", model: User.info }, (db, session) => db.collection("users").findOne({}, { session }))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, FiberRef, type Duration, type Scope } from "effect"
import type * as Mongo from "mongodb"
import type { ClientSession, Db, MongoClient } from "mongodb"
import { loadDriver } from "../dialects/Load.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { classifyMongoError } from "./Errors.js"
import { type PoolStats, watchPool } from "./Pool.js"
import { clientOptions, maxTimeOf, parseMongoUrl } from "./Url.js"

const dialect = "mongodb" as const

/** The transaction the current fiber is in (src/mongo/Transactions.ts): its session, and whether a nested part failed. */
export interface TxState {
  readonly session: ClientSession
  /** A nested transaction failed: the outer one cannot commit (MongoDB has no savepoints). */
  doomed: boolean
  /** The commit went through (nothing to abort). */
  committed: boolean
}

/** The driver's handle of one MongoDB layer (for the library's own MongoDB modules). */
export interface MongoHandle {
  readonly client: MongoClient
  /** The URL's database. */
  readonly db: Db
  /** The loaded `mongodb` module (ObjectId, Decimal128, Binary, Long …). */
  readonly driver: typeof Mongo
  /** The session of the transaction the current fiber is in, if any (pass it as `{ session }` to every driver call). */
  readonly session: Effect.Effect<ClientSession | undefined>
  /**
   * Runs one driver call with the current session; driver errors classified (src/mongo/Errors.ts)
   * into QueryError, `operation`/`model` naming them.
   */
  readonly run: <A>(
    context: { readonly operation: string; readonly model?: ModelInfo | string | undefined },
    f: (db: Db, session: ClientSession | undefined) => Promise<A>
  ) => Effect.Effect<A, Errors.QueryError>
  /** The server is a replica set member or mongos (transactions possible); false on a standalone server. */
  readonly transactions: boolean
  /** `statementTimeout` as the `maxTimeMS` each operation is sent with; undefined when unset. */
  readonly maxTimeMS: number | undefined
  /** The current fiber's transaction (src/mongo/Transactions.ts). */
  readonly txState: FiberRef.FiberRef<TxState | undefined>
}

/** The parts a handle is made of (a real connection's, or a test's recorder). */
export interface HandleParts {
  readonly client: MongoClient
  readonly db: Db
  readonly driver: typeof Mongo
  readonly transactions: boolean
  readonly maxTimeMS?: number | undefined
}

/** A handle over `parts`, with a transaction state of its own (another layer's transaction is never joined). */
export const makeHandle = (parts: HandleParts): MongoHandle => {
  const txState = FiberRef.unsafeMake<TxState | undefined>(undefined)
  const session = Effect.map(FiberRef.get(txState), (s) => s?.session)
  return {
    ...parts,
    maxTimeMS: parts.maxTimeMS,
    txState,
    session,
    run: (context, f) =>
      Effect.flatMap(session, (s) =>
        Effect.tryPromise({
          try: () => f(parts.db, s),
          catch: (e) =>
            classifyMongoError(e, {
              operation: context.operation,
              model: typeof context.model === "string" ? undefined : context.model
            })
        })
      )
  }
}

/** A replica set member (`setName`) or a mongos (`msg: "isdbgrid"`): transactions are possible. */
export const canTransact = (hello: Record<string, unknown>): boolean =>
  typeof hello["setName"] === "string" || hello["msg"] === "isdbgrid"

/** The options `connectMongo` reads (those of `LayerOptions`). */
export interface MongoConnectOptions {
  readonly poolSize?: number | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
  readonly statementTimeout?: Duration.DurationInput | undefined
}

const check = <A>(f: () => A) =>
  Effect.try({
    try: f,
    // the checks throw only ValidationError; anything else could quote the URL: not let through
    catch: (e) =>
      e instanceof Errors.ValidationError ? e : new Errors.ValidationError({ path: "url", reason: "not a valid URL" })
  })

/**
 * Connects a layer: checks the URL and options, loads the driver, connects (closed when the scope
 * closes), asks `hello`. Fails ValidationError (URL or option), DriverNotInstalled, or the
 * classified connection failure.
 */
export const connectMongo = (
  url: string,
  options: MongoConnectOptions
): Effect.Effect<
  { readonly handle: MongoHandle; readonly poolStats: () => PoolStats },
  Errors.QueryError | Errors.DriverNotInstalled,
  Scope.Scope
> =>
  Effect.gen(function* () {
    const parsed = yield* check(() => parseMongoUrl(url))
    const clientOpts = yield* check(() => clientOptions(options))
    const maxTimeMS = yield* check(() => maxTimeOf(options.statementTimeout))
    const driver = yield* loadDriver(dialect, ["mongodb"], () => import("mongodb"))
    // the driver parses the URL's options (TLS, replicaSet, …); its message may quote the URL: not kept
    const client = yield* Effect.try({
      try: () => new driver.MongoClient(url, clientOpts),
      catch: () => new Errors.ValidationError({ path: "url", reason: "the driver refused the URL's options" })
    })
    const poolStats = watchPool(client as unknown as Parameters<typeof watchPool>[0])
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => client.connect(),
        catch: (e) => classifyMongoError(e, { operation: "connect" })
      }),
      () => Effect.promise(() => client.close().catch(() => undefined))
    )
    const db = client.db(parsed.database)
    const hello = yield* Effect.tryPromise({
      try: () => db.admin().command({ hello: 1 }),
      catch: (e) => classifyMongoError(e, { operation: "connect" })
    })
    const handle = makeHandle({ client, db, driver, transactions: canTransact(hello), maxTimeMS })
    return { handle, poolStats }
  })

/** One round trip (`ping`), timed. */
export const pingOf = (handle: MongoHandle): Effect.Effect<{ readonly latencyMs: number }, Errors.QueryError> =>
  Effect.suspend(() => {
    const start = Date.now()
    return Effect.as(
      handle.run({ operation: "health" }, (db) => db.command({ ping: 1 })),
      undefined
    ).pipe(Effect.map(() => ({ latencyMs: Date.now() - start })))
  })
