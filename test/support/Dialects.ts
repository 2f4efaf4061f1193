/**
 * The conformance harness: `forEachDialect` runs the same tests against real SQLite, PostgreSQL
 * and MariaDB/MySQL. Each test file gets its own PostgreSQL schema and MySQL database, dropped and
 * created fresh, so files can run in parallel. Nothing is mocked; nothing is skipped: a database
 * that is not reachable fails the run.
 *
 * Environment: DATAFLOW_TEST_PG (default postgres://postgres@127.0.0.1:5432/test),
 * DATAFLOW_TEST_MYSQL (default mysql://root@127.0.0.1:3306), DATAFLOW_TEST_DIALECTS (e.g. "sqlite,postgres"
 * to run fewer locally; CI runs all).
 */
import { layer } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Database } from "../../src/index.js"
import { type DialectName, namespaceUrl, resetNamespace } from "./Namespaces.js"
import type { LayerOptions } from "../../src/Database.js"
import { sqlDatabase } from "./SqlDatabase.js"

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

/**
 * Runs `body` once per dialect inside `describe(<dialect>)`, with a Database for a fresh namespace
 * named after `suite` (letters, digits and underscores).
 */
export const forEachDialect = (
  suite: string,
  body: (it: Vitest.MethodsNonLive<Database.Database, true>, dialect: DialectName) => void,
  options: Omit<LayerOptions, "url"> = {}
): void => {
  for (const dialect of dialectNames) {
    layer(freshLayer(dialect, `df_${suite}`, options), { timeout: "60 seconds", excludeTestServices: true })(
      dialect,
      (it) => body(it, dialect)
    )
  }
}

/** Deletes every row of the given models' tables (creating them when missing). */
export const reset = (...models: ReadonlyArray<{ readonly info: { readonly table: string } & object }>) =>
  Effect.gen(function* () {
    const db = yield* sqlDatabase
    for (const m of models) {
      yield* db.ensureTable(m.info as never)
      yield* db.sql.unsafe(`DELETE FROM ${db.hooks.quote(m.info.table)}`)
    }
  }).pipe(Effect.orDie)
