/**
 * The 8 document node types (Kailash DataFlow's names): workflow nodes over the document API
 * (docs/documents.md), on every database. They need no model: `collection` names the collection,
 * opened with `Database.collection(name)` when the node runs.
 *
 * | node type                | parameters                                                     | result                       |
 * | ------------------------ | -------------------------------------------------------------- | ---------------------------- |
 * | `DocumentInsertNode`     | `collection`, `document`                                       | `{ insertedId }`             |
 * | `DocumentFindNode`       | `collection`, `filter?`, `sort?`, `skip?`, `limit?`, `projection?` | `{ documents }`          |
 * | `DocumentUpdateNode`     | `collection`, `filter`, `update`, `many?`, `confirmed?`        | `{ matched, modified }`      |
 * | `DocumentDeleteNode`     | `collection`, `filter`, `many?`, `confirmed?`                  | `{ deleted }`                |
 * | `BulkDocumentInsertNode` | `collection`, `documents`                                      | `{ insertedIds, inserted }`  |
 * | `AggregateNode`          | `collection`, `pipeline`                                       | `{ documents }`              |
 * | `CreateIndexNode`        | `collection`, `keys`, `unique?`, `name?`                       | `{ name }`                   |
 * | `DocumentCountNode`      | `collection`, `filter?`                                        | `{ count }`                  |
 *
 * `many: true` updates/deletes every match (else the first by `_id`); an empty filter with `many`
 * needs `confirmed: true` (EmptyFilterRefused otherwise), as the model bulk nodes do.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Database } from "../Database.js"
import type {
  Document,
  DocumentFilter,
  DocumentUpdate,
  FindOptions,
  NewDocument,
  PipelineStage
} from "../documents/Collection.js"
import * as Errors from "../Errors.js"

/** Node type → the operation it runs. */
export const documentNodes = {
  DocumentInsertNode: "documentInsert",
  DocumentFindNode: "documentFind",
  DocumentUpdateNode: "documentUpdate",
  DocumentDeleteNode: "documentDelete",
  BulkDocumentInsertNode: "bulkDocumentInsert",
  AggregateNode: "aggregate",
  CreateIndexNode: "createIndex",
  DocumentCountNode: "documentCount"
} as const

/** A document node type: `DocumentInsertNode`, `DocumentFindNode`, … */
export type DocumentNodeType = keyof typeof documentNodes

/** The operation of a document node type. */
export type DocumentOperation = (typeof documentNodes)[DocumentNodeType]

/** Is `type` one of the 8 document node types? */
export const isDocumentNodeType = (type: string): type is DocumentNodeType => Object.hasOwn(documentNodes, type)

interface Target {
  /** The collection's name (docs/documents.md: names). */
  readonly collection: string
}

/** The parameters of each document node type. */
export interface DocumentParams {
  readonly DocumentInsertNode: Target & { readonly document: NewDocument }
  readonly DocumentFindNode: Target & { readonly filter?: DocumentFilter } & FindOptions
  readonly DocumentUpdateNode: Target & {
    readonly filter: DocumentFilter
    readonly update: DocumentUpdate
    /** Update every match (default: the first by `_id`). */
    readonly many?: boolean
    /** Needed with `many` and an empty filter. */
    readonly confirmed?: boolean
  }
  readonly DocumentDeleteNode: Target & {
    readonly filter: DocumentFilter
    readonly many?: boolean
    readonly confirmed?: boolean
  }
  readonly BulkDocumentInsertNode: Target & { readonly documents: ReadonlyArray<NewDocument> }
  readonly AggregateNode: Target & { readonly pipeline: ReadonlyArray<PipelineStage> }
  readonly CreateIndexNode: Target & {
    readonly keys: { readonly [path: string]: 1 | -1 }
    readonly unique?: boolean
    readonly name?: string
  }
  readonly DocumentCountNode: Target & { readonly filter?: DocumentFilter }
}

