/**
 * `DataFlow.model`: define a model from Effect Schema fields and get its 11 typed operations.
 *
 * ```ts
 * const User = DataFlow.model("User", {
 *   id: Schema.String, name: Schema.String, email: Schema.String,
 *   age: Schema.optional(Schema.Int), active: Schema.Boolean
 * }, { unique: [["email"]], indexes: [["age"]] })
 *
 * const alice = yield* User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true })
 * ```
 *
 * @since 0.1.0
 */
import type { Effect, Schema } from "effect"
import type { Database } from "./Database.js"
import type * as Errors from "./Errors.js"
import {
  type CreateInput,
  describeModel,
  type Id,
  type KeyName,
  type ModelInfo,
  type ModelOptions,
  type Row,
  type UpdateFields
} from "./model/Model.js"
import { makeSchemas, type ModelSchemas } from "./model/Schemas.js"
import {
  bulkCreate,
  type BulkCreateParams,
  bulkDelete,
  type BulkDeleteParams,
  bulkUpdate,
  type BulkUpdateParams
} from "./nodes/Bulk.js"
import { create } from "./nodes/Create.js"
import { type DeleteParams, remove } from "./nodes/Delete.js"
import { count, type CountParams, list, type ListParams, type Page } from "./nodes/List.js"
import { read, type ReadParams } from "./nodes/Read.js"
import { update, type UpdateParams } from "./nodes/Update.js"
import { bulkUpsert, type BulkUpsertParams, upsert, type UpsertParams, type UpsertResult } from "./nodes/Upsert.js"
import { hybridSearch, type HybridSearchParams, type HybridSearchResult } from "./nodes/HybridSearch.js"
import { textSearch, type TextSearchParams, type TextSearchResult } from "./nodes/TextSearch.js"
import { vectorSearch, type VectorSearchParams, type VectorSearchResult } from "./nodes/VectorSearch.js"
import type { Filter } from "./query/Filter.js"

export type { CreateInput, Id, KeyName, ModelOptions, Row, UpdateFields } from "./model/Model.js"
export type { Filter } from "./query/Filter.js"
export type { JsonOf, JsonValue, ModelSchemas } from "./model/Schemas.js"
export type { Page } from "./nodes/List.js"
export type { UpsertResult } from "./nodes/Upsert.js"
export { dateOnly, dateTime, decimal } from "./model/Columns.js"
export { vector } from "./model/Vector.js"
export type { Distance, TextSearchOption, VectorIndexOption } from "./model/Search.js"
export type { VectorMatch, VectorSearchParams, VectorSearchResult } from "./nodes/VectorSearch.js"
export type { TextMatch, TextSearchParams, TextSearchResult } from "./nodes/TextSearch.js"
export type { HybridMatch, HybridSearchParams, HybridSearchResult } from "./nodes/HybridSearch.js"

/** The names of a model's vector fields (`DataFlow.vector(n)`). */
export type VectorKey<F extends Schema.Struct.Fields> = {
  [K in keyof Schema.Struct.Type<F>]-?: NonNullable<Schema.Struct.Type<F>[K]> extends ReadonlyArray<number> ? K : never
}[keyof Schema.Struct.Type<F>] &
  string

/** The search operations: not generated as CRUD nodes, but as `<Model>VectorSearchNode` / `<Model>HybridSearchNode`. */
export const searches = ["vectorSearch", "textSearch", "hybridSearch"] as const

/** The 11 operation names, as used in node types (`UserCreateNode`, …). */
export const operations = [
  "create",
  "read",
  "update",
  "delete",
  "list",
  "count",
  "upsert",
  "bulkCreate",
  "bulkUpdate",
  "bulkDelete",
  "bulkUpsert"
] as const

/** One of the 11 operation names. */
export type Operation = (typeof operations)[number]

/**
 * A model: its Schema, its table facts and its 11 operations, each an Effect requiring `Database`.
 * `O` is the model's options as written (`timestamps: false`, `primaryKey`, `autoIncrement: false`
 * shape the record, id and create input types).
 */
export interface Model<Name extends string, F extends Schema.Struct.Fields, O = {}> {
  readonly name: Name
  readonly table: string
  readonly fields: F
  readonly info: ModelInfo
  /** Phantom: the record type (`typeof User.Type`). */
  readonly Type: Row<F, O>
  /**
   * Schemas an HTTP layer decodes requests with (`User.schemas.create`, `.update`) and encodes
   * records with (`.json`); `.record` validates a record as read. JSON form: dates ISO strings,
   * decimals and bigints strings, bytes base64.
   */
  readonly schemas: ModelSchemas<F, O>

