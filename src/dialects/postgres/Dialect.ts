/**
 * PostgreSQL's registry entry (src/dialects/Registry.ts). The driver (pg, @effect/sql-pg) is
 * loaded when a layer connects.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DialectEntry } from "../Entry.js"
import { loadDriver } from "../Load.js"
import { postgresDialect } from "./Hooks.js"
import { postgresIntrospector } from "./Introspect.js"
import { withPostgresLock } from "./Lock.js"
import { parsePostgresUrl } from "./Url.js"

/** The packages a PostgreSQL layer needs installed. */
export const postgresPackages = ["pg", "@effect/sql-pg"] as const

export const postgres: DialectEntry = {
  name: "postgres",
  schemes: ["postgres", "postgresql"],
  parseUrl: parsePostgresUrl,
  connect: (url, options) =>
    Effect.flatMap(
      loadDriver("postgres", postgresPackages, () => import("./Layer.js")),
      (m) => Effect.suspend(() => m.connectPostgres(parsePostgresUrl(url), options))
    ),
  lock: withPostgresLock,
  introspector: postgresIntrospector,
  hooks: postgresDialect
}
