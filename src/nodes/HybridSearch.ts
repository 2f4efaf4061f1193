/**
 * `hybridSearch`: text and vector rankings fused by reciprocal rank fusion (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Row, TextHit, TextQuery, VectorHit, VectorQuery } from "../backend/Backend.js"
import { keyOf } from "../backend/Keys.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { Distance } from "../model/Search.js"
import { parseTextQuery } from "../query/TextQuery.js"
import {
  bad,
  defaultEfSearch,
  distanceOf,
  intParam,
  kParam,
  maxK,
  queryVector,
  selectedFields,
  vectorField
} from "./SearchParams.js"
import { databaseFor, filterOf, project } from "./Shared.js"
import { annotateOwn, traced } from "./Tracing.js"

/** Parameters of `hybridSearch`. */
export interface HybridSearchParams<Filter, Key extends string, VectorKey extends string = Key> {
  /** The text query (textSearch's syntax). */
  readonly text: string
  /** The query vector. */
  readonly vector: ReadonlyArray<number>
  /** How many records (1 to 1000). */
  readonly k: number
  readonly field?: VectorKey
  readonly distance?: Distance
  /** Each ranking's weight in the fusion (default 1 and 1). */
  readonly weights?: { readonly text?: number; readonly vector?: number }
  /** How many of each ranking are fused (default max(4k, 50)). */
  readonly candidates?: number
  readonly filter?: Filter
  readonly select?: ReadonlyArray<Key>
  readonly efSearch?: number
  readonly includeDeleted?: boolean
}

/** One fused result with its component ranks (null where that ranking did not have it). */
export interface HybridMatch<A> {
  readonly record: A
  /** Σ weight / (60 + rank) over the rankings that have the record. */
  readonly score: number
  readonly textRank: number | null
  readonly vectorRank: number | null
  readonly distance: number | null
}

/** What `hybridSearch` returns: best first, ties by key. */
export interface HybridSearchResult<A> {
  readonly records: ReadonlyArray<HybridMatch<A>>
}

/** The constant of reciprocal rank fusion: a record at rank r adds weight / (60 + r). */
export const rrfConstant = 60

const weightOf = (model: ModelInfo, path: string, v: unknown): number => {
  if (v === undefined) return 1
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw bad(model, path, "must be a non-negative finite number")
  return v
}

/** The weights: non-negative finite numbers (default 1), not both 0. */
export const weightsParam = (model: ModelInfo, v: unknown): { readonly text: number; readonly vector: number } => {
  if (v === undefined) return { text: 1, vector: 1 }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw bad(model, "weights", "is an object { text?, vector? }")
  const w = v as { readonly text?: unknown; readonly vector?: unknown }
  const weights = { text: weightOf(model, "weights.text", w.text), vector: weightOf(model, "weights.vector", w.vector) }
  if (weights.text === 0 && weights.vector === 0) throw bad(model, "weights", "must not both be 0")
  return weights
}

/** Checks the parameters into the two backend queries (each for `candidates` records) and the fusion's settings. */
export const hybridQuery = (model: ModelInfo, params: HybridSearchParams<unknown, string>) => {
  if (model.textSearch === undefined) throw bad(model, "textSearch", "the model declares no textSearch fields")
  const field = vectorField(model, params.field)
  const k = kParam(model, params.k)
  const candidates = intParam(model, "candidates", params.candidates, 1, maxK) ?? Math.min(Math.max(4 * k, 50), maxK)
  const common = {
    k: candidates,
    includeDeleted: params.includeDeleted === true,
    fields: selectedFields(model, params.select)
  }
  const vector: Omit<VectorQuery, "expr"> = {
    ...common,
    field,
    vector: queryVector(model, field, params.vector, distanceOf(model, field, params.distance)),
    distance: distanceOf(model, field, params.distance),
    efSearch: intParam(model, "efSearch", params.efSearch, 1, 1000) ?? defaultEfSearch
  }
  const text: Omit<TextQuery, "expr"> = { ...common, query: parseTextQuery(params.text, model.name) }
  return { k, vector, text, weights: weightsParam(model, params.weights), select: params.select }
}

/** Orders records by their key values (the databases' order for the key types: numbers, text by code unit). */
const byKey = (model: ModelInfo, a: Row, b: Row): number => {
  for (const f of model.key) {
    const x = a[f.name] as number | string | bigint
    const y = b[f.name] as number | string | bigint
    if (x < y) return -1
    if (x > y) return 1
  }
  return 0
}

interface Fused {
  readonly record: Row
  score: number
  textRank: number | null
  vectorRank: number | null
  distance: number | null
}

/** Reciprocal rank fusion of the two rankings: Σ weight / (60 + rank), best first, ties by key, at most k. */
export const fuse = (
  model: ModelInfo,
  text: ReadonlyArray<TextHit>,
  vector: ReadonlyArray<VectorHit>,
  weights: { readonly text: number; readonly vector: number },
  k: number
): Array<Fused> => {
  const byId = new Map<unknown, Fused>()
  const entry = (record: Row): Fused => {
    const id = keyOf(model.key, record)
    let e = byId.get(id)
    if (e === undefined) byId.set(id, (e = { record, score: 0, textRank: null, vectorRank: null, distance: null }))
    return e
  }
  text.forEach((h, i) => {
    const e = entry(h.record)
    e.textRank = i + 1
    e.score += weights.text / (rrfConstant + i + 1)
  })
  vector.forEach((h, i) => {
    const e = entry(h.record)
    e.vectorRank = i + 1
    e.distance = h.distance
    e.score += weights.vector / (rrfConstant + i + 1)
  })
  return [...byId.values()].sort((a, b) => b.score - a.score || byKey(model, a.record, b.record)).slice(0, k)
}

/** Searches by text and vector. */
export const hybridSearch = (model: ModelInfo, params: HybridSearchParams<unknown, string>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    const q = yield* Effect.try({
      try: () => hybridQuery(model, params ?? ({} as never)),
      catch: (e) => e as Errors.ValidationError
    })
    const db = yield* databaseFor(model)
    const vectorHits = yield* db.backend.vectorSearch(model, { ...q.vector, expr })
    const textHits = yield* db.backend.textSearch(model, { ...q.text, expr })
    const fused = fuse(model, textHits, vectorHits, q.weights, q.k)
    yield* annotateOwn("hybridSearch", {
      "dataflow.k": q.k,
      "dataflow.distance": q.vector.distance,
      "dataflow.rows": fused.length
    })
    const result: HybridSearchResult<Record<string, unknown>> = {
      records: fused.map((f) => ({
        record: project(model, f.record, q.select),
        score: f.score,
        textRank: f.textRank,
        vectorRank: f.vectorRank,
        distance: f.distance
      }))
    }
    return result
  }).pipe(traced("hybridSearch", model))
