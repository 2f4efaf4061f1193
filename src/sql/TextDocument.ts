/**
 * The text a model's `textSearch` fields make together, as PostgreSQL indexes and searches it: one
 * expression, so that the GIN index migrations create is the one searches use.
 *
 * @since 0.1.0
 */
import type { TextSearchSpec } from "../model/Search.js"

/** `to_tsvector('english'::regconfig, coalesce("title", '') || ' ' || coalesce("body", ''))` */
export const tsDocument = (quote: (id: string) => string, spec: TextSearchSpec, prefix = ""): string =>
  `to_tsvector('${spec.language}'::regconfig, ${spec.fields.map((f) => `coalesce(${prefix}${quote(f.column)}, '')`).join(" || ' ' || ")})`

/** FTS5's tokenizer for a language: Porter stemming for english, words as written for simple. */
export const ftsTokenizer = (spec: TextSearchSpec): string =>
  spec.language === "english" ? "porter unicode61" : "unicode61"
