/**
 * Introspection of the live schema through the dialect's own introspector
 * (src/dialects/<db>/Introspect.ts), which the Database service carries (`Runner.introspector`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { QueryError } from "../Errors.js"
import { type Introspector, ledgerTable, type LiveTable, type Query } from "./LiveSchema.js"

/** The introspector of a database (the service's, set from its dialect's registry entry). */
export const introspectorFor = (db: { readonly introspector: Introspector }): Introspector => db.introspector

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
  introspector: Introspector,
  query: Query,
  only?: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<LiveTable>, QueryError> =>
  Effect.map(introspector.tables(query, only), (tables) => tables.filter((t) => t.name !== ledgerTable))
