/**
 * The backend contract (src/backend/Backend.ts) on MongoDB: reads (src/mongo/BackendRead.ts),
 * single and filtered writes (BackendWrite.ts), bulk writes (BackendBulk.ts), transactions
 * (Transactions.ts). Vector and text search are UnsupportedFeature: they need Atlas Search, which a
 * plain MongoDB server does not have. See docs/mongodb.md.
 *
 * ```ts
 * const backend = makeMongoBackend(handle)
 * yield* backend.readById(User.info, "u1", false, "read")
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
import { makeMongoTransaction, type MongoTransaction } from "./Transactions.js"

/** The backend of a MongoDB layer over `handle`; `transaction` defaults to `makeMongoTransaction(handle)`. */
export const makeMongoBackend = (
  handle: MongoHandle,
  transaction: MongoTransaction = makeMongoTransaction(handle)
): Backend => ({
  ...makeReads(handle),
  ...makeWrites(handle),
  ...makeBulk(handle, transaction),
  vectorSearch: () =>
    Effect.fail(
      new Errors.UnsupportedFeature({ dialect: "mongodb", feature: "vector search (needs Atlas Vector Search)" })
    ),
  textSearch: () =>
    Effect.fail(new Errors.UnsupportedFeature({ dialect: "mongodb", feature: "text search (needs Atlas Search)" })),
  // the Backend contract's transaction has no UnsupportedFeature (standalone server): see docs/mongodb.md
  transaction: transaction as Backend["transaction"]
})