/** The result of each document node type. */
export interface DocumentOutputs {
  readonly DocumentInsertNode: { readonly insertedId: string }
  readonly DocumentFindNode: { readonly documents: ReadonlyArray<Document> }
  readonly DocumentUpdateNode: { readonly matched: number; readonly modified: number }
  readonly DocumentDeleteNode: { readonly deleted: number }
  readonly BulkDocumentInsertNode: { readonly insertedIds: ReadonlyArray<string>; readonly inserted: number }
  readonly AggregateNode: { readonly documents: ReadonlyArray<Document> }
  readonly CreateIndexNode: { readonly name: string }
  readonly DocumentCountNode: { readonly count: number }
}

/** What a document node fails with: the document API's errors, or an empty filter refused. */
export type DocumentNodeError =
  | Errors.ValidationError
  | Errors.UnsupportedFeature
  | Errors.UniqueViolation
  | Errors.StatementFailure
  | Errors.EmptyFilterRefused

type Params = Readonly<Record<string, unknown>>

const isEmpty = (filter: unknown) =>
  filter === undefined || (typeof filter === "object" && filter !== null && Object.keys(filter).length === 0)

/** `many` with an empty filter needs `confirmed: true`. */
const guard = (p: Params, operation: string) =>
  p["many"] === true && isEmpty(p["filter"]) && p["confirmed"] !== true
    ? Effect.fail(new Errors.EmptyFilterRefused({ model: String(p["collection"]).slice(0, 64), operation }))
    : Effect.void

const findOptions = (p: Params): FindOptions =>
  Object.fromEntries(
    (["sort", "skip", "limit", "projection"] as const).filter((k) => p[k] !== undefined).map((k) => [k, p[k]])
  ) as FindOptions

/** Runs a document node's operation with its (filled) parameters. */
export const runDocument = (
  operation: DocumentOperation,
  params: unknown
): Effect.Effect<unknown, DocumentNodeError, Database> =>
  Effect.gen(function* () {
    const p = (params ?? {}) as Params
    const db = yield* Database
    if (typeof p["collection"] !== "string") {
      return yield* new Errors.ValidationError({ path: "collection", reason: "must be a string" })
    }
    const c = yield* db.collection(p["collection"])
    switch (operation) {
      case "documentInsert":
        return yield* c.insertOne(p["document"] as NewDocument)
      case "documentFind":
        return { documents: yield* c.find(p["filter"] as DocumentFilter | undefined, findOptions(p)) }
      case "documentUpdate": {
        yield* guard(p, "updateMany")
        const f = p["many"] === true ? c.updateMany : c.updateOne
        return yield* f(p["filter"] as DocumentFilter, p["update"] as DocumentUpdate)
      }
      case "documentDelete": {
        yield* guard(p, "deleteMany")
        return yield* (p["many"] === true ? c.deleteMany : c.deleteOne)(p["filter"] as DocumentFilter)
      }
      case "bulkDocumentInsert": {
        const { insertedIds } = yield* c.insertMany(p["documents"] as ReadonlyArray<NewDocument>)
        return { insertedIds, inserted: insertedIds.length }
      }
      case "aggregate":
        return { documents: yield* c.aggregate(p["pipeline"] as ReadonlyArray<PipelineStage>) }
      case "createIndex": {
        const options = { ...(p["unique"] !== undefined ? { unique: p["unique"] as boolean } : {}) }
        const named = p["name"] !== undefined ? { ...options, name: p["name"] as string } : options
        return yield* c.createIndex(p["keys"] as { readonly [path: string]: 1 | -1 }, named)
      }
      case "documentCount":
        return { count: yield* c.count(p["filter"] as DocumentFilter | undefined) }
    }
  })

const n = (v: unknown) => (typeof v === "number" ? v : 0)

/** How many documents a document node's result covers (for spans; never a value). */
export const documentRows = (operation: DocumentOperation, out: unknown): number => {
  const o = (out ?? {}) as Record<string, unknown>
  switch (operation) {
    case "documentInsert":
      return 1
    case "documentFind":
    case "aggregate":
      return Array.isArray(o["documents"]) ? o["documents"].length : 0
    case "documentUpdate":
      return n(o["modified"])
    case "documentDelete":
      return n(o["deleted"])
    case "bulkDocumentInsert":
      return n(o["inserted"])
    case "createIndex":
      return 0
    case "documentCount":
      return n(o["count"])
  }
}
