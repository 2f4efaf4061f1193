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
import mysql from "mysql2/promise"
import { rmSync } from "node:fs"
import { tmpdir } from "node:os"
import pg from "pg"
import { Database } from "../../src/index.js"
import type { LayerOptions } from "../../src/Database.js"

export type DialectName = "sqlite" | "postgres" | "mysql"

const pgBase = process.env["DATAFLOW_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test"
const mysqlBase = process.env["DATAFLOW_TEST_MYSQL"] ?? "mysql://root@127.0.0.1:3306"

/** The dialects this run covers. */
export const dialectNames: ReadonlyArray<DialectName> = (process.env["DATAFLOW_TEST_DIALECTS"] ?? "sqlite,postgres,mysql")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is DialectName => s === "sqlite" || s === "postgres" || s === "mysql")

if (process.env["CI"] && dialectNames.length < 3) {
  throw new Error("CI must run every dialect: unset DATAFLOW_TEST_DIALECTS")
}

/** The URL of a namespace (without resetting it); SQLite namespaces are files under the OS temp dir. */
export const urlFor = (dialect: DialectName, namespace: string): string => {
  switch (dialect) {
    case "sqlite":
      return `sqlite:${tmpdir()}/${namespace}.db`
    case "postgres":
      return `${pgBase}${pgBase.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${namespace}`)}`
    case "mysql":
      return `${mysqlBase.replace(/\/+$/, "")}/${namespace}`
  }
}

/** Creates an empty namespace for a test file and returns its URL. */
export const freshUrl = async (dialect: DialectName, namespace: string): Promise<string> => {
  switch (dialect) {
    case "sqlite": {
      const file = `${tmpdir()}/${namespace}.db`
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
      return urlFor(dialect, namespace)
    }
    case "postgres": {
      const client = new pg.Client({ connectionString: pgBase })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`)
        await client.query(`CREATE SCHEMA "${namespace}"`)
      } finally {
        await client.end()
      }
      return urlFor(dialect, namespace)
    }
    case "mysql": {
      const u = new URL(mysqlBase)
      const conn = await mysql.createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username || "root"),
        password: decodeURIComponent(u.password)
      })
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${namespace}\``)
        await conn.query(`CREATE DATABASE \`${namespace}\``)
      } finally {
        await conn.end()
      }
      return urlFor(dialect, namespace)
    }
  }
}

/** A Database layer over a fresh namespace. */
export const freshLayer = (dialect: DialectName, namespace: string, options: Omit<LayerOptions, "url"> = {}) =>
  Layer.unwrapEffect(
    Effect.map(Effect.promise(() => freshUrl(dialect, namespace)), (url) => Database.layer({ ...options, url }))
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
  Effect.gen(function*() {
    const db = yield* Database.Database
    for (const m of models) {
      yield* db.ensureTable(m.info as never)
      yield* db.sql.unsafe(`DELETE FROM ${db.hooks.quote(m.info.table)}`)
    }
  }).pipe(Effect.orDie)
