/**
 * Writes as MongoDB documents: update documents from `Changes`, the soft delete, insert and bulk
 * operations, and the native upsert — with the SQL backend's rules (src/sql/backend/Upsert.ts,
 * BulkUpsert.ts, Write.ts): null is stored explicitly (a stored document holds every column), the
 * key and created_at never change, updated_at takes `now`, and an upsert brings a soft-deleted
 * record back (deleted_at → null).
 *
 * ```ts
 * coll.updateOne(filter, updateDocument(mongo, User.info, changes)!)
 * const w = upsertWrite(mongo, User.info, plan, rowWithId)
 * const r = await coll.updateOne(w.filter, w.update, { upsert: true }) // created: r.upsertedCount === 1
 * ```
 *
 * @since 0.1.0
 */
import type { Changes, UpsertPlan } from "../backend/Backend.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { matchNothing, toQuery } from "./Filter.js"
import { type Bson, type Doc, encodeValue, idOfRow, insertDocument, pathOf } from "./Values.js"

/** The `$set` contents of `changes` (updated_at takes `now`; null is stored as null). */
export const setDocument = (bson: Bson, model: ModelInfo, changes: Changes): Doc => {
  const out: Doc = {}
  for (const name of changes.names) {
    const f = model.columnMap.get(name)!
    out[f.column] = f === model.updatedAt ? changes.now : encodeValue(bson, f, changes.fields[name])
  }
  return out
}

/** The update document of `changes`; undefined when there is nothing to set (MongoDB refuses an empty `$set`). */
export const updateDocument = (bson: Bson, model: ModelInfo, changes: Changes): Doc | undefined => {
  const set = setDocument(bson, model, changes)
  return Object.keys(set).length === 0 ? undefined : { $set: set }
}

/** The soft delete's update: deleted_at = `now` (as SQL, nothing else changes). Only for models with soft delete. */
export const softDeleteUpdate = (model: ModelInfo, now: Date): Doc => ({ $set: { [model.deletedAt!.column]: now } })

/** `bulkWrite` operations inserting `rows` (see `insertDocument`). */
export const insertOps = (
  bson: Bson,
  model: ModelInfo,
  rows: ReadonlyArray<Record<string, unknown>>,
  now: Date
): Array<{ insertOne: { document: Doc } }> =>
  rows.map((row) => ({ insertOne: { document: insertDocument(bson, model, row, now) } }))

const managed = (model: ModelInfo, f: Field) =>
  f === model.createdAt || f === model.updatedAt || f === model.deletedAt || model.key.includes(f)

const isKey = (model: ModelInfo, conflict: ReadonlyArray<Field>) =>
  conflict.length === model.key.length && conflict.every((f) => model.key.includes(f))

/** What an upsert of an existing record sets: the update's fields, updated_at, deleted_at cleared. */
const existingSet = (bson: Bson, model: ModelInfo, update: Record<string, unknown>, now: Date): Doc => {
  const set: Doc = {}
  for (const [name, value] of Object.entries(update)) {
    const f = model.columnMap.get(name)
    if (f === undefined || managed(model, f) || value === undefined) continue
    set[f.column] = encodeValue(bson, f, value)
  }
  if (model.updatedAt) set[model.updatedAt.column] = now
  if (model.deletedAt) set[model.deletedAt.column] = null
  return set
}

/** One native upsert: `updateOne(filter, update, { upsert: true })`; created when `upsertedCount` is 1. */
export interface UpsertWrite {
  readonly filter: Doc
  /** An update pipeline (one `$replaceWith` stage). */
  readonly update: ReadonlyArray<Doc>
}

/**
 * The upsert of `plan`, `row` being `plan.row` with its key filled in (a generated UUID, the next
 * counter value). The create and update values may differ for one field, which `$set` and
 * `$setOnInsert` cannot say, so the update is a pipeline choosing between the whole new document
 * and the existing one merged with the update (values inside `$literal`: a string starting with `$`
 * stays a string). A new document is recognised as MongoDB seeds it from the filter's equalities:
 * on the key, `{ _id }` alone (a stored document always has more columns); on a unique key, without
 * `_id` (MongoDB adds `_id` after the update when it is missing). A conflict key with a null value
 * never matches (as SQL's unique keys, where NULLs never conflict): the row is inserted.
 */
export const upsertWrite = (
  bson: Bson,
  model: ModelInfo,
  plan: UpsertPlan,
  row: Record<string, unknown>
): UpsertWrite => {
  const nullKey = plan.conflict.some((f) => row[f.name] === null || row[f.name] === undefined)
  const onKey = isKey(model, plan.conflict)
  // on the key: the whole `_id` (a composite key's object in key order, as stored)
  const filter = nullKey ? matchNothing : onKey ? { _id: idOfRow(bson, model, row) } : toQuery(bson, model, plan.where)
  const isNew = onKey ? { $eq: [{ $size: { $objectToArray: "$$ROOT" } }, 1] } : { $eq: [{ $type: "$_id" }, "missing"] }
  const created = insertDocument(bson, model, row, plan.now)
  const set = existingSet(bson, model, plan.update, plan.now)
  return {
    filter,
    update: [
      {
        $replaceWith: {
          $cond: [isNew, { $literal: created }, { $mergeObjects: ["$$ROOT", { $literal: set }] }]
        }
      }
    ]
  }
}

/** A `bulkWrite` operation of `bulkUpsert`. */
export type UpsertOp =
  | { readonly updateOne: { readonly filter: Doc; readonly update: Doc; readonly upsert: true } }
  | { readonly insertOne: { readonly document: Doc } }

/**
 * The operations of `bulkUpsert` (one per row, keys filled in): a row whose conflict key is found
 * takes the batch's columns (those any row gives, null where this one has none, as SQL's multi-row
 * upsert), updated_at, deleted_at cleared, and keeps its key and created_at; a new one is the
 * insert document. A conflict key holding null never matches (SQL): an insert. Existing count:
 * `matchedCount` of the bulk result.
 */
export const bulkUpsertOps = (
  bson: Bson,
  model: ModelInfo,
  rows: ReadonlyArray<Record<string, unknown>>,
  conflict: ReadonlyArray<Field>,
  now: Date
): Array<UpsertOp> => {
  const given = new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== undefined)))
  const updated = model.columns.filter((f) => !managed(model, f) && !conflict.includes(f) && given.has(f.name))
  const onKey = isKey(model, conflict)
  return rows.map((row) => {
    const document = insertDocument(bson, model, row, now)
    if (conflict.some((f) => row[f.name] === null || row[f.name] === undefined)) return { insertOne: { document } }
    const filter: Doc = onKey
      ? { _id: idOfRow(bson, model, row) }
      : Object.fromEntries(conflict.map((f) => [pathOf(model, f), encodeValue(bson, f, row[f.name])]))
    const set: Doc = {}
    for (const f of updated) set[f.column] = document[f.column]
    if (model.updatedAt) set[model.updatedAt.column] = now
    if (model.deletedAt) set[model.deletedAt.column] = null
    const setOnInsert: Doc = {}
    for (const [column, value] of Object.entries(document)) {
      if (!(column in set) && !(column in filter)) setOnInsert[column] = value
    }
    // MongoDB refuses an empty $set or $setOnInsert (a key-only model without timestamps has neither)
    const update: Doc = {}
    if (Object.keys(set).length > 0) update["$set"] = set
    if (Object.keys(setOnInsert).length > 0) update["$setOnInsert"] = setOnInsert
    if (Object.keys(update).length === 0) update["$setOnInsert"] = { _id: document["_id"] }
    return { updateOne: { filter, update, upsert: true } }
  })
}
