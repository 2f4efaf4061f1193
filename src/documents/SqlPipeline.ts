/**
 * A checked pipeline (src/documents/CheckPipeline.ts) compiled to one SQL query (docs/documents.md,
 * "Aggregation on SQL"): each stage is a SELECT over the previous one yielding the document `doc`
 * (a JSON value holding `_id`) and its position `ord`; the leading `$match` stages filter the table
 * itself (indexes apply). The meaning is MongoDB's, as the JavaScript stages (src/documents/Pipeline.ts)
 * have it; a stage that cannot keep it makes the whole pipeline `undefined` (the caller runs it in
 * JavaScript).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Compiled, pageClause } from "../sql/Compiler.js"
import type { Document } from "./Collection.js"
import type { Projection, Stage } from "./CheckPipeline.js"
import type { FilterIR } from "./FilterIR.js"
import type { AggregateHooks, ObjectEntry } from "./SqlAggregateHooks.js"
import type { Dialect } from "../sql/Dialect.js"
import { compileFilter, Params } from "./SqlFilter.js"
import { compileGroup, type PipelineHooks } from "./SqlGroup.js"
import type { Env } from "./SqlEnv.js"
import type { DocumentDialect } from "./SqlStatements.js"

/** The pipeline hooks of a dialect (src/dialects/<db>/DocumentAggregates.ts). */
export const aggregateHooksOf = (dialect: Pick<Dialect, "documents">): AggregateHooks => dialect.documents.aggregates

const mentionsId = (ir: FilterIR): boolean =>
  ir._tag === "Field" ? ir.path[0] === "_id" : ir._tag === "Const" ? false : ir.items.some(mentionsId)

const prefixed = (ir: FilterIR, seg: string): FilterIR =>
  ir._tag === "Field"
    ? { ...ir, path: [seg, ...ir.path] }
    : ir._tag === "Const"
      ? ir
      : { ...ir, items: ir.items.map((i) => prefixed(i, seg)) }

// `_id` lives in `doc` here: a filter naming it runs over { r: doc } (the table compiler reads `_id` as the id column)
const match = (h: PipelineHooks, ir: FilterIR, previous: string, params: Params): string => {
  const wrap = mentionsId(ir)
  const doc = wrap ? h.agg.object([{ key: "r", value: "s.doc" }]) : "s.doc"
  const where = compileFilter(h.docs, { id: "NULL", doc }, wrap ? prefixed(ir, "r") : ir, params)
  return `SELECT s.doc, s.ord FROM (${previous}) s WHERE ${where}`
}

type Tree = Map<string, Tree | ReadonlyArray<string>>

const treeOf = (
  fields: ReadonlyArray<{ name: ReadonlyArray<string>; from: ReadonlyArray<string> }>
): Tree | undefined => {
  const root: Tree = new Map()
  for (const f of fields) {
    let t = root
    for (const [i, s] of f.name.entries()) {
      const at = t.get(s)
      if (i === f.name.length - 1) {
        if (at !== undefined) return undefined
        t.set(s, f.from)
      } else if (at === undefined) {
        const next: Tree = new Map()
        t.set(s, next)
        t = next
      } else if (at instanceof Map) t = at
      else return undefined
    }
  }
  return root
}

// an inclusion's nested objects; an object with no present field is absent (as the JavaScript stage)
const build = (h: PipelineHooks, t: Tree): { json: string; leaves: ReadonlyArray<string> } => {
  const parts = [...t.entries()].map(([k, v]) => {
    if (!(v instanceof Map)) {
      const json = h.agg.at("s.doc", v as ReadonlyArray<string>)
      return { entry: { key: k, value: json, optional: true } as ObjectEntry, leaves: [json] }
    }
    const inner = build(h, v)
    const value = `(CASE WHEN ${inner.leaves.map((l) => `${l} IS NULL`).join(" AND ")} THEN NULL ELSE ${inner.json} END)`
    return { entry: { key: k, value, optional: true }, leaves: inner.leaves }
  })
  return { json: h.agg.object(parts.map((p) => p.entry)), leaves: parts.flatMap((p) => p.leaves) }
}

const project = (h: PipelineHooks, p: Projection): string | undefined => {
  if (p.kind === "exclude")
    return p.fields.some((f) => f.some((s) => /^\d+$/.test(s))) ? undefined : h.agg.remove("s.doc", p.fields)
  const tree = treeOf([...(p.id ? [{ name: ["_id"], from: ["_id"] }] : []), ...p.fields])
  return tree === undefined ? undefined : tree.size === 0 ? h.agg.object([]) : build(h, tree).json
}

