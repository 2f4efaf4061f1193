/**
 * The `Database` service: one connected SQL database, its dialect hooks, lazy table creation,
 * typed transactions with savepoints, health and pool statistics.
 *
 * ```ts
 * program.pipe(Effect.provide(Database.layer({ url: "postgresql://127.0.0.1:5432/test", models: [User] })))
 * program.pipe(Effect.provide(Database.layerFromEnv()))   // DATABASE_URL; unset => sqlite:./dataflow.db
 * ```
 *
 * @since 0.1.0
 */
import type { Connection } from "@effect/sql/SqlConnection"
import { Config, type ConfigError, Context, Duration, Effect, Layer, Redacted, type Scope } from "effect"
import { type DialectEntry, dialectOf, mongoSchemes } from "./dialects/Registry.js"
import * as Errors from "./Errors.js"
import type { ModelInfo } from "./model/Model.js"
import * as Migrations from "./internal/Migrations.js"
import type { DialectName } from "./sql/Dialect.js"
import type { ModelLike, Runner, TransactionOptions } from "./sql/Runner.js"
import type { Driver, DriverOptions, JournalMode } from "./sql/Driver.js"
import { makeSideEnsureTable } from "./SideDatabase.js"
import { makeSqlBackend } from "./sql/backend/SqlBackend.js"
import { makeExecutor } from "./Executor.js"
import { makeTransaction } from "./Transactions.js"
import { makeReadiness } from "./AutoMigrate.js"
import type { LayerOptions } from "./LayerOptions.js"
import { makeMongoService } from "./mongo/Service.js"
import { schemeOf, type UrlSettings } from "./Url.js"
import type { DatabaseService, SqlDatabaseService } from "./DatabaseService.js"
import { makeSqlCollections } from "./documents/SqlCollection.js"

export type { JournalMode } from "./sql/Driver.js"

export type { ModelLike, TransactionOptions } from "./sql/Runner.js"

export type { EnsureError } from "./AutoMigrate.js"
export type {
  DatabaseCore,
  DatabaseName,
  DatabaseService,
  MongoDatabaseService,
  SqlDatabaseService
} from "./DatabaseService.js"

/** The Database service tag. */
export class Database extends Context.Tag("effect-dataflow/Database")<Database, DatabaseService>() {}

export type { LayerOptions } from "./LayerOptions.js"

// the layer's options, `connectTimeout` from the URL when it gives one (not both: which would win is a guess)
const driverOptions = (
  options: LayerOptions,
  fromUrl: UrlSettings
): Effect.Effect<DriverOptions, Errors.ValidationError> =>
  fromUrl.connectTimeoutMs !== undefined && options.connectTimeout !== undefined
    ? Effect.fail(
        new Errors.ValidationError({
          path: "url.connectTimeout",
          reason: "given both in the URL and as the connectTimeout option: give it once"
        })
      )
    : Effect.succeed({
        poolSize: options.poolSize ?? 10,
        connectTimeout:
          fromUrl.connectTimeoutMs !== undefined
            ? Duration.millis(fromUrl.connectTimeoutMs)
            : Duration.decode(options.connectTimeout ?? "10 seconds"),
        idleTimeout: Duration.decode(options.idleTimeout ?? "60 seconds"),
        ...(options.sqlite?.journalMode !== undefined ? { journalMode: options.sqlite.journalMode } : {}),
        statementTimeout: options.statementTimeout === undefined ? undefined : Duration.decode(options.statementTimeout)
      })

// the URL's dialect (src/dialects/Registry.ts), the URL checked by its parser, and what it sets
const entryOf = (
  url: string
): Effect.Effect<readonly [DialectEntry, UrlSettings], Errors.ValidationError | Errors.UnsupportedFeature> =>
  Effect.try({
    try: () => {
      const entry = dialectOf(url)
      return "planned" in entry ? entry : ([entry, entry.parseUrl(url)] as const)
    },
    // the parsers throw only ValidationError; anything else is not let through (it could quote the URL)
    catch: (e) =>
      e instanceof Errors.ValidationError ? e : new Errors.ValidationError({ path: "url", reason: "not a valid URL" })
  }).pipe(
    Effect.flatMap((parsed) =>
      "planned" in parsed ? Effect.fail(new Errors.UnsupportedFeature(parsed.planned)) : Effect.succeed(parsed)
    )
  )

