/**
 * MariaDB/MySQL's JSON-building hooks of the pipeline compiler (src/documents/SqlAggregateHooks.ts):
 * `JSON_OBJECT`, `JSON_SET`, `JSON_REMOVE`, `JSON_TABLE`; arrays of `$push` through `GROUP_CONCAT`
 * (which skips NULL): an array longer than the session's `group_concat_max_len` (1 MiB by default)
 * fails the statement rather than come back cut.
 * A value read back from a derived table is JSON text, re-marked as JSON with `JSON_EXTRACT(x, '$')`.
 *
 * @since 0.1.0
 */
import { type AggregateHooks, segment } from "../../documents/SqlAggregateHooks.js"
import { dollarPath } from "../../documents/SqlHooks.js"

const json = (x: string) => `JSON_EXTRACT(${x}, '$')`

/** The pipeline hooks of MariaDB/MySQL. */
export const mysqlAggregates: AggregateHooks = {
  withId: (doc, id) => `JSON_INSERT(${doc}, '$._id', ${id})`,
  at: (doc, path) => `JSON_EXTRACT(${doc}, ${dollarPath(path)})`,
  object: (entries) => {
    const obj = `JSON_OBJECT(${entries.map((e) => `'${segment(e.key)}', ${e.number === true ? e.value : json(e.value)}`).join(", ")})`
    const optional = entries.filter((e) => e.optional === true)
    return optional.length === 0
      ? obj
      : `JSON_REMOVE(${obj}, ${optional.map((e) => `CASE WHEN ${e.value} IS NULL THEN ${dollarPath([e.key])} ELSE '$."$"' END`).join(", ")})`
  },
  remove: (doc, paths) => `JSON_REMOVE(${doc}, ${paths.map(dollarPath).join(", ")})`,
  set: (doc, path, value) => `JSON_SET(${doc}, ${dollarPath(path)}, ${json(value)})`,
  // a GROUP_CONCAT cut at group_concat_max_len fails the statement (a scalar subquery of two rows), never a short array
  arrayAgg: (value, order) => {
    const list = `GROUP_CONCAT(JSON_COMPACT(${value}) ORDER BY ${order} SEPARATOR ',')`
    return (
      `(CASE WHEN COALESCE(LENGTH(${list}), 0) < @@SESSION.group_concat_max_len ` +
      `THEN ${json(`CONCAT('[', COALESCE(${list}, ''), ']')`)} ELSE (SELECT 1 UNION ALL SELECT 2) END)`
    )
  },
  literal: (text) => json(`CONVERT(X'${Buffer.from(text, "utf8").toString("hex")}' USING utf8mb4)`),
  numberLiteral: (n) => (Number.isInteger(n) ? String(n) : `CAST(${String(n)} AS DOUBLE)`),
  number: (doc, path) => {
    const v = `JSON_EXTRACT(${doc}, ${dollarPath(path)})`
    return `(CASE WHEN JSON_TYPE(${v}) IN ('INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(${v} AS DOUBLE) END)`
  },
  composite: (doc, path) => {
    const v = `JSON_EXTRACT(${doc}, ${dollarPath(path)})`
    return `(CASE WHEN JSON_TYPE(${v}) IN ('OBJECT', 'ARRAY') THEN JSON_COMPACT(${v}) END)`
  },
  elements: (list) => ({
    from: `CROSS JOIN JSON_TABLE(${list}, '$[*]' COLUMNS (i FOR ORDINALITY)) AS df_u`,
    value: `JSON_EXTRACT(${list}, CONCAT('$[', df_u.i - 1, ']'))`,
    index: "df_u.i"
  })
}