const unwind = (h: PipelineHooks, s: Extract<Stage, { stage: "unwind" }>, previous: string): string => {
  const len = h.docs.arrayLength("s.doc", s.path)
  const rank = h.docs.sortParts("s.doc", s.path)[0]!
  const list = `(CASE WHEN ${len} > 0 THEN ${h.agg.at("s.doc", s.path)} ELSE ${h.agg.literal("[null]")} END)`
  const e = h.agg.elements(list)
  const doc =
    `(CASE WHEN ${len} > 0 THEN ${h.agg.set("s.doc", s.path, e.value)} ` +
    `WHEN ${len} = 0 THEN ${h.agg.remove("s.doc", [s.path])} ELSE s.doc END)`
  const where = s.preserve ? "" : ` WHERE ${len} > 0 OR ${rank} NOT IN (1, 5)`
  return `SELECT ${doc} AS doc, ROW_NUMBER() OVER (ORDER BY s.ord, ${e.index}) AS ord FROM (${previous}) s ${e.from}${where}`
}

const stageSql = (
  d: DocumentDialect,
  h: PipelineHooks,
  s: Stage,
  previous: string,
  params: Params
): string | undefined => {
  switch (s.stage) {
    case "match":
      return match(h, s.filter, previous, params)
    case "group":
      return compileGroup(h, s, previous)
    case "sort": {
      const terms = s.keys.flatMap((k) =>
        h.docs.sortParts("s.doc", k.path).map((p) => `${p}${k.descending ? " DESC" : ""}`)
      )
      return `SELECT s.doc, ROW_NUMBER() OVER (ORDER BY ${terms.join(", ")}, s.ord) AS ord FROM (${previous}) s`
    }
    case "skip":
    case "limit":
      return `SELECT s.doc, s.ord FROM (${previous}) s ORDER BY s.ord${pageClause(s.stage === "limit" ? s.n : undefined, s.stage === "skip" ? s.n : 0)}`
    case "project": {
      const doc = project(h, s.projection)
      return doc === undefined ? undefined : `SELECT ${doc} AS doc, s.ord FROM (${previous}) s`
    }
    case "unwind":
      return unwind(h, s, previous)
    case "count":
      return (
        `SELECT ${h.agg.object([{ key: s.field, value: "c.n", number: true }])} AS doc, 1 AS ord ` +
        `FROM (SELECT COUNT(*) AS n FROM (${previous}) s) c WHERE c.n > 0`
      )
  }
}

/**
 * One query of checked stages over collection table `table`: rows of one column `doc` (the output
 * document, `_id` included) in the pipeline's order; `undefined` when a stage cannot be compiled
 * with MongoDB's meaning (an exclusion of an array index, an inclusion of a path and a path under it).
 */
export const compilePipeline = (
  d: DocumentDialect,
  agg: AggregateHooks,
  table: string,
  stages: ReadonlyArray<Stage>
): Compiled | undefined => {
  const h: PipelineHooks = { docs: d.docs, agg }
  const params = new Params(d.sql.placeholder)
  const leading = stages.findIndex((s) => s.stage !== "match")
  const head = stages.slice(0, leading < 0 ? stages.length : leading)
  const filters = head.flatMap((s) => (s.stage === "match" ? [s.filter] : []))
  const one: FilterIR | undefined = filters.length <= 1 ? filters[0] : { _tag: "And", items: filters }
  const where = one === undefined ? "" : ` WHERE ${compileFilter(d.docs, { id: "t.id", doc: "t.doc" }, one, params)}`
  let sql: string | undefined =
    `SELECT ${agg.withId("t.doc", "t.id")} AS doc, ROW_NUMBER() OVER (ORDER BY t.id) AS ord ` +
    `FROM ${d.sql.quote(table)} t${where}`
  for (const s of stages.slice(head.length)) {
    sql = stageSql(d, h, s, sql, params)
    if (sql === undefined) return undefined
  }
  return { sql: `SELECT s.doc FROM (${sql}) s ORDER BY s.ord`, params: params.values }
}

/**
 * Runs checked stages on collection `env.name` in SQL, decoded; `undefined` when the pipeline does
 * not compile (then run it in JavaScript). The SQL collections' `aggregate` calls it.
 */
export const aggregateInSql = (env: Env, stages: ReadonlyArray<Stage>) => {
  const compiled = compilePipeline(env.deps, aggregateHooksOf(env.deps.sql), env.name, stages)
  return compiled === undefined
    ? Effect.succeed(undefined)
    : Effect.map(env.deps.query(compiled, env.ctx("aggregate")), (rows) =>
        rows.map((r) => env.deps.docs.readDoc(r["doc"]) as Document)
      )
}
