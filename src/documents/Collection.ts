/**
 * The document API: a schemaless collection of JSON documents, the same on every database
 * (MongoDB natively; PostgreSQL JSONB, MariaDB JSON and SQLite JSON1 as one table per collection).
 * Filters, updates and pipelines are MongoDB's own language, restricted to one checked subset that
 * means the same everywhere (docs/documents.md); anything outside it fails `UnsupportedFeature`
 * naming the operator or stage, a malformed one `ValidationError` naming the path.
 *
 * ```ts
 * const orders = yield* Database.collection("orders")
 * yield* orders.insertMany([{ status: "done", category: "books", amount: 12 }])
 * yield* orders.aggregate([{ $match: { status: "done" } }, { $group: { _id: "$category", total: { $sum: "$amount" } } }])
 * ```
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as Errors from "../Errors.js"

/** A JSON value as documents hold it (no Date, no binary: one meaning on every database). */
export type DocumentValue =
  string | number | boolean | null | ReadonlyArray<DocumentValue> | { readonly [key: string]: DocumentValue }

/** A stored document: `_id` is a string (a UUID is generated when an insert gives none). */
export interface Document {
  readonly _id: string
  readonly [key: string]: DocumentValue
}

/** A document to insert (`_id` optional). */
export type NewDocument = { readonly _id?: string } & { readonly [key: string]: DocumentValue | undefined }

/** A MongoDB query document of the supported subset (docs/documents.md lists it). */
export type DocumentFilter = { readonly [key: string]: unknown }

/** A MongoDB update document: `$set`, `$unset`, `$inc`, `$push`, `$pull`. */
export type DocumentUpdate = { readonly [op: string]: { readonly [path: string]: unknown } }

/** One aggregation stage of the supported subset. */
export type PipelineStage = { readonly [stage: string]: unknown }

/** Options of `find`. */
export interface FindOptions {
  /** Field path → 1 (ascending) or -1 (descending); ties end by `_id` ascending. */
  readonly sort?: { readonly [path: string]: 1 | -1 }
  readonly skip?: number
  readonly limit?: number
  /** Inclusion (`{ a: 1 }`) or exclusion (`{ a: 0 }`) of top-level or dotted fields; `_id` is kept unless `_id: 0`. */
  readonly projection?: { readonly [path: string]: 0 | 1 }
}

/** Options of `createIndex`. */
export interface IndexOptions {
  readonly unique?: boolean
  /** Defaults to MongoDB's own naming (`a_1_b_-1`). */
  readonly name?: string
}

/** What a collection's operations fail with. */
export type DocumentError =
  Errors.ValidationError | Errors.UnsupportedFeature | Errors.UniqueViolation | Errors.StatementFailure

/** A collection of one database. */
export interface Collection {
  readonly name: string
  readonly insertOne: (doc: NewDocument) => Effect.Effect<{ readonly insertedId: string }, DocumentError>
  /** All or nothing: a duplicate `_id` or unique key fails the whole call and inserts none. */
  readonly insertMany: (
    docs: ReadonlyArray<NewDocument>
  ) => Effect.Effect<{ readonly insertedIds: ReadonlyArray<string> }, DocumentError>
  readonly find: (
    filter?: DocumentFilter,
    options?: FindOptions
  ) => Effect.Effect<ReadonlyArray<Document>, DocumentError>
  readonly findOne: (filter?: DocumentFilter) => Effect.Effect<Document | undefined, DocumentError>
  /** The first matching document (by `_id`) is updated. */
  readonly updateOne: (
    filter: DocumentFilter,
    update: DocumentUpdate
  ) => Effect.Effect<{ readonly matched: number; readonly modified: number }, DocumentError>
  readonly updateMany: (
    filter: DocumentFilter,
    update: DocumentUpdate
  ) => Effect.Effect<{ readonly matched: number; readonly modified: number }, DocumentError>
  readonly deleteOne: (filter: DocumentFilter) => Effect.Effect<{ readonly deleted: number }, DocumentError>
  readonly deleteMany: (filter: DocumentFilter) => Effect.Effect<{ readonly deleted: number }, DocumentError>
  readonly count: (filter?: DocumentFilter) => Effect.Effect<number, DocumentError>
  readonly aggregate: (pipeline: ReadonlyArray<PipelineStage>) => Effect.Effect<ReadonlyArray<Document>, DocumentError>
  /** Keys: field path → 1 / -1. Idempotent for the same keys and options. */
  readonly createIndex: (
    keys: { readonly [path: string]: 1 | -1 },
    options?: IndexOptions
  ) => Effect.Effect<{ readonly name: string }, DocumentError>
  /** Removes the collection and everything in it (its table on SQL); nothing when absent. */
  readonly drop: () => Effect.Effect<void, DocumentError>
}

/** How a database family opens collections: `Database.collection(name)`. */
export type Collections = (name: string) => Effect.Effect<Collection, Errors.ValidationError | DocumentError>
