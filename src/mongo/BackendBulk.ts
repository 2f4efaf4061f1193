/**
 * The MongoDB backend's bulk writes (src/backend/Backend.ts `batchRows`, `insertBatch`,
 * `bulkInsert`, `bulkUpsert`). `bulkInsert` and `bulkUpsert` are all or nothing: their batches run in
 * one transaction (the caller's, or one of their own), so a standalone server refuses them
 * (UnsupportedFeature) rather than writing part of them. `insertBatch` joins the caller's
 * transaction, if any.
 *
 * `onConflict: "skip"` outside a transaction is an unordered `insertMany` whose duplicate-key
 * errors (E11000 only) are ignored (the others are inserted: `insertedCount`). Inside a
 * transaction a failed write aborts the whole transaction on the server, so there the documents
 * colliding with stored ones (on `_id` or a unique key; with soft delete, unique keys count live
 * records only, as their partial indexes) or with earlier ones of the batch are left out first, and
 * the rest inserted in order.
 *
 * @since 0.1.0
 */
import { Chunk, Effect } from "effect"
import type { AnyBulkWriteOperation, ClientSession, Document } from "mongodb"
import type { Backend, Row } from "../backend/Backend.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { MongoHandle } from "./Client.js"
import { fillKeys } from "./Counters.js"
import { onlyDuplicateKeys } from "./Errors.js"
import { liveCondition } from "./Filter.js"
import type { MongoTransaction } from "./Transactions.js"
import { standaloneRefusal } from "./Transactions.js"
import { bulkUpsertOps } from "./Updates.js"
import { type Doc, insertDocument, pathOf } from "./Values.js"
import { callOptions, collectionOf, pure } from "./BackendShared.js"

type Bulk = Pick<Backend, "batchRows" | "insertBatch" | "bulkInsert" | "bulkUpsert">

/** MongoDB's largest write batch (`maxWriteBatchSize`): more rows per batch gain nothing. */
export const maxBatchRows = 100_000

const valueAt = (doc: Doc, path: string): unknown =>
  path.split(".").reduce<unknown>((v, p) => (typeof v === "object" && v !== null ? (v as Doc)[p] : undefined), doc)

/** The paths of every unique key of `model`: the key (`_id`) first, then the declared unique keys. */
export const uniquePaths = (model: ModelInfo): ReadonlyArray<ReadonlyArray<string>> => [
  ["_id"],
  ...model.unique.map((names) => names.map((n) => pathOf(model, model.columnMap.get(n)!)))
]

/**
 * The query finding stored documents that collide with `docs` on one unique key (null values never
 * collide, as in SQL), or undefined when none can.
 */
export const collisionQuery = (model: ModelInfo, docs: ReadonlyArray<Doc>): Doc | undefined => {
  const ors: Array<Doc> = []
  for (const paths of uniquePaths(model)) {
    const live = paths[0] === "_id" ? {} : liveCondition(model)
    for (const doc of docs) {
      const values = paths.map((p) => valueAt(doc, p))
      if (values.some((v) => v === null || v === undefined)) continue
      ors.push({ ...Object.fromEntries(paths.map((p, i) => [p, values[i]])), ...live })
    }
  }
  return ors.length === 0 ? undefined : { $or: ors }
}

const signature = (doc: Doc, paths: ReadonlyArray<string>): string | undefined => {
  const values = paths.map((p) => valueAt(doc, p))
  return values.some((v) => v === null || v === undefined) ? undefined : JSON.stringify(values)
}

/** `docs` without those colliding with `stored` documents or with an earlier one of `docs`. */
export const withoutCollisions = (
  model: ModelInfo,
  docs: ReadonlyArray<Doc>,
  stored: ReadonlyArray<Doc>
): ReadonlyArray<Doc> => {
  const keys = uniquePaths(model)
  const seen = keys.map((paths) => new Set(stored.map((d) => signature(d, paths)).filter((s) => s !== undefined)))
  return docs.filter((doc) => {
    const sigs = keys.map((paths) => signature(doc, paths))
    if (sigs.some((s, i) => s !== undefined && seen[i]!.has(s))) return false
    sigs.forEach((s, i) => s !== undefined && seen[i]!.add(s))
    return true
  })
}

