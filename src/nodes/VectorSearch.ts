/**
 * `vectorSearch`: the k records nearest a vector, under the model's typed filter (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { VectorQuery } from "../backend/Backend.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { Distance } from "../model/Search.js"
import { annotateOwn, traced } from "./Tracing.js"
import {
  defaultEfSearch,
  distanceOf,
  finiteParam,
  intParam,
  kParam,
  queryVector,
  selectedFields,
  vectorField
} from "./SearchParams.js"
import { databaseFor, filterOf, project } from "./Shared.js"

/** Parameters of `vectorSearch`. */
export interface VectorSearchParams<Filter, Key extends string, VectorKey extends string = Key> {
  /** The query vector (the field's dimensions). */
  readonly vector: ReadonlyArray<number>
  /** How many records (1 to 1000). */
  readonly k: number
  /** The vector field searched; required only when the model has several. */
  readonly field?: VectorKey
  /** Default: the field's index's distance, else "cosine". */
  readonly distance?: Distance
  readonly filter?: Filter
  readonly select?: ReadonlyArray<Key>
  /** Only records at most this far. */
  readonly maxDistance?: number
  /** HNSW candidate list while searching (PostgreSQL; default 100). Exact searches have nothing to tune. */
  readonly efSearch?: number
  /** IVFFlat lists searched (PostgreSQL; default: pgvector's 1). */
  readonly probes?: number
  readonly includeDeleted?: boolean
}

/** One result: the record and its distance from the query vector. */
export interface VectorMatch<A> {
  readonly record: A
  readonly distance: number
}

/** What `vectorSearch` returns: nearest first, ties by key. */
export interface VectorSearchResult<A> {
  readonly records: ReadonlyArray<VectorMatch<A>>
}

/** Checks the parameters into the backend's query. */
export const vectorQuery = (
  model: ModelInfo,
  params: VectorSearchParams<unknown, string>
): Omit<VectorQuery, "expr"> & { readonly select: ReadonlyArray<string> | undefined } => {
  const field = vectorField(model, params.field)
  return {
    field,
    vector: queryVector(model, field, params.vector, distanceOf(model, field, params.distance)),
    k: kParam(model, params.k),
    distance: distanceOf(model, field, params.distance),
    includeDeleted: params.includeDeleted === true,
    fields: selectedFields(model, params.select),
    select: params.select,
    maxDistance: finiteParam(model, "maxDistance", params.maxDistance),
    efSearch: intParam(model, "efSearch", params.efSearch, 1, 1000) ?? defaultEfSearch,
    probes: intParam(model, "probes", params.probes, 1, 32768)
  }
}

/** Searches by vector. */
export const vectorSearch = (model: ModelInfo, params: VectorSearchParams<unknown, string>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    const q = yield* Effect.try({
      try: () => vectorQuery(model, params ?? ({} as never)),
      catch: (e) => e as Errors.ValidationError
    })
    const db = yield* databaseFor(model)
    const hits = yield* db.backend.vectorSearch(model, { ...q, expr })
    yield* annotateOwn("vectorSearch", {
      "dataflow.k": q.k,
      "dataflow.distance": q.distance,
      "dataflow.rows": hits.length
    })
    const result: VectorSearchResult<Record<string, unknown>> = {
      records: hits.map((h) => ({ record: project(model, h.record, q.select), distance: h.distance }))
    }
    return result
  }).pipe(traced("vectorSearch", model))
