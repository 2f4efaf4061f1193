/**
 * Introspection of the live schema, dispatched to the dialect's own (src/dialects/<db>/Introspect.ts).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { mysqlIntrospector } from "../dialects/mysql/Introspect.js"
import { postgresIntrospector } from "../dialects/postgres/Introspect.js"
import { sqliteIntrospector } from "../dialects/sqlite/Introspect.js"
import type { QueryError } from "../Errors.js"
import type { DialectName } from "../sql/Dialect.js"
import { type Introspector, ledgerTable, type LiveTable, type Query } from "./LiveSchema.js"

/** The introspector of a dialect. */
export const introspectorFor = (dialect: DialectName): Introspector => {
  switch (dialect) {
    case "postgres":
      return postgresIntrospector
    case "mysql":
      return mysqlIntrospector
    case "sqlite":
      return sqliteIntrospector
  }
}

/** A catalog query through the Database service (joins the migration's transaction where there is one). */
export const queryThrough =
  (db: {
    readonly query: (s: {
      sql: string
      params: ReadonlyArray<unknown>
    }) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, QueryError>
  }): Query =>
  (sql, params = []) =>
    db.query({ sql, params })

/** The live tables of the current schema (all, or `only` these), without the ledger. */
export const introspect = (
  dialect: DialectName,
  query: Query,
  only?: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<LiveTable>, QueryError> =>
  Effect.map(introspectorFor(dialect).tables(query, only), (tables) => tables.filter((t) => t.name !== ledgerTable))
