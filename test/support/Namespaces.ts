/**
 * Namespaces for tests that run outside vitest's workers (child processes, scripts): the same URLs
 * as Dialects.ts (`urlFor`), without importing vitest.
 */
import mysql from "mysql2/promise"
import { rmSync } from "node:fs"
import { tmpdir } from "node:os"
import pg from "pg"

export type DialectName = "sqlite" | "postgres" | "mysql"

const pgBase = process.env["DATAFLOW_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test"
const mysqlBase = process.env["DATAFLOW_TEST_MYSQL"] ?? "mysql://root@127.0.0.1:3306"

/** DATAFLOW_TEST_NS prefixes every namespace, so that two checkouts can run the suite at once. */
const prefixed = (namespace: string) => `${process.env["DATAFLOW_TEST_NS"] ?? ""}${namespace}`

/** The URL of a namespace, as Dialects.urlFor gives it. */
export const namespaceUrl = (dialect: DialectName, name: string): string => {
  const namespace = prefixed(name)
  switch (dialect) {
    case "sqlite":
      return `sqlite:${tmpdir()}/${namespace}.db`
    case "postgres":
      return `${pgBase}${pgBase.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${namespace},extensions`)}`
    case "mysql":
      return `${mysqlBase.replace(/\/+$/, "")}/${namespace}`
  }
}

/** Drops and creates a namespace; returns its URL. */
export const resetNamespace = async (dialect: DialectName, name: string): Promise<string> => {
  const namespace = prefixed(name)
  if (dialect === "sqlite") {
    const file = `${tmpdir()}/${namespace}.db`
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
  } else if (dialect === "postgres") {
    const client = new pg.Client({ connectionString: pgBase })
    await client.connect()
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`)
      await client.query(`CREATE SCHEMA "${namespace}"`)
    } finally {
      await client.end()
    }
  } else {
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
  }
  return namespaceUrl(dialect, name)
}
