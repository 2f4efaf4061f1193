/**
 * The conformance harness: `forEachDialect` runs the same tests against real SQLite, PostgreSQL
 * and MariaDB/MySQL. Each test file gets its own PostgreSQL schema and MySQL database, dropped and
 * created fresh, so files can run in parallel. Nothing is mocked; nothing is skipped: a database
 * that is not reachable fails the run.
 *
 * Environment: DATAFLOW_TEST_PG (default postgres://postgres@127.0.0.1:5432/test),
 * DATAFLOW_TEST_MYSQL (default mysql://root@127.0.0.1:3306), DATAFLOW_TEST_DIALECTS (e.g. "sqlite,postgres"
 * to run fewer locally; CI runs all).
 *
 * MongoDB: a file whose tests use no SQL opts in with `forEachDialect(suite, body, { mongo: true })`;
 * (or calls `forEachDatabase`); it then also runs on MongoDB when DATAFLOW_TEST_MONGO is set (test/support/Mongo.ts; a fresh
 * database per suite), and is skipped there, loudly (GlobalSetup's line), when it is not.
 */
import { layer } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { Database } from "../../src/index.js"
import { type DialectName, namespaceUrl, resetNamespace } from "./Namespaces.js"
import type { LayerOptions } from "../../src/Database.js"
import type { MongoDatabaseService } from "../../src/mongo/Service.js"
import { freshMongoUrl, mongoUrl } from "./Mongo.js"

export type { DialectName } from "./Namespaces.js"

/** The dialects this run covers. */
export const dialectNames: ReadonlyArray<DialectName> = (
  process.env["DATAFLOW_TEST_DIALECTS"] ?? "sqlite,postgres,mysql"
)
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is DialectName => s === "sqlite" || s === "postgres" || s === "mysql")

if (process.env["CI"] && dialectNames.length < 3) {
  throw new Error("CI must run every dialect: unset DATAFLOW_TEST_DIALECTS")
}

/** The URL of a namespace (without resetting it); SQLite namespaces are files under the OS temp dir. */
export const urlFor: (dialect: DialectName, namespace: string) => string = namespaceUrl

/** Creates an empty namespace for a test file and returns its URL. */
export const freshUrl: (dialect: DialectName, namespace: string) => Promise<string> = resetNamespace

/** A Database layer over a fresh namespace. */
export const freshLayer = (dialect: DialectName, namespace: string, options: Omit<LayerOptions, "url"> = {}) =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.promise(() => freshUrl(dialect, namespace)),
      (url) => Database.layer({ ...options, url })
    )
  )

/** A Database layer over a fresh MongoDB database (DATAFLOW_TEST_MONGO must be set). */
export const freshMongoLayer = (namespace: string, options: Omit<LayerOptions, "url"> = {}) =>
  Layer.scoped(
    Database.Database,
    Effect.flatMap(
      Effect.promise(() => freshMongoUrl(namespace)),
      (url) => Layer.build(Database.layer({ ...options, url })).pipe(Effect.map(Context.get(Database.Database)))
    )
  )

/** The options of `forEachDialect`: the layer's, and `mongo: true` to run on MongoDB too. */
export type ForEachOptions = Omit<LayerOptions, "url"> & { readonly mongo?: boolean }

/**
 * Runs `body` once per dialect inside `describe(<dialect>)`, with a Database for a fresh namespace
 * named after `suite` (letters, digits and underscores); with `mongo: true` also on MongoDB when
 * DATAFLOW_TEST_MONGO is set.
 */
export function forEachDialect(
  suite: string,
  body: (it: Vitest.MethodsNonLive<Database.Database, true>, dialect: DialectName) => void,
  options?: Omit<LayerOptions, "url">
): void
export function forEachDialect(
  suite: string,
  body: (it: Vitest.MethodsNonLive<Database.Database, true>, dialect: DialectName | "mongodb") => void,
  options: ForEachOptions & { readonly mongo: true }
): void
export function forEachDialect(
  suite: string,
  // (each overload's body takes its own dialects: called with the ones it takes)
  body: (it: Vitest.MethodsNonLive<Database.Database, true>, dialect: never) => void,
  options: ForEachOptions = {}
): void {
  const { mongo, ...layerOptions } = options
  for (const dialect of dialectNames) {
    layer(freshLayer(dialect, `df_${suite}`, layerOptions), { timeout: "60 seconds", excludeTestServices: true })(
      dialect,
      (it) => body(it, dialect as never)
    )
  }
  if (mongo === true && mongoUrl !== undefined) {
    layer(freshMongoLayer(`df_${suite}`, layerOptions), { timeout: "60 seconds", excludeTestServices: true })(
      "mongodb",
      (it) => body(it, "mongodb" as never)
    )
  }
}

/**
 * `forEachDialect` for a file whose tests use no SQL: also runs on MongoDB when DATAFLOW_TEST_MONGO
 * is set (a fresh database per suite).
 */
export const forEachDatabase = (
  suite: string,
  body: (it: Vitest.MethodsNonLive<Database.Database, true>, dialect: DialectName | "mongodb") => void,
  options: Omit<LayerOptions, "url"> = {}
): void => forEachDialect(suite, body, { ...options, mongo: true })

/** Deletes every row of the given models' tables (creating them when missing). */
export const reset = (...models: ReadonlyArray<{ readonly info: { readonly table: string } & object }>) =>
  Effect.gen(function* () {
    const db = yield* Database.Database
    for (const m of models) {
      yield* db.ensureTable(m.info as never)
      if (db.dialect === "mongodb") {
        const table = m.info.table
        yield* (db as MongoDatabaseService).mongo.run({ operation: "reset" }, (mdb) =>
          mdb.collection(table).deleteMany({})
        )
      } else yield* db.sql.unsafe(`DELETE FROM ${db.hooks.quote(m.info.table)}`)
    }
  }).pipe(Effect.orDie)