const skipInTransaction = async (
  handle: MongoHandle,
  model: ModelInfo,
  docs: ReadonlyArray<Doc>,
  session: ClientSession
) => {
  const coll = collectionOf(handle.db, model)
  const options = callOptions(handle, session)
  const query = collisionQuery(model, docs)
  const stored = query === undefined ? [] : await coll.find(query, options).toArray()
  const rest = withoutCollisions(model, docs, stored)
  if (rest.length === 0) return 0
  return (await coll.insertMany([...rest], { ...options, ordered: true })).insertedCount
}

const insertDocs = (handle: MongoHandle, model: ModelInfo, docs: ReadonlyArray<Doc>, skip: boolean) =>
  handle.run({ operation: "createMany", model }, async (db, session) => {
    const coll = collectionOf(db, model)
    const options = callOptions(handle, session)
    if (!skip) return (await coll.insertMany([...docs], { ...options, ordered: true })).insertedCount
    if (session !== undefined) return skipInTransaction(handle, model, docs, session)
    try {
      return (await coll.insertMany([...docs], { ...options, ordered: false })).insertedCount
    } catch (e) {
      if (onlyDuplicateKeys(e)) return (e as { insertedCount: number }).insertedCount
      throw e
    }
  })

const sumBatches = (
  rows: ReadonlyArray<Row>,
  size: number,
  f: (batch: ReadonlyArray<Row>) => Effect.Effect<number, Errors.QueryError>
) =>
  Effect.reduce(Chunk.chunksOf(Chunk.fromIterable(rows), Math.max(1, size)), 0, (n, batch) =>
    Effect.map(f(Chunk.toReadonlyArray(batch)), (m) => n + m)
  )

/** The bulk writes over `handle`; `transaction` is the layer's (src/mongo/Transactions.ts). */
export const makeBulk = (handle: MongoHandle, transaction: MongoTransaction): Bulk => {
  const bson = handle.driver
  const batchRows: Bulk["batchRows"] = (_model, batchSize) => Math.max(1, Math.min(batchSize, maxBatchRows))
  // all or nothing: in a transaction; never on a standalone server (the refusal is outside QueryError's
  // union, which the Backend contract's bulk methods declare: cast, see docs/mongodb.md)
  const atomic = (what: string, effect: Effect.Effect<number, Errors.QueryError>) =>
    (handle.transactions ? transaction(effect) : Effect.fail(standaloneRefusal(what))) as Effect.Effect<
      number,
      Errors.QueryError
    >
  const insertBatch: Bulk["insertBatch"] = (model, rows, options) =>
    Effect.gen(function* () {
      if (rows.length === 0) return 0
      const filled = yield* fillKeys(handle, model, rows)
      const docs = yield* pure(() => filled.map((r) => insertDocument(bson, model, r, options.now)))
      return yield* insertDocs(handle, model, docs, options.onConflict === "skip")
    })
  return {
    batchRows,
    insertBatch,
    bulkInsert: (model, rows, options) =>
      atomic(
        "bulk inserts (all or nothing)",
        sumBatches(rows, batchRows(model, options.batchSize), (batch) => insertBatch(model, batch, options))
      ),
    bulkUpsert: (model, rows, conflict, options) =>
      atomic(
        "bulk upserts (all or nothing)",
        sumBatches(rows, batchRows(model, options.batchSize), (batch) =>
          Effect.gen(function* () {
            const filled = yield* fillKeys(handle, model, batch)
            const ops = yield* pure(() => bulkUpsertOps(bson, model, filled, conflict, options.now))
            const result = yield* handle.run({ operation: "bulkUpsert", model }, (db, session) =>
              collectionOf(db, model).bulkWrite(ops as unknown as Array<AnyBulkWriteOperation<Document>>, {
                ...callOptions(handle, session),
                ordered: true
              })
            )
            return result.matchedCount
          })
        )
      )
  }
}
