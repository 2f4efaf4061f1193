/**
 * The document scenarios' shared parts: the collection (one table, created by our document API),
 * the seeded documents, and what each side implements — our `Database.collection` and the JSON SQL
 * a user would write by hand on the raw driver.
 */

/** The collection (its SQL table has the same name: `id` primary key, `doc` JSON). */
export const collectionName = "bench_docs"

/** The statuses documents cycle through: a find / count by status matches a fifth of them. */
export const statuses = ["new", "paid", "sent", "done", "void"] as const
/** The status found, counted and aggregated. */
export const chosenStatus = "paid"
export const categories = 10
export const findLimit = 20

/** A seeded or inserted document (its `_id` beside). */
export interface Doc {
  readonly _id: string
  readonly status: string
  readonly category: string
  readonly amount: number
  readonly n: number
  readonly name: string
}

export const makeDoc = (prefix: string, i: number): Doc => ({
  _id: `${prefix}${String(i).padStart(8, "0")}`,
  status: statuses[i % statuses.length]!,
  category: `c${i % categories}`,
  amount: i % 100,
  n: 0,
  name: `document ${i}`
})

/** The operations both sides implement. */
export interface DocOps {
  /** Inserts one document. */
  readonly insertOne: (doc: Doc) => Promise<unknown>
  /** Documents with `status` = chosenStatus, `findLimit` of them, ordered by `_id`. */
  readonly find: () => Promise<ReadonlyArray<unknown>>
  /** Sets `n` of one document by `_id`. */
  readonly updateOne: (id: string, n: number) => Promise<unknown>
  /** Number of documents with `status` = chosenStatus. */
  readonly count: () => Promise<number>
  /** `$match` status, `$group` by category with the sum of `amount`, ordered by category. */
  readonly aggregate: () => Promise<ReadonlyArray<{ readonly _id: unknown; readonly total: unknown }>>
  readonly close: () => Promise<void>
}

/** The scenarios, in report order. */
export const documentScenarios = [
  { id: "insertOne", title: "insertOne" },
  { id: "find", title: `find by a field equality, limit ${findLimit}` },
  { id: "updateOne", title: "updateOne $set by _id" },
  { id: "count", title: "count by a field equality" },
  { id: "aggregate", title: "aggregate $match + $group ($sum)" }
] as const
