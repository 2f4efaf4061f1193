/**
 * What MongoDB migrations, discovery and the document API need of the MongoDB handle
 * (src/mongo/Client.ts `MongoHandle` has these members and more): the database, the current
 * transaction's session, whether the server has transactions, and `run` — one driver call with its
 * errors classified into QueryError.
 *
 * @since 0.1.0
 */
import type { ClientSession, Db, MongoClient } from "mongodb"
import type { Effect } from "effect"
import type * as Errors from "../Errors.js"

/** The members of the MongoDB handle used here. */
export interface MongoSchemaHandle {
  readonly client: MongoClient
  readonly db: Db
  readonly session: Effect.Effect<ClientSession | undefined>
  readonly transactions: boolean
  readonly run: <A>(
    context: { readonly operation: string; readonly model?: string },
    f: (db: Db, session: ClientSession | undefined) => Promise<A>
  ) => Effect.Effect<A, Errors.QueryError>
}

/** The ledger collection (entries by id) — never a model's, skipped by discovery. */
export const ledgerCollection = "dataflow_migrations"

/** The lock collection: one document `{ _id: "migrate", owner, expiresAt }` while a migration runs. */
export const lockCollection = "dataflow_lock"
