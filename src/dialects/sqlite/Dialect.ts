/**
 * SQLite's registry entry (src/dialects/Registry.ts). The driver (better-sqlite3) is loaded when a
 * layer opens the file.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DialectEntry } from "../Entry.js"
import { loadDriver } from "../Load.js"
import { sqliteDialect } from "./Hooks.js"
import { sqliteIntrospector } from "./Introspect.js"
import { withSqliteLock } from "./Lock.js"
import { parseSqliteUrl } from "./Url.js"

/** The packages a SQLite layer needs installed. */
export const sqlitePackages = ["better-sqlite3"] as const

export const sqlite: DialectEntry = {
  name: "sqlite",
  schemes: ["sqlite"],
  parseUrl: parseSqliteUrl,
  connect: (url, options) =>
    Effect.flatMap(
      loadDriver("sqlite", sqlitePackages, () => import("./Layer.js")),
      (m) => Effect.suspend(() => m.connectSqlite(parseSqliteUrl(url), options))
    ),
  lock: withSqliteLock,
  introspector: sqliteIntrospector,
  hooks: sqliteDialect
}
