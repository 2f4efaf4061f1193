/**
 * `$group` compiled to SQL (docs/documents.md, "Aggregation on SQL"): the rows of the previous stage
 * (columns `doc`, `ord`) are partitioned by the key's typed parts (MongoDB's equality: 1 and 1.0
 * one group, "1" and 1 two, null and missing one); `$min`/`$max` are the first value of a window in
 * MongoDB's type order; the groups come in the order of their first document.
 *
 * @since 0.1.0
 */
import type { Accumulator, Operand, Stage } from "./CheckPipeline.js"
import type { AggregateHooks, ObjectEntry } from "./SqlAggregateHooks.js"
import type { DocumentHooks } from "./SqlHooks.js"

/** The hooks the pipeline compiler uses. */
export interface PipelineHooks {
  readonly docs: DocumentHooks
  readonly agg: AggregateHooks
}

type Group = Extract<Stage, { stage: "group" }>

const operandJson = (h: PipelineHooks, doc: string, o: Operand): string =>
  "path" in o ? h.agg.at(doc, o.path) : h.agg.literal(JSON.stringify(o.value))

// typed parts of the value at a path: equal parts ⇔ MongoDB-equal values
const keyParts = (h: PipelineHooks, doc: string, path: ReadonlyArray<string>): ReadonlyArray<string> => [
  ...h.docs.sortParts(doc, path),
  h.agg.composite(doc, path)
]

const keyOf = (h: PipelineHooks, g: Group): { parts: ReadonlyArray<string>; json: string } => {
  const nul = h.agg.literal("null")
  if ("fields" in g.id) {
    return {
      parts: g.id.fields.flatMap(([, p]) => [
        `(CASE WHEN ${h.docs.present("s.doc", p)} THEN 1 ELSE 0 END)`,
        ...keyParts(h, "s.doc", p)
      ]),
      json: h.agg.object(g.id.fields.map(([k, p]) => ({ key: k, value: h.agg.at("s.doc", p), optional: true })))
    }
  }
  if ("path" in g.id)
    return { parts: keyParts(h, "s.doc", g.id.path), json: `COALESCE(${h.agg.at("s.doc", g.id.path)}, ${nul})` }
  return { parts: [], json: h.agg.literal(JSON.stringify(g.id.value)) }
}

// FIRST_VALUE in MongoDB's type order, null and missing last: $min / $max of a path
const extreme = (h: PipelineHooks, path: ReadonlyArray<string>, max: boolean, partition: string): string => {
  const [rank, ...rest] = h.docs.sortParts("s.doc", path)
  const dir = max ? " DESC" : ""
  const order = [
    `(CASE WHEN ${rank} = 1 THEN 1 ELSE 0 END)`,
    `${rank}${dir}`,
    ...rest.map((p) => `${p}${dir}`),
    "s.ord"
  ]
  return `FIRST_VALUE(${h.agg.at("s.doc", path)}) OVER (${partition}ORDER BY ${order.join(", ")})`
}

const sumOf = (h: PipelineHooks, o: Operand, avg: boolean): string => {
  const f = avg ? "AVG" : "SUM"
  if ("path" in o)
    return avg ? `AVG(${h.agg.number("g.doc", o.path)})` : `COALESCE(SUM(${h.agg.number("g.doc", o.path)}), 0)`
  return typeof o.value === "number" ? `${f}(${h.agg.numberLiteral(o.value)})` : avg ? "NULL" : "0"
}

const output = (h: PipelineHooks, a: Accumulator, window: string): Omit<ObjectEntry, "key"> => {
  switch (a.op) {
    case "count":
      return { value: "COUNT(*)", number: true }
    case "sum":
    case "avg":
      return { value: sumOf(h, a.of, a.op === "avg"), number: true }
    case "push":
      return { value: h.agg.arrayAgg(operandJson(h, "g.doc", a.of), "g.ord") }
    case "min":
    case "max":
      return { value: "path" in a.of ? `g.${window}` : a.of.value === null ? "NULL" : operandJson(h, "g.doc", a.of) }
  }
}

/** The SELECT of one `$group` over the previous stage's SELECT (columns `doc`, `ord`). */
export const compileGroup = (h: PipelineHooks, g: Group, previous: string): string => {
  const key = keyOf(h, g)
  const partition = key.parts.length === 0 ? "" : `PARTITION BY ${key.parts.join(", ")} `
  const windows = g.accumulators.flatMap(([, a], i) =>
    (a.op === "min" || a.op === "max") && "path" in a.of
      ? [{ expr: extreme(h, a.of.path, a.op === "max", partition), name: `df_m${i}` }]
      : []
  )
  const inner = [
    "s.doc",
    "s.ord",
    ...key.parts.map((p, i) => `${p} AS df_k${i}`),
    `FIRST_VALUE(${key.json}) OVER (${partition}ORDER BY s.ord) AS df_gk`,
    ...windows.map((w) => `${w.expr} AS ${w.name}`)
  ]
  const groupBy = [...key.parts.map((_, i) => `g.df_k${i}`), "g.df_gk", ...windows.map((w) => `g.${w.name}`)]
  const doc = h.agg.object([
    { key: "_id", value: "g.df_gk" },
    ...g.accumulators.map(([k, a], i) => ({ key: k, ...output(h, a, `df_m${i}`) }))
  ])
  return (
    `SELECT ${doc} AS doc, ROW_NUMBER() OVER (ORDER BY MIN(g.ord)) AS ord ` +
    `FROM (SELECT ${inner.join(", ")} FROM (${previous}) s) g GROUP BY ${groupBy.join(", ")}`
  )
}
