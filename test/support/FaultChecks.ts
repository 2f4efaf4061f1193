/**
 * What the fault tests check besides the error tag, over direct driver connections (never through
 * the library under test): rows in a table, the sessions a layer left on the server, and every
 * printed form of an error.
 */
import Sqlite from "better-sqlite3"
import { Cause, Effect, Exit, Option } from "effect"
import mysql from "mysql2/promise"
import { inspect } from "node:util"
import pg from "pg"
import type { DialectName } from "./Dialects.js"

/** Points a server URL at another host port (a proxy, or an instance of the test's own). */
export const withPort = (url: string, port: number): string => {
  const u = new URL(url)
  u.port = String(port)
  return u.toString()
}

/** A PostgreSQL URL whose sessions carry `name` in pg_stat_activity. */
export const withApplicationName = (url: string, name: string): string =>
  `${url}${url.includes("?") ? "&" : "?"}application_name=${encodeURIComponent(name)}`

/** The namespace (schema / database / file) of a test URL. */
const namespaceOf = (dialect: DialectName, url: string): string => {
  if (dialect === "mysql") return decodeURIComponent(new URL(url).pathname.slice(1))
  if (dialect === "postgres") return /search_path=([A-Za-z0-9_]+)/.exec(decodeURIComponent(url))![1]!
  return url.slice("sqlite:".length)
}

const pgConfig = (url: string) => {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    database: u.pathname.slice(1) || "postgres"
  }
}
const mysqlConfig = (url: string) => {
  const u = new URL(url)
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || "root") }
}

/** Runs one statement on a direct connection to the server of `url` (its namespace selected). */
export const direct = async (
  dialect: DialectName,
  url: string,
  sql: string,
  params: ReadonlyArray<unknown> = []
): Promise<Array<Record<string, unknown>>> => {
  const ns = namespaceOf(dialect, url)
  if (dialect === "sqlite") {
    const db = new Sqlite(ns)
    try {
      const s = db.prepare(sql)
      return s.reader ? (s.all(...params) as Array<Record<string, unknown>>) : (s.run(...params), [])
    } finally {
      db.close()
    }
  }
  if (dialect === "postgres") {
    const c = new pg.Client({ ...pgConfig(url), options: `-c search_path=${ns}` })
    await c.connect()
    try {
      return (await c.query(sql, params as Array<unknown>)).rows
    } finally {
      await c.end()
    }
  }
  const c = await mysql.createConnection({ ...mysqlConfig(url), database: ns })
  try {
    const [rows] = await c.query(sql, [...params])
    return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : []
  } finally {
    await c.end()
  }
}

/** The rows of a table, read directly. */
export const directCount = async (dialect: DialectName, url: string, table: string): Promise<number> => {
  const q = dialect === "mysql" ? `\`${table}\`` : `"${table}"`
  const rows = await direct(dialect, url, `SELECT COUNT(*) AS n FROM ${q}`)
  return Number(rows[0]!["n"])
}

/**
 * Sessions of a layer on the server: `total` connections, `busy` ones (running a statement or
 * inside a transaction). PostgreSQL: by application_name; MariaDB: by database (the namespace).
 */
export const sessions = async (
  dialect: "postgres" | "mysql",
  url: string,
  who: string
): Promise<{ total: number; busy: number }> => {
  if (dialect === "postgres") {
    const rows = await direct(
      dialect,
      url,
      "SELECT COUNT(*)::int AS total, COUNT(*) FILTER (WHERE state <> 'idle')::int AS busy FROM pg_stat_activity WHERE application_name = $1",
      [who]
    )
    return { total: Number(rows[0]!["total"]), busy: Number(rows[0]!["busy"]) }
  }
  // Sleep with an open transaction is busy too (information_schema.INNODB_TRX)
  const rows = await direct(
    dialect,
    url,
    "SELECT COUNT(*) AS total, SUM(p.COMMAND <> 'Sleep' OR t.trx_id IS NOT NULL) AS busy FROM information_schema.PROCESSLIST p " +
      "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID WHERE p.DB = ? AND p.ID <> CONNECTION_ID()",
    [who]
  )
  return { total: Number(rows[0]!["total"]), busy: Number(rows[0]!["busy"] ?? 0) }
}

/** Polls `check` every 50 ms until it is true; fails after `limitMs` (a bound, not a timing assertion). */
export const eventually = (check: () => Promise<boolean>, limitMs = 10_000, what = "condition"): Effect.Effect<void> =>
  Effect.promise(async () => {
    const end = Date.now() + limitMs
    while (Date.now() < end) {
      if (await check()) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`not reached within ${limitMs} ms: ${what}`)
  })

/**
 * Starts recording what escapes to the process (an unhandled 'error' event of a driver client, a
 * rejection nobody handles); `stop()` ends the recording and returns them. Outside the test runner
 * such an escape would end the process.
 */
export const watchEscapes = (): { readonly stop: () => ReadonlyArray<unknown> } => {
  const escaped: Array<unknown> = []
  const record = (e: unknown) => void escaped.push(e)
  process.on("uncaughtException", record)
  process.on("unhandledRejection", record)
  return {
    stop: () => {
      process.off("uncaughtException", record)
      process.off("unhandledRejection", record)
      return escaped
    }
  }
}

/**
 * Every printed form of an error and of its causes: util.inspect, JSON.stringify, String, and
 * Effect's pretty print of a failure with it (Cause.pretty, what an unhandled failure logs).
 */
export const printed = (error: unknown): string => {
  const seen = new WeakSet<object>()
  const json = (value: unknown) => {
    try {
      return JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === "object" && v !== null) {
          if (seen.has(v)) return "[circular]"
          seen.add(v)
        }
        return typeof v === "bigint" ? String(v) : v
      })
    } catch {
      return ""
    }
  }
  const parts: Array<string> = [Cause.pretty(Cause.fail(error), { renderErrorCause: true })]
  let current: unknown = error
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    parts.push(inspect(current, { depth: 8, showHidden: true }), json(current), String(current))
    current = (current as { cause?: unknown }).cause
  }
  return parts.join("\n")
}

/** The failure of an Exit: its error's tag, `success`, `interrupted` or `defect`. */
export const outcome = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) return failure.value._tag
  return Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "defect"
}