  /** Inserts one record and returns it as stored. */
  readonly create: (input: CreateInput<F, O>) => Effect.Effect<Row<F, O>, Errors.CreateError, Database>
  /** One record by id; fails NotFound when absent. */
  readonly read: (params: ReadParams<Id<F, O>>) => Effect.Effect<Row<F, O>, Errors.ReadError, Database>
  /** Changes fields of one record by id; fails NotFound when absent. */
  readonly update: (
    params: UpdateParams<Id<F, O>, UpdateFields<F, O>>
  ) => Effect.Effect<Row<F, O>, Errors.UpdateError, Database>
  /** Deletes one record by id; `deleted: false` when it was absent. */
  readonly delete: (
    params: DeleteParams<Id<F, O>>
  ) => Effect.Effect<{ readonly id: Id<F, O>; readonly deleted: boolean }, Errors.DeleteError, Database>
  /** One page of matching records, the total of all matches and a keyset cursor. */
  readonly list: {
    <K extends keyof Row<F, O> & string>(
      params: ListParams<Filter<Row<F, O>>, keyof Row<F, O> & string> & { readonly select: ReadonlyArray<K> }
    ): Effect.Effect<Page<Pick<Row<F, O>, K | (KeyName<O> & keyof Row<F, O>)>>, Errors.ListError, Database>
    (
      params?: ListParams<Filter<Row<F, O>>, keyof Row<F, O> & string>
    ): Effect.Effect<Page<Row<F, O>>, Errors.ListError, Database>
  }
  /** Number of matching records. */
  readonly count: (params?: CountParams<Filter<Row<F, O>>>) => Effect.Effect<number, Errors.CountError, Database>
  /** Creates the record `where` names, or applies `update` to it. */
  readonly upsert: (
    params: UpsertParams<Partial<Row<F, O>>, Partial<CreateInput<F, O>>, UpdateFields<F, O>>
  ) => Effect.Effect<UpsertResult<Row<F, O>>, Errors.UpsertError, Database>
  /** Inserts many records in one transaction. */
  readonly bulkCreate: <StreamError = never>(
    params: BulkCreateParams<CreateInput<F, O>, StreamError>
  ) => Effect.Effect<
    { readonly inserted: number; readonly skipped: number },
    Errors.BulkCreateError | StreamError,
    Database
  >
  /** Updates every matching record; an empty filter needs `confirmed: true`. */
  readonly bulkUpdate: (
    params: BulkUpdateParams<Filter<Row<F, O>>, UpdateFields<F, O>>
  ) => Effect.Effect<{ readonly updated: number }, Errors.BulkUpdateError, Database>
  /** Deletes every matching record; an empty filter needs `confirmed: true`. */
  readonly bulkDelete: (
    params: BulkDeleteParams<Filter<Row<F, O>>>
  ) => Effect.Effect<{ readonly deleted: number }, Errors.BulkDeleteError, Database>
  /** Creates or updates many records on `conflictOn` (default: the primary key) in one transaction. */
  readonly bulkUpsert: (
    params: BulkUpsertParams<CreateInput<F, O>, keyof F & string>
  ) => Effect.Effect<
    { readonly inserted: number; readonly updated: number; readonly skipped: number },
    Errors.BulkUpsertError,
    Database
  >
  /** The `k` records nearest a vector among those the filter matches, nearest first (docs/vector-search.md). */
  readonly vectorSearch: (
    params: VectorSearchParams<Filter<Row<F, O>>, keyof Row<F, O> & string, VectorKey<F>>
  ) => Effect.Effect<VectorSearchResult<Row<F, O>>, Errors.SearchError, Database>
  /** The `k` records best matching a text query (the model's `textSearch` fields), best first. */
  readonly textSearch: (
    params: TextSearchParams<Filter<Row<F, O>>, keyof Row<F, O> & string>
  ) => Effect.Effect<TextSearchResult<Row<F, O>>, Errors.SearchError, Database>
  /** Text and vector rankings fused by reciprocal rank fusion, best first, with each ranking's rank. */
  readonly hybridSearch: (
    params: HybridSearchParams<Filter<Row<F, O>>, keyof Row<F, O> & string, VectorKey<F>>
  ) => Effect.Effect<HybridSearchResult<Row<F, O>>, Errors.SearchError, Database>
}

/** Any model. */
export type AnyModel = Model<string, any, any>

/**
 * Defines a model. Throws ValidationError at definition time for a model that cannot be stored
 * (no `id`, an unsupported field type, a key naming an unknown field).
 */
export const model = <const Name extends string, F extends Schema.Struct.Fields, const O extends ModelOptions<F> = {}>(
  name: Name,
  fields: F,
  options?: O
): Model<Name, F, O> => {
  const info = describeModel(name, fields, options ?? {})
  return {
    name,
    table: info.table,
    fields,
    info,
    Type: undefined as never,
    schemas: makeSchemas<F, O>(fields, info),
    create: (input) => create(info, input) as any,
    read: (params) => read(info, params) as any,
    update: (params) => update(info, params) as any,
    delete: (params) => remove(info, params) as any,
    list: ((params?: ListParams<unknown, string>) => list(info, params)) as any,
    count: (params) => count(info, params) as any,
    upsert: (params) => upsert(info, params) as any,
    bulkCreate: (params) => bulkCreate(info, params as BulkCreateParams<unknown>) as any,
    bulkUpdate: (params) => bulkUpdate(info, params) as any,
    bulkDelete: (params) => bulkDelete(info, params) as any,
    bulkUpsert: (params) => bulkUpsert(info, params) as any,
    vectorSearch: (params) => vectorSearch(info, params as VectorSearchParams<unknown, string>) as any,
    textSearch: (params) => textSearch(info, params as TextSearchParams<unknown, string>) as any,
    hybridSearch: (params) => hybridSearch(info, params as HybridSearchParams<unknown, string>) as any
  }
}
