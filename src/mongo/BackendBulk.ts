/**
 * The MongoDB backend's bulk writes (src/backend/Backend.ts `batchRows`, `insertBatch`,
 * `bulkInsert`, `bulkUpsert`). All-or-nothing needs a transaction, which needs a replica set (or
 * mongos): on a standalone server `bulkInsert` and `bulkUpsert` fail UnsupportedFeature rather than
 * write part of the rows (docs/mongodb.md).
 *
 * - insertBatch, onConflict "error": one ordered `insertMany` in the caller's transaction (the
 *   operations always open one around it; outside one, the rows before a failing row stay written:
 *   MongoDB has no multi-document atomicity without a transaction).
 * - insertBatch, onConflict "skip", outside a transaction: an unordered `insertMany` whose
 *   duplicate-key errors (and only those: `onlyDuplicateKeys`) are ignored; the inserted count is
 *   the error's `insertedCount`.
 * - insertBatch, onConflict "skip", in a transaction: there the server aborts the whole transaction
 *   on any write error, so a duplicate key is never provoked: one ordered `bulkWrite` of upserts
 *   that only insert (`$setOnInsert` of the whole document) under a filter matching any record
 *   holding one of the row's unique keys (`_id`, then each declared unique key whose values are all
 *   given; soft-deleted records keep their keys, as the unique indexes of src/mongo/Indexes.ts): a
 *   row that collides, with a stored record or an earlier row of the batch, matches and changes
 *   nothing; the inserted count is `upsertedCount`.
 * - bulkInsert / bulkUpsert: batches of `batchRows` rows in one transaction (`transaction`).
 * - bulkUpsert: one ordered `bulkWrite` per batch (src/mongo/Updates.ts `bulkUpsertOps`); the
 *   records that existed are its `matchedCount`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { AnyBulkWriteOperation } from "mongodb"
import type { Backend, Row } from "../backend/Backend.js"
import type * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { bulkRefusal, callOptions, collectionOf, failOutsideContract, pure } from "./BackendShared.js"
import type { MongoHandle } from "./Client.js"
import { fillKeys } from "./Counters.js"
import { onlyDuplicateKeys } from "./Errors.js"
import type { MongoTransaction } from "./Transactions.js"
import { bulkUpsertOps } from "./Updates.js"
import { type Bson, type Doc, encodeValue, insertDocument, pathOf } from "./Values.js"

/** Rows per batch: the driver splits larger writes itself; this bounds the memory of one batch's documents. */
export const maxBatchRows = 1000

/** Splits rows into batches. */
const chunk = <A>(rows: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/**
 * The filter matching any record that holds one of `doc`'s unique keys: its `_id`, and each
 * declared unique key whose values are all non-null (NULLs never collide, as on SQL and in the
 * partial unique indexes of src/mongo/Indexes.ts).
 */
export const collisionFilter = (bson: Bson, model: ModelInfo, row: Row, doc: Doc): Doc => {
  const ors: Array<Doc> = [{ _id: doc["_id"] }]
  for (const names of model.unique) {
    const fields = names.map((n) => model.columnMap.get(n)!)
    if (fields.some((f) => row[f.name] === null || row[f.name] === undefined)) continue
    ors.push(Object.fromEntries(fields.map((f) => [pathOf(model, f), encodeValue(bson, f, row[f.name])])))
  }
  return ors.length === 1 ? ors[0]! : { $or: ors }
}

/** The `bulkWrite` operations of onConflict "skip" in a transaction (`docs`: the rows' insert documents). */
export const skipOps = (
  bson: Bson,
  model: ModelInfo,
  rows: ReadonlyArray<Row>,
  docs: ReadonlyArray<Doc>
): Array<AnyBulkWriteOperation> =>
  docs.map((doc, i) => ({
    updateOne: { filter: collisionFilter(bson, model, rows[i]!, doc), update: { $setOnInsert: doc }, upsert: true }
  }))

/** The inserted count of a failed unordered `insertMany` whose every error is a duplicate key, else undefined. */
const skippedDuplicates = (e: unknown): number | undefined =>
  onlyDuplicateKeys(e) ? (e as { insertedCount?: number }).insertedCount : undefined

/** `batchRows`, `insertBatch`, `bulkInsert` and `bulkUpsert` over `handle`. */
export const makeBulk = (
  handle: MongoHandle,
  transaction: MongoTransaction
): Pick<Backend, "batchRows" | "insertBatch" | "bulkInsert" | "bulkUpsert"> => {
  const bson = handle.driver
  const batchRows: Backend["batchRows"] = (_model, batchSize) => Math.max(1, Math.min(batchSize, maxBatchRows))
  const insertBatch: Backend["insertBatch"] = (model, input, { now, onConflict }) =>
    Effect.gen(function* () {
      if (input.length === 0) return 0
      const rows = yield* fillKeys(handle, model, input)
      const context = { operation: "bulkCreate", model }
      const docs = yield* pure(() => rows.map((r) => insertDocument(bson, model, r, now)))
      if (onConflict === "error") {
        const result = yield* handle.run(context, (db, session) =>
          collectionOf(db, model).insertMany(docs, { ...callOptions(handle, session), ordered: true })
        )
        return result.insertedCount
      }
      const ops = yield* pure(() => skipOps(bson, model, rows, docs))
      return yield* handle.run(context, async (db, session) => {
        const coll = collectionOf(db, model)
        const options = callOptions(handle, session)
        // in a transaction: insert-only upserts (any write error would abort the transaction)
        if (session !== undefined) return (await coll.bulkWrite(ops, { ...options, ordered: true })).upsertedCount
        try {
          return (await coll.insertMany(docs, { ...options, ordered: false })).insertedCount
        } catch (e) {
          const inserted = skippedDuplicates(e)
          if (inserted === undefined) throw e
          return inserted
        }
      })
    })
  const atomically = <A>(effect: Effect.Effect<A, Errors.QueryError>) =>
    handle.transactions
      ? (transaction(effect) as Effect.Effect<A, Errors.QueryError>)
      : failOutsideContract(bulkRefusal())
  const bulkInsert: Backend["bulkInsert"] = (model, rows, options) =>
    atomically(
      Effect.reduce(chunk(rows, batchRows(model, options.batchSize)), 0, (sum, batch) =>
        Effect.map(insertBatch(model, batch, options), (n) => sum + n)
      )
    )
  const upsertBatch = (model: ModelInfo, input: ReadonlyArray<Row>, conflict: ReadonlyArray<Field>, now: Date) =>
    Effect.gen(function* () {
      const rows = yield* fillKeys(handle, model, input)
      const ops = yield* pure(() => bulkUpsertOps(bson, model, rows, conflict, now))
      const result = yield* handle.run({ operation: "bulkUpsert", model }, (db, session) =>
        collectionOf(db, model).bulkWrite(ops as Array<AnyBulkWriteOperation>, {
          ...callOptions(handle, session),
          ordered: true
        })
      )
      return result.matchedCount
    })
  const bulkUpsert: Backend["bulkUpsert"] = (model, rows, conflict, { batchSize, now }) =>
    atomically(
      Effect.reduce(chunk(rows, batchRows(model, batchSize)), 0, (sum, batch) =>
        Effect.map(upsertBatch(model, batch, conflict, now), (n) => sum + n)
      )
    )
  return { batchRows, insertBatch, bulkInsert, bulkUpsert }
}
