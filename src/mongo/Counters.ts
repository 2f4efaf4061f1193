/**
 * Keys MongoDB does not make itself, filled in before a document is written (docs/mongodb.md "Keys"):
 *
 * - Int auto-increment keys: the next values of the model's counter in the `dataflow_counters`
 *   collection (`{ _id: <collection>, seq }`), taken with one `findOneAndUpdate` `$inc` (upsert,
 *   the document after). Like a SQL sequence, the counter is taken outside the caller's transaction
 *   (no session): a transaction that aborts leaves a gap instead of handing the same value to two
 *   writers, and concurrent transactions never conflict on the counter document.
 *   Two first uses racing to create the counter document do not fail: the server retries an
 *   upsert whose filter is an equality on `_id` that meets a duplicate key (MongoDB 4.2+).
 * - UUID keys: `crypto.randomUUID()` when the input has none.
 * - String keys (and composite keys): client-given, nothing to fill.
 *
 * ```ts
 * const rows = yield* fillKeys(handle, User.info, [{ name: "Ann" }]) // [{ id: 1, name: "Ann" }]
 * ```
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Row } from "../backend/Backend.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { MongoHandle } from "./Client.js"

/** The collection holding the auto-increment counters. */
export const countersCollection = "dataflow_counters"

/** Reserves `n` values of `model`'s counter: the first of them (the others follow it). */
export const reserveIds = (
  handle: MongoHandle,
  model: ModelInfo,
  n: number
): Effect.Effect<number, Errors.QueryError> =>
  Effect.map(
    // no session: outside the caller's transaction (see the module comment)
    handle.run({ operation: "create", model }, (db) =>
      db.collection<{ _id: string; seq: number }>(countersCollection).findOneAndUpdate(
        { _id: model.table },
        { $inc: { seq: n } },
        {
          upsert: true,
          returnDocument: "after",
          ...(handle.maxTimeMS !== undefined ? { maxTimeMS: handle.maxTimeMS } : {})
        }
      )
    ),
    (doc) => (doc?.seq ?? n) - n + 1
  )

/** `rows` with their keys filled in (new objects; the inputs are not changed). */
export const fillKeys = (
  handle: MongoHandle,
  model: ModelInfo,
  rows: ReadonlyArray<Row>
): Effect.Effect<ReadonlyArray<Row>, Errors.QueryError> => {
  if (model.idKind === "uuid") {
    return Effect.sync(() => rows.map((r) => (r["id"] === undefined ? { ...r, id: crypto.randomUUID() } : r)))
  }
  if (model.idKind !== "auto" || rows.length === 0) return Effect.succeed(rows)
  return Effect.map(reserveIds(handle, model, rows.length), (first) => rows.map((r, i) => ({ ...r, id: first + i })))
}