const connect = (
  url: string,
  options: LayerOptions
): Effect.Effect<Driver & { readonly entry: DialectEntry }, Errors.LayerError, Scope.Scope> =>
  Effect.flatMap(entryOf(url), ([entry, fromUrl]) =>
    Effect.flatMap(driverOptions(options, fromUrl), (driverOpts) =>
      Effect.map(entry.connect(url, driverOpts), (driver) => ({ ...driver, entry }))
    )
  ).pipe(Effect.catchAllDefect((d) => (d instanceof Errors.ValidationError ? Effect.fail(d) : Effect.die(d))))

let layerCount = 0

// options of later issues are refused until they exist rather than ignored
const refuseUnbuilt = (options: LayerOptions): Effect.Effect<void, Errors.UnsupportedFeature> =>
  options.cache !== undefined
    ? new Errors.UnsupportedFeature({ dialect: "any", feature: "the cache option (not built yet)" })
    : options.replicas !== undefined
      ? new Errors.UnsupportedFeature({ dialect: "any", feature: "the replicas option (not built yet)" })
      : Effect.void

// one round trip, timed
const healthOf = (query: Runner["query"], dialect: DialectName) =>
  Effect.gen(function* () {
    const start = Date.now()
    yield* query({ sql: "SELECT 1 AS ok", params: [] })
    return { dialect, latencyMs: Date.now() - start }
  })

const makeSql = (options: LayerOptions): Effect.Effect<SqlDatabaseService, Errors.LayerError, Scope.Scope> =>
  Effect.gen(function* () {
    yield* refuseUnbuilt(options)
    const url = Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url
    const driver = yield* connect(url, options)
    const { client, dialect, entry } = driver
    const { lock, introspector } = entry

    // This layer's own transaction tag: another Database's open transaction (which @effect/sql
    // announces through its one global TransactionConnection tag) must never capture our statements.
    const Transaction = Context.GenericTag<"effect-dataflow/Transaction", readonly [Connection, number]>(
      `effect-dataflow/Transaction/${++layerCount}`
    )
    const { copyIn, inTransaction, query, queryAll, queryOne, write } = makeExecutor(driver, Transaction)

    // the service as migrations see it (read lazily: `transaction` and `models` are defined below)
    const migrationDb = () => ({
      dialect: dialect.name,
      hooks: dialect,
      query,
      write,
      transaction,
      sql: client,
      models,
      lock,
      introspector,
      // MySQL's lock holds a reserved connection: the migration's statements run on it (a pool of one must not deadlock)
      onConnection: <A, E, R>(conn: Connection, effect: Effect.Effect<A, E, R>) => inTransaction(effect, conn, 0)
    })
    // autoMigrate: create the table or add what the model gained, under the migration lock, with a ledger entry
    const { detached, ensureTable, isReady, start } = makeReadiness({
      autoMigrate: options.autoMigrate !== false,
      dialect,
      client,
      Transaction,
      create: (...infos) =>
        Effect.asVoid(
          Migrations.migrate(migrationDb(), { models: infos.map((info) => ({ info })), additiveOnly: true })
        ),
      check: (info) => Migrations.checkValues(migrationDb(), info),
      // tables a transaction needs are created on a connection of their own (src/SideDatabase.ts)
      aside: makeSideEnsureTable(dialect.name, makeSql({ ...options, poolSize: 1, models: [] }), yield* Effect.scope)
    })
    // SQLite's one connection may be held by the caller's transaction: migrate inside it (a savepoint)
    const outside = <A, E, R>(effect: Effect.Effect<A, E, R>) => (dialect.oneConnection ? effect : detached(effect))

    const transaction = makeTransaction(driver, Transaction)

    const models = new Map<string, ModelLike>((options.models ?? []).map((m) => [m.info.name, m]))
    yield* start([...models.values()])

    const insertReturning = dialect.returning || driver.insertReturning === true
    const backend = makeSqlBackend({
      hooks: dialect,
      query,
      queryAll,
      queryOne,
      write,
      copyIn,
      transaction,
      insertReturning
    })
    return {
      dialect: dialect.name,
      hooks: dialect,
      sql: client,
      models,
      lock,
      introspector,
      insertReturning,
      query,
      queryAll,
      queryOne,
      write,
      ...(copyIn !== undefined ? { copyIn } : {}),
      ensureTable,
      isReady,
      transaction,
      health: healthOf(query, dialect.name),
      poolStats: driver.poolStats,
      tracing: options.tracing ?? "auto",
      migrate: (migrateOptions) => outside(Migrations.migrate(migrationDb(), migrateOptions)),
      rollback: (rollbackOptions) => outside(Migrations.rollback(migrationDb(), rollbackOptions)),
      migrations: outside(Migrations.status(migrationDb())),
      resolve: (id, resolveOptions) => outside(Migrations.resolve(migrationDb(), id, resolveOptions)),
      discover: () => outside(Migrations.discover(migrationDb())),
      backend,
      collection: makeSqlCollections({ hooks: dialect, query, write, transaction })
    } satisfies SqlDatabaseService
  })

