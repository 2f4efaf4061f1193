/**
 * The MongoDB backend's bulk writes (src/backend/Backend.ts `batchRows`, `insertBatch`,
 * `bulkInsert`, `bulkUpsert`). All-or-nothing needs a transaction, which needs a replica set (or
 * mongos): on a standalone server `bulkInsert` and `bulkUpsert` fail UnsupportedFeature rather than
 * write part of the rows (docs/mongodb.md).
 *
 * - insertBatch, onConflict "error": one ordered `insertMany` in the caller's transaction (the
 *   operations always open one around it; outside one, the rows before a failing row stay written:
 *   MongoDB has no multi-document atomicity without a transaction).
 * - insertBatch, onConflict "skip": one `bulkWrite` of upserts that only insert
 *   (`$setOnInsert` of the whole document) under a filter matching any record holding one of the
 *   row's unique keys (`_id`, then each declared unique key whose values are all given): a row that
 *   collides matches and changes nothing; the inserted count is `upsertedCount`. A duplicate-key
 *   error is never relied upon inside a transaction, because there the server aborts the whole
 *   transaction on any write error. Ordered in a transaction (a later row of the batch colliding
 *   with an earlier one matches it); outside one, unordered, and the duplicates of concurrent
 *   writers (`onlyDuplicateKeys`) are skipped too.
 * - bulkInsert / bulkUpsert: batches of `batchRows` rows in one transaction (`transaction`).
 * - bulkUpsert: one ordered `bulkWrite` per batch (src/mongo/Updates.ts `bulkUpsertOps`); the
 *   records that existed are its `matchedCount`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { AnyBulkWriteOperation, BulkWriteResult } from "mongodb"
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

/** The `bulkWrite` operations of onConflict "skip": upserts that only ever insert. */
export const skipOps = (
  bson: Bson,
  model: ModelInfo,
  rows: ReadonlyArray<Row>,
  now: Date
): Array<AnyBulkWriteOperation> =>
  rows.map((row) => {
    const doc = insertDocument(bson, model, row, now)
    return {
      updateOne: { filter: collisionFilter(bson, model, row, doc), update: { $setOnInsert: doc }, upsert: true }
    }
  })

/** The inserted count of a failed unordered skip write whose every error is a duplicate key, else undefined. */
const skippedDuplicates = (e: unknown): number | undefined => {
  if (!onlyDuplicateKeys(e)) return undefined
  const result = (e as { result?: BulkWriteResult }).result
  return result?.upsertedCount
}

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
      if (onConflict === "error") {
        const docs = yield* pure(() => rows.map((r) => insertDocument(bson, model, r, now)))
        const result = yield* handle.run(context, (db, session) =>
          collectionOf(db, model).insertMany(docs, { ...callOptions(handle, session), ordered: true })
        )
        return result.insertedCount
      }
      const ops = yield* pure(() => skipOps(bson, model, rows, now))
      const result = yield* handle.run(context, async (db, session) => {
        try {
          const r = await collectionOf(db, model).bulkWrite(ops, {
            ...callOptions(handle, session),
            ordered: session !== undefined
          })
          return r.upsertedCount
        } catch (e) {
          // outside a transaction only: inside one, the server has aborted it
          const inserted = session === undefined ? skippedDuplicates(e) : undefined
          if (inserted === undefined) throw e
          return inserted
        }
      })
      return result
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
