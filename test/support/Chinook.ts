/**
 * The Chinook sample database (test/fixtures/chinook, published by lerocha/chinook-database) loaded
 * into a fresh namespace with the raw drivers — a schema nobody here wrote, for tests on existing
 * databases. PostgreSQL: a schema; MariaDB/MySQL: a database; SQLite: a file under the OS temp dir.
 */
import Sqlite from "better-sqlite3"
import mysql from "mysql2/promise"
import { readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { type DialectName, namespaceUrl } from "./Namespaces.js"

const pgBase = process.env["DATAFLOW_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test"
const mysqlBase = process.env["DATAFLOW_TEST_MYSQL"] ?? "mysql://root@127.0.0.1:3306"

const scripts: Record<DialectName, string> = {
  postgres: "Chinook_PostgreSql.sql",
  mysql: "Chinook_MySql.sql",
  sqlite: "Chinook_Sqlite.sql"
}

/** The published script of a dialect (as kept under test/fixtures/chinook). */
export const chinookScript = (dialect: DialectName): string =>
  readFileSync(join("test", "fixtures", "chinook", scripts[dialect]), "utf8")

/** Chinook's 11 tables, as each script names them. */
export const chinookTables = (dialect: DialectName): ReadonlyArray<string> =>
  [
    "album",
    "artist",
    "customer",
    "employee",
    "genre",
    "invoice",
    "invoice_line",
    "media_type",
    "playlist",
    "playlist_track",
    "track"
  ].map((t) =>
    dialect === "postgres"
      ? t
      : t
          .split("_")
          .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
          .join("")
  )

/** The namespace's name with the DATAFLOW_TEST_NS prefix, checked before it is spliced into DDL. */
const prefixed = (name: string): string => {
  const namespace = `${process.env["DATAFLOW_TEST_NS"] ?? ""}${name}`
  if (!/^[A-Za-z0-9_]{1,60}$/.test(namespace)) throw new Error(`not a namespace name: ${namespace}`)
  return namespace
}

/**
 * Drops and recreates `name` (DATAFLOW_TEST_NS-prefixed), runs the dialect's Chinook script in it
 * and returns the URL for `Database.layer` (Namespaces.namespaceUrl).
 */
export const loadChinook = async (dialect: DialectName, name: string): Promise<string> => {
  const namespace = prefixed(name)
  const script = chinookScript(dialect)
  if (dialect === "sqlite") {
    const file = join(tmpdir(), `${namespace}.db`)
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
    const db = new Sqlite(file)
    try {
      db.exec("BEGIN")
      db.exec(script)
      db.exec("COMMIT")
    } finally {
      db.close()
    }
  } else if (dialect === "postgres") {
    const client = new pg.Client({ connectionString: pgBase })
    await client.connect()
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`)
      await client.query(`CREATE SCHEMA "${namespace}"`)
      await client.query(`SET search_path TO "${namespace}"`)
      await client.query(script)
    } finally {
      await client.end()
    }
  } else {
    const u = new URL(mysqlBase)
    const conn = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || "root"),
      password: decodeURIComponent(u.password),
      multipleStatements: true
    })
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${namespace}\``)
      await conn.query(`CREATE DATABASE \`${namespace}\``)
      await conn.query(`USE \`${namespace}\``)
      await conn.query(script)
    } finally {
      await conn.end()
    }
  }
  return namespaceUrl(dialect, name)
}
