/**
 * `hybridSearch`: text and vector rankings fused by reciprocal rank fusion (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { Distance } from "../model/Search.js"
import { traced } from "./Tracing.js"

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

/** Searches by text and vector. */
export const hybridSearch = (model: ModelInfo, _params: HybridSearchParams<unknown, string>) =>
  Effect.fail(new Errors.UnsupportedFeature({ dialect: "any", feature: "hybridSearch (not yet built)" })).pipe(
    Effect.as<HybridSearchResult<Record<string, unknown>>>({ records: [] }),
    traced("hybridSearch", model)
  )