// the URL's family: MongoDB (src/mongo/Service.ts; its driver loads only then) or one of the SQL
// dialects; options of later issues are refused first, for both
const make = (options: LayerOptions): Effect.Effect<DatabaseService, Errors.LayerError, Scope.Scope> => {
  const scheme = schemeOf(Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url)
  const family: Effect.Effect<DatabaseService, Errors.LayerError, Scope.Scope> =
    scheme !== undefined && mongoSchemes.includes(scheme) ? makeMongoService(options.url, options) : makeSql(options)
  return Effect.zipRight(refuseUnbuilt(options), family)
}

/** A Database layer for one URL. */
export const layer = (options: LayerOptions): Layer.Layer<Database, Errors.LayerError> =>
  Layer.scoped(Database, make(options))

/**
 * A Database layer from `DATABASE_URL` (read as a Redacted secret); unset means `sqlite:./dataflow.db`.
 */
export const layerFromEnv = (
  options: Omit<LayerOptions, "url"> = {}
): Layer.Layer<Database, Errors.LayerError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(Config.redacted("DATABASE_URL").pipe(Config.withDefault(Redacted.make("sqlite:./dataflow.db"))), (url) =>
      layer({ ...options, url })
    )
  )

/**
 * Runs `effect` in one transaction of the current Database. Nested calls become savepoints;
 * a failure rolls back exactly its own scope; the effect's typed errors come out unchanged. On MongoDB
 * (sessions; no savepoints) see docs/mongodb.md; a standalone MongoDB server fails UnsupportedFeature.
 *
 * ```ts
 * Database.transaction(Effect.gen(function* () { ... }), { isolation: "serializable", retries: 3 })
 * ```
 */
export const transaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: TransactionOptions
): Effect.Effect<A, E | Errors.QueryError | Errors.ValidationError | Errors.UnsupportedFeature, R | Database> =>
  Effect.flatMap(Database, (db) => db.transaction(effect, options))

/**
 * A document collection of the current Database (docs/documents.md): its name is letters, digits
 * and `_` (else ValidationError at path "collection").
 *
 * ```ts
 * const orders = yield* Database.collection("orders")
 * ```
 */
export const collection = (name: string) => Effect.flatMap(Database, (db) => db.collection(name))

/** Health check of the current Database. */
export const health = Effect.flatMap(Database, (db) => db.health)

/**
 * Migrates the current Database to its models (or `options.models`): see docs/migrations.md.
 *
 * ```ts
 * const { plan } = yield* Database.migrate({ dryRun: true })
 * yield* Database.migrate({ allowDestructive: true })
 * ```
 */
export const migrate = (
  options?: Migrations.MigrateOptions
): Effect.Effect<Migrations.MigrationResult, Migrations.MigrateError, Database> =>
  Effect.flatMap(Database, (db) => db.migrate(options))

/** Undoes the newest `steps` migrations of the current Database. */
export const rollback = (
  options?: Migrations.RollbackOptions
): Effect.Effect<Migrations.RollbackResult, Migrations.MigrateError, Database> =>
  Effect.flatMap(Database, (db) => db.rollback(options))

/**
 * Introspects the current Database into model descriptions (`Migrations.renderModels` prints them as TypeScript).
 *
 * ```ts
 * const models = yield* Database.discover()
 * ```
 */
export const discover = (): Effect.Effect<ReadonlyArray<Migrations.ModelDescription>, Errors.QueryError, Database> =>
  Effect.flatMap(Database, (db) => db.discover())
