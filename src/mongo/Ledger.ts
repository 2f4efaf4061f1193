/**
 * The MongoDB ledger: one document per applied plan in the `dataflow_migrations` collection, `_id`
 * the entry's id and the other fields the SQL ledger's (src/migrations/Ledger.ts: checksum,
 * description, up, down, destructiveDown, startedAt, finishedAt, success, failedStep, tables,
 * createdTables). The collection appears with its first entry; an absent one is an empty ledger.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type * as Errors from "../Errors.js"
import type { LedgerEntry } from "../migrations/Ledger.js"
import { ledgerCollection, type MongoSchemaHandle } from "./MigrateDb.js"

type Started = Omit<LedgerEntry, "finishedAt" | "success" | "failedStep">

const strings = (v: unknown): ReadonlyArray<string> => (Array.isArray(v) ? v.map(String) : [])

/** A stored ledger document as an entry. */
export const entryOf = (d: Record<string, unknown>): LedgerEntry => ({
  id: String(d["_id"]),
  checksum: String(d["checksum"] ?? ""),
  description: strings(d["description"]),
  up: strings(d["up"]),
  down: strings(d["down"]),
  destructiveDown: strings(d["destructiveDown"]),
  startedAt: String(d["startedAt"] ?? ""),
  finishedAt: typeof d["finishedAt"] === "string" ? d["finishedAt"] : null,
  success: d["success"] === true,
  failedStep: typeof d["failedStep"] === "string" ? d["failedStep"] : null,
  tables: strings(d["tables"]),
  createdTables: strings(d["createdTables"])
})

const ledger = (h: MongoSchemaHandle) => h.db.collection<Record<string, unknown>>(ledgerCollection)
const context = { operation: "migrate", model: ledgerCollection }

/** Every entry, oldest first (ids sort by time). */
export const list = (h: MongoSchemaHandle): Effect.Effect<ReadonlyArray<LedgerEntry>, Errors.QueryError> =>
  Effect.map(
    h.run(context, () => ledger(h).find({}).sort({ _id: 1 }).toArray()),
    (docs) => docs.map(entryOf)
  )

/** Records that a plan started (not finished, not a success). */
export const start = (h: MongoSchemaHandle, entry: Started): Effect.Effect<void, Errors.QueryError> => {
  const { id, ...rest } = entry
  return Effect.asVoid(
    h.run(context, () =>
      ledger(h).insertOne({ _id: id as never, ...rest, finishedAt: null, success: false, failedStep: null })
    )
  )
}

/** Records success. */
export const finish = (h: MongoSchemaHandle, id: string): Effect.Effect<void, Errors.QueryError> =>
  Effect.asVoid(
    h.run(context, () =>
      ledger(h).updateOne({ _id: id as never }, { $set: { finishedAt: new Date().toISOString(), success: true } })
    )
  )

/** Records which step failed: the entry stays dirty. */
export const fail = (h: MongoSchemaHandle, id: string, step: string): Effect.Effect<void, Errors.QueryError> =>
  Effect.asVoid(h.run(context, () => ledger(h).updateOne({ _id: id as never }, { $set: { failedStep: step } })))

/** Removes an entry. */
export const remove = (h: MongoSchemaHandle, id: string): Effect.Effect<void, Errors.QueryError> =>
  Effect.asVoid(h.run(context, () => ledger(h).deleteOne({ _id: id as never })))
