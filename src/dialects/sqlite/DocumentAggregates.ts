/**
 * SQLite's JSON-building hooks of the pipeline compiler (src/documents/SqlAggregateHooks.ts):
 * `json_object`, `json_group_array(… ORDER BY …)`, `json_set`, `json_remove`, `json_each`. JSON
 * values travel as JSON text (`->`) and are re-marked as JSON with `json(x)` where embedded.
 *
 * @since 0.1.0
 */
import { type AggregateHooks, segment } from "../../documents/SqlAggregateHooks.js"
import { dollarPath } from "../../documents/SqlHooks.js"

/** The pipeline hooks of SQLite. */
export const sqliteAggregates: AggregateHooks = {
  withId: (doc, id) => `json_insert(${doc}, '$._id', ${id})`,
  at: (doc, path) => `(${doc} -> ${dollarPath(path)})`,
  object: (entries) => {
    const obj = `json_object(${entries.map((e) => `'${segment(e.key)}', ${e.number === true ? e.value : `json(${e.value})`}`).join(", ")})`
    const optional = entries.filter((e) => e.optional === true)
    return optional.length === 0
      ? obj
      : `json_remove(${obj}, ${optional.map((e) => `CASE WHEN ${e.value} IS NULL THEN ${dollarPath([e.key])} ELSE '$."$"' END`).join(", ")})`
  },
  remove: (doc, paths) => `json_remove(${doc}, ${paths.map(dollarPath).join(", ")})`,
  set: (doc, path, value) => `json_set(${doc}, ${dollarPath(path)}, json(${value}))`,
  arrayAgg: (value, order) => `json_group_array(json(${value}) ORDER BY ${order}) FILTER (WHERE ${value} IS NOT NULL)`,
  literal: (text) => `json('${segment(text)}')`,
  numberLiteral: (n) => (Number.isInteger(n) ? String(n) : `CAST(${String(n)} AS REAL)`),
  number: (doc, path) =>
    `(CASE WHEN json_type(${doc}, ${dollarPath(path)}) IN ('integer', 'real') THEN json_extract(${doc}, ${dollarPath(path)}) END)`,
  composite: (doc, path) =>
    `(CASE WHEN json_type(${doc}, ${dollarPath(path)}) IN ('object', 'array') THEN json_extract(${doc}, ${dollarPath(path)}) END)`,
  elements: (list) => ({
    from: `CROSS JOIN json_each(${list}) AS df_u`,
    value: `(${list} -> df_u.fullkey)`,
    index: "df_u.key"
  })
}
