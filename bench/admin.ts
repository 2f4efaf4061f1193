/**
 * Untimed housekeeping on one raw connection per database: the bench namespace, emptying tables,
 * counting rows (checks) and the server version (report).
 */
import * as fs from "node:fs"
import Sqlite from "better-sqlite3"
import mysql from "mysql2/promise"
import pg from "pg"
import { connection, type DialectName, mysqlDatabase, pgSchema, sqliteDir } from "./config.js"

export interface Admin {
  readonly exec: (sql: string) => Promise<void>
  readonly count: (table: string, where?: string) => Promise<number>
  readonly empty: (table: string) => Promise<void>
  readonly version: () => Promise<string>
  readonly close: () => Promise<void>
}

/**
 * Opens an Admin on the bench namespace; `fresh` first drops what a previous run left and creates
 * the namespace anew (our Database layer then creates the tables).
 */
export const openAdmin = async (dialect: DialectName, fresh: boolean): Promise<Admin> => {
  switch (dialect) {
    case "postgres": {
      const client = new pg.Client({ connectionString: connection.pgAdminUrl, application_name: "bench-admin" })
      await client.connect()
      if (fresh) await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pgSchema}`)
      await client.query(`SET search_path = ${pgSchema}`)
      return {
        exec: async (sql) => void (await client.query(sql)),
        count: async (table, where) =>
          Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ""}`)).rows[0].n),
        empty: async (table) => void (await client.query(`TRUNCATE ${table}`)),
        version: async () => String((await client.query("SHOW server_version")).rows[0].server_version),
        close: () => client.end()
      }
    }
    case "mysql": {
      const { host, port, user, password } = connection.mysql
      const conn = await mysql.createConnection({ host, port, user, ...(password ? { password } : {}), timezone: "Z" })
      if (fresh) await conn.query(`DROP DATABASE IF EXISTS ${mysqlDatabase}`)
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${mysqlDatabase} CHARACTER SET utf8mb4`)
      await conn.query(`USE ${mysqlDatabase}`)
      return {
        exec: async (sql) => void (await conn.query(sql)),
        count: async (table, where) => {
          const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ""}`)
          return Number((rows as Array<{ n: number }>)[0]!.n)
        },
        empty: async (table) => void (await conn.query(`TRUNCATE TABLE ${table}`)),
        version: async () => {
          const [rows] = await conn.query("SELECT VERSION() AS v")
          return String((rows as Array<{ v: string }>)[0]!.v)
        },
        close: () => conn.end()
      }
    }
    case "sqlite": {
      if (fresh) fs.rmSync(sqliteDir, { recursive: true, force: true })
      fs.mkdirSync(sqliteDir, { recursive: true })
      const db = new Sqlite(connection.sqliteFile)
      db.pragma("journal_mode = WAL")
      db.pragma("busy_timeout = 10000")
      return {
        exec: async (sql) => void db.exec(sql),
        count: async (table, where) =>
          Number(
            (db.prepare(`SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ""}`).get() as { n: number }).n
          ),
        empty: async (table) => {
          db.exec(`DELETE FROM ${table}`)
          // keep the WAL from growing across runs
          db.pragma("wal_checkpoint(TRUNCATE)")
        },
        version: async () => String((db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v),
        close: async () => void db.close()
      }
    }
  }
}
