/**
 * `textSearch`: the k records best matching a web-search style query (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { traced } from "./Tracing.js"

/** Parameters of `textSearch`. */
export interface TextSearchParams<Filter, Key extends string> {
  /** Words (all must match), "quoted phrases", `or` between alternatives, `-word` to exclude. */
  readonly text: string
  /** How many records (1 to 1000). */
  readonly k: number
  readonly filter?: Filter
  readonly select?: ReadonlyArray<Key>
  readonly includeDeleted?: boolean
}

/** One result: the record, its relevance (higher is better) and its 1-based rank. */
export interface TextMatch<A> {
  readonly record: A
  readonly score: number
  readonly rank: number
}

/** What `textSearch` returns: best first, ties by key. */
export interface TextSearchResult<A> {
  readonly records: ReadonlyArray<TextMatch<A>>
}

/** Searches by text. */
export const textSearch = (model: ModelInfo, _params: TextSearchParams<unknown, string>) =>
  Effect.fail(new Errors.UnsupportedFeature({ dialect: "any", feature: "textSearch (not yet built)" })).pipe(
    Effect.as<TextSearchResult<Record<string, unknown>>>({ records: [] }),
    traced("textSearch", model)
  )
