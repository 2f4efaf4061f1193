/**
 * The `Database` service on MongoDB (`mongodb://` and `mongodb+srv://` URLs): the connection
 * (src/mongo/Client.ts), the backend the operations run on (Backend.ts), transactions
 * (Transactions.ts), collections made ready on first use or at start (A3's src/mongo/Migrate.ts
 * `ensureCollection`: collection, validator, indexes under the migration lock), migrations,
 * discovery and the document API (src/mongo/Collection.ts). See docs/mongodb.md.
 *
 * ```ts
 * const db = yield* makeMongoService("mongodb://127.0.0.1:27017/app?replicaSet=rs0", { url, models: [User] })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Redacted, type Scope } from "effect"
import type { LayerOptions } from "../LayerOptions.js"
import type { MongoDatabaseService as ServiceShape } from "../DatabaseService.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { ModelLike } from "../sql/Runner.js"
import { makeMongoBackend } from "./Backend.js"
import { connectMongo, type MongoHandle, pingOf } from "./Client.js"
import { makeMongoCollections } from "./Collection.js"
import { discover } from "./Discover.js"
import { ensureCollection, migrate, migrations, resolve, rollback } from "./Migrate.js"
import { makeMongoTransaction } from "./Transactions.js"

/** A Database on MongoDB, with the driver's handle typed. */
export type MongoDatabaseService = Omit<ServiceShape, "mongo"> & {
  readonly dialect: "mongodb"
  readonly mongo: MongoHandle
}

/**
 * `ensureTable`/`isReady` of a layer: each model's collection made ready once (a failure is not
 * remembered: the next use tries again), outside the caller's transaction (createIndexes and
 * collMod are not allowed in one, and a rollback must not undo what we remember as done).
 */
const makeReadiness = (handle: MongoHandle, autoMigrate: boolean) => {
  const ready = new WeakSet<ModelInfo>()
  const pending = new WeakMap<
    ModelInfo,
    Effect.Effect<void, ServiceShape["ensureTable"] extends (m: ModelInfo) => Effect.Effect<void, infer E> ? E : never>
  >()
  const isReady = (model: ModelInfo) => !autoMigrate || ready.has(model)
  const ensureTable: ServiceShape["ensureTable"] = (model) => {
    if (isReady(model)) return Effect.void
    let once = pending.get(model)
    if (once === undefined) {
      const create = Effect.locally(ensureCollection(handle, model), handle.txState, undefined).pipe(
        Effect.tap(() => Effect.sync(() => ready.add(model))),
        Effect.tapError(() => Effect.sync(() => pending.delete(model)))
      )
      once = Effect.runSync(Effect.cached(create))
      pending.set(model, once)
    }
    return once
  }
  return { isReady, ensureTable }
}

/** Connects and builds the service of a MongoDB layer (`Database.make` for a `mongodb:` URL). */
export const makeMongoService = (
  url: string | Redacted.Redacted<string>,
  options: LayerOptions
): Effect.Effect<MongoDatabaseService, Errors.LayerError, Scope.Scope> =>
  Effect.gen(function* () {
    const plain = Redacted.isRedacted(url) ? Redacted.value(url) : url
    const { handle, poolStats } = yield* connectMongo(plain, options)
    const models = new Map<string, ModelLike>((options.models ?? []).map((m) => [m.info.name, m]))
    const infos = () => [...models.values()].map((m) => m.info)
    const { ensureTable, isReady } = makeReadiness(handle, options.autoMigrate !== false)
    const transaction = makeMongoTransaction(handle)
    for (const m of models.values()) yield* ensureTable(m.info)
    return {
      dialect: "mongodb",
      mongo: handle,
      models,
      backend: makeMongoBackend(handle, transaction),
      isReady,
      ensureTable,
      transaction,
      health: Effect.map(pingOf(handle), ({ latencyMs }) => ({ dialect: "mongodb" as const, latencyMs })),
      poolStats,
      tracing: options.tracing ?? "auto",
      migrate: (migrateOptions) => migrate(handle, infos(), migrateOptions),
      rollback: (rollbackOptions) => rollback(handle, rollbackOptions),
      resolve: (id, resolveOptions) => resolve(handle, id, resolveOptions),
      migrations: migrations(handle),
      discover: () => discover(handle),
      collection: makeMongoCollections(handle, (name) => [...models.values()].some((m) => m.info.table === name))
    } satisfies MongoDatabaseService
  })
