/**
 * `textSearch`: the k records best matching a web-search style query (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { TextQuery } from "../backend/Backend.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { parseTextQuery } from "../query/TextQuery.js"
import { bad, kParam, selectedFields } from "./SearchParams.js"
import { databaseFor, filterOf, project } from "./Shared.js"
import { annotateOwn, traced } from "./Tracing.js"

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

/** Checks the parameters into the backend's query (the text parsed: src/query/TextQuery.ts). */
export const textQuery = (
  model: ModelInfo,
  params: TextSearchParams<unknown, string>
): Omit<TextQuery, "expr"> & { readonly select: ReadonlyArray<string> | undefined } => {
  if (model.textSearch === undefined) throw bad(model, "textSearch", "the model declares no textSearch fields")
  return {
    query: parseTextQuery(params.text, model.name),
    k: kParam(model, params.k),
    includeDeleted: params.includeDeleted === true,
    fields: selectedFields(model, params.select),
    select: params.select
  }
}

/** Searches by text. */
export const textSearch = (model: ModelInfo, params: TextSearchParams<unknown, string>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    const q = yield* Effect.try({
      try: () => textQuery(model, params ?? ({} as never)),
      catch: (e) => e as Errors.ValidationError
    })
    const db = yield* databaseFor(model)
    const hits = yield* db.backend.textSearch(model, { ...q, expr })
    // never the text: it may be a user's private words
    yield* annotateOwn("textSearch", { "dataflow.k": q.k, "dataflow.rows": hits.length })
    const result: TextSearchResult<Record<string, unknown>> = {
      records: hits.map((h, i) => ({ record: project(model, h.record, q.select), score: h.score, rank: i + 1 }))
    }
    return result
  }).pipe(traced("textSearch", model))
