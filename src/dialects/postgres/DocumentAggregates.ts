/**
 * PostgreSQL's JSON-building hooks of the pipeline compiler (src/documents/SqlAggregateHooks.ts):
 * `jsonb_build_object`, `jsonb_agg`, `jsonb_set`, `#-`, `jsonb_array_elements WITH ORDINALITY`.
 *
 * @since 0.1.0
 */
import { type AggregateHooks, segment } from "../../documents/SqlAggregateHooks.js"

const lit = (s: string) => `'${segment(s)}'`
const at = (doc: string, path: ReadonlyArray<string>) =>
  `(${doc}${path.map((s) => (/^\d+$/.test(s) ? ` -> ${s}` : ` -> ${lit(s)}`)).join("")})`
const textPath = (path: ReadonlyArray<string>) => lit(`{${path.map((s) => `"${s}"`).join(",")}}`)

/** The pipeline hooks of PostgreSQL. */
export const postgresAggregates: AggregateHooks = {
  withId: (doc, id) => `(jsonb_build_object('_id', ${id}) || ${doc})`,
  at,
  object: (entries) => {
    const value = (e: { value: string; number?: boolean }) => (e.number === true ? `to_jsonb(${e.value})` : e.value)
    const required = entries.filter((e) => e.optional !== true)
    const base = `jsonb_build_object(${required.map((e) => `${lit(e.key)}, ${value(e)}`).join(", ")})`
    const optional = entries
      .filter((e) => e.optional === true)
      .map(
        (e) =>
          ` || CASE WHEN ${e.value} IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(${lit(e.key)}, ${value(e)}) END`
      )
    return `(${base}${optional.join("")})`
  },
  remove: (doc, paths) => `(${doc}${paths.map((p) => ` #- ${textPath(p)}`).join("")})`,
  set: (doc, path, value) => `jsonb_set(${doc}, ${textPath(path)}, ${value})`,
  arrayAgg: (value, order) =>
    `COALESCE(jsonb_agg(${value} ORDER BY ${order}) FILTER (WHERE ${value} IS NOT NULL), '[]'::jsonb)`,
  literal: (json) => `${lit(json)}::jsonb`,
  numberLiteral: (n) => (Number.isInteger(n) ? String(n) : `CAST(${String(n)} AS DOUBLE PRECISION)`),
  number: (doc, path) => `(CASE WHEN jsonb_typeof(${at(doc, path)}) = 'number' THEN (${at(doc, path)})::float8 END)`,
  composite: (doc, path) =>
    `(CASE WHEN jsonb_typeof(${at(doc, path)}) IN ('object', 'array') THEN (${at(doc, path)})::text END)`,
  elements: (list) => ({
    from: `CROSS JOIN LATERAL jsonb_array_elements(${list}) WITH ORDINALITY AS df_u(v, i)`,
    value: "df_u.v",
    index: "df_u.i"
  })
}
