/**
 * MySQL/MariaDB's registry entry (src/dialects/Registry.ts). The driver (mysql2, @effect/sql-mysql2)
 * is loaded when a layer connects.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DialectEntry } from "../Entry.js"
import { loadDriver } from "../Load.js"
import { makeMysqlDialect } from "./Hooks.js"
import { mysqlIntrospector } from "./Introspect.js"
import { withMysqlLock } from "./Lock.js"
import { parseMysqlUrl } from "./Url.js"

/** The packages a MySQL/MariaDB layer needs installed. */
export const mysqlPackages = ["mysql2", "@effect/sql-mysql2"] as const

export const mysql: DialectEntry = {
  name: "mysql",
  schemes: ["mysql", "mariadb"],
  parseUrl: parseMysqlUrl,
  connect: (url, options) =>
    Effect.flatMap(
      loadDriver("mysql", mysqlPackages, () => import("./Layer.js")),
      (m) => Effect.suspend(() => m.connectMysql(parseMysqlUrl(url), options))
    ),
  lock: withMysqlLock,
  introspector: mysqlIntrospector,
  // the connected driver picks the server's binary collation
  hooks: makeMysqlDialect("utf8mb4_bin")
}
