/**
 * SQLite full-text search: the model's FTS5 table (`<table>__fts`, kept in sync by triggers) matched by
 * the parsed query compiled to an FTS5 expression, ranked by −bm25.
 *
 * @since 0.1.0
 */
import type { TextTerm } from "../../backend/Backend.js"
import type { TextHooks } from "../../sql/Dialect.js"

const quoted = (t: TextTerm) => `"${t.words.join(" ")}"`

/**
 * The parsed query as an FTS5 expression: every token double-quoted (so no word is read as an
 * operator), each group `("a" AND "b c" NOT "d")`, the groups joined by OR. Words are letters and
 * digits only, so nothing inside the quotes needs escaping.
 */
export const toFts5 = (query: ReadonlyArray<ReadonlyArray<TextTerm>>): string =>
  query
    .map((group) => {
      const positive = group.filter((t) => !t.negated).map(quoted)
      const negative = group.filter((t) => t.negated).map((t) => ` NOT ${quoted(t)}`)
      return `(${positive.join(" AND ")}${negative.join("")})`
    })
    .join(" OR ")

/** The text hooks. */
export const sqliteText: TextHooks = {
  queryText: toFts5,
  matchTable: (table, param, keys) =>
    `SELECT "id" AS df_key, -bm25(${table}) AS df_score FROM ${table} WHERE ${table} MATCH ${param}` +
    (keys === undefined ? "" : ` AND "id" IN (${keys})`)
}
