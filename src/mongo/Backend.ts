/**
 * The MongoDB family's implementation of the backend contract (src/backend/Backend.ts), built once
 * per Database layer over its `MongoHandle` (src/mongo/Client.ts): reads in BackendRead.ts, single
 * writes in BackendWrite.ts, bulk writes in BackendBulk.ts, keys MongoDB does not make in
 * Counters.ts. Vector and text search are not offered: a plain MongoDB server has neither kind
 * (Atlas Search is a separate product), so they fail UnsupportedFeature. See docs/mongodb.md.
 *
 * ```ts
 * const backend = makeMongoBackend(handle) // transactions: makeMongoTransaction(handle)
 * ```
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend } from "../backend/Backend.js"
import * as Errors from "../Errors.js"
import { makeBulk } from "./BackendBulk.js"
import { makeReads } from "./BackendRead.js"
import { makeWrites } from "./BackendWrite.js"
import type { MongoHandle } from "./Client.js"
import { type MongoTransaction, makeMongoTransaction } from "./Transactions.js"

const unsupported = (feature: string) => Effect.fail(new Errors.UnsupportedFeature({ dialect: "mongodb", feature }))

/**
 * The backend of one MongoDB layer. `transaction` is the layer's (default: `makeMongoTransaction`
 * over the same handle, whose fiber state it shares); the backend's `transaction` and its
 * all-or-nothing bulk writes run through it.
 */
export const makeMongoBackend = (
  handle: MongoHandle,
  transaction: MongoTransaction = makeMongoTransaction(handle)
): Backend => ({
  ...makeReads(handle),
  ...makeWrites(handle),
  ...makeBulk(handle, transaction),
  vectorSearch: () => unsupported("vector search (a plain MongoDB server has none; Atlas Search is not supported)"),
  textSearch: () => unsupported("text search ranked by relevance (a plain MongoDB server's $text is not supported)"),
  // a standalone server's refusal is UnsupportedFeature, which the contract's type does not list yet
  transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    transaction(effect) as Effect.Effect<A, E | Errors.QueryError, R>
})
