/**
 * PostgreSQL full-text search: the model's document expression (the GIN index's, src/sql/TextDocument.ts)
 * matched by `websearch_to_tsquery` of the query written back as web-search text, ranked by `ts_rank_cd`.
 *
 * @since 0.1.0
 */
import type { TextTerm } from "../../backend/Backend.js"
import type { TextSearchSpec } from "../../model/Search.js"
import type { TextHooks } from "../../sql/Dialect.js"
import { tsDocument } from "../../sql/TextDocument.js"

/**
 * The parsed query as web-search text, every term quoted: `"a" -"b c" or "d"`. Quoting keeps a word
 * `or` a word and makes punctuation-free tokens, so PostgreSQL reads exactly the terms parsed here.
 */
export const toWebSearch = (query: ReadonlyArray<ReadonlyArray<TextTerm>>): string =>
  query.map((group) => group.map((t) => `${t.negated ? "-" : ""}"${t.words.join(" ")}"`).join(" ")).join(" or ")

const tsQuery = (spec: TextSearchSpec, param: string) => `websearch_to_tsquery('${spec.language}'::regconfig, ${param})`

/** The text hooks, given the dialect's identifier quoting. */
export const postgresText = (quote: (id: string) => string): TextHooks => ({
  queryText: toWebSearch,
  rowMatch: {
    // the document verbatim: the GIN index over it serves the match
    condition: (spec, param) => `${tsDocument(quote, spec)} @@ ${tsQuery(spec, param)}`,
    score: (spec, param) => `ts_rank_cd(${tsDocument(quote, spec)}, ${tsQuery(spec, param)})`
  }
})
