/**
 * Aggregation stages (src/documents/CheckPipeline.ts) evaluated over documents in JavaScript, with
 * MongoDB's meaning: the SQL collections run a pipeline's leading `$match`/`$sort`/`$skip`/`$limit`
 * in SQL and the stages after them here (docs/documents.md, "Aggregation on SQL").
 *
 * @since 0.1.0
 */
import type { DocumentValue } from "./Collection.js"
import type { Accumulator, Operand, Projection, SortKeys, Stage } from "./CheckPipeline.js"
import { compareValues, matches, valueAt } from "./Match.js"

type Doc = { readonly [key: string]: DocumentValue }

const operandOf = (doc: Doc, o: Operand): DocumentValue | undefined => ("path" in o ? valueAt(doc, o.path) : o.value)

/** Sets a split path in a fresh object tree (for projections and `$group` keys). */
const setPath = (target: Record<string, unknown>, path: ReadonlyArray<string>, value: unknown) => {
  let t = target
  for (const s of path.slice(0, -1)) {
    if (typeof t[s] !== "object" || t[s] === null || Array.isArray(t[s])) t[s] = {}
    t = t[s] as Record<string, unknown>
  }
  t[path[path.length - 1]!] = value
}

const unsetPath = (target: Record<string, unknown>, path: ReadonlyArray<string>) => {
  let t: unknown = target
  for (const s of path.slice(0, -1)) {
    t = typeof t === "object" && t !== null && !Array.isArray(t) ? (t as Record<string, unknown>)[s] : undefined
  }
  if (typeof t === "object" && t !== null && !Array.isArray(t))
    delete (t as Record<string, unknown>)[path[path.length - 1]!]
}

/** A projection applied to one document (inclusion keeps `_id` unless excluded). */
export const project = (doc: Doc, p: Projection): Doc => {
  if (p.kind === "exclude") {
    const out = structuredClone(doc) as Record<string, unknown>
    for (const path of p.fields) unsetPath(out, path)
    return out as Doc
  }
  const out: Record<string, unknown> = {}
  if (p.id && doc["_id"] !== undefined) out["_id"] = doc["_id"]
  for (const f of p.fields) {
    const v = valueAt(doc, f.from)
    if (v !== undefined) setPath(out, f.name, v)
  }
  return out as Doc
}

/** Sorts documents by keys in MongoDB's type order; ties keep their order. */
export const sortDocs = (docs: ReadonlyArray<Doc>, keys: SortKeys): ReadonlyArray<Doc> =>
  [...docs].sort((a, b) => {
    for (const k of keys) {
      const d = compareValues(valueAt(a, k.path), valueAt(b, k.path))
      if (d !== 0) return k.descending ? -d : d
    }
    return 0
  })

const accumulate = (docs: ReadonlyArray<Doc>, a: Accumulator): DocumentValue => {
  if (a.op === "count") return docs.length
  const values = docs.map((d) => operandOf(d, a.of))
  const numbers = values.filter((v): v is number => typeof v === "number")
  switch (a.op) {
    case "sum":
      return numbers.reduce((s, n) => s + n, 0)
    case "avg":
      return numbers.length === 0 ? null : numbers.reduce((s, n) => s + n, 0) / numbers.length
    case "push":
      return values.filter((v): v is DocumentValue => v !== undefined)
    case "min":
    case "max": {
      const present = values.filter((v): v is DocumentValue => v !== undefined && v !== null)
      if (present.length === 0) return null
      return present.reduce((m, v) => ((a.op === "min" ? compareValues(v, m) < 0 : compareValues(v, m) > 0) ? v : m))
    }
  }
}

const group = (docs: ReadonlyArray<Doc>, stage: Extract<Stage, { stage: "group" }>): ReadonlyArray<Doc> => {
  const groups = new Map<string, { id: DocumentValue; docs: Array<Doc> }>()
  for (const d of docs) {
    const id: DocumentValue =
      "fields" in stage.id
        ? Object.fromEntries(
            stage.id.fields.flatMap(([k, p]) => (valueAt(d, p) === undefined ? [] : [[k, valueAt(d, p)!]]))
          )
        : (operandOf(d, stage.id) ?? null)
    const key = JSON.stringify(id)
    const g = groups.get(key) ?? { id, docs: [] }
    g.docs.push(d)
    groups.set(key, g)
  }
  return [...groups.values()].map((g) => ({
    _id: g.id,
    ...Object.fromEntries(stage.accumulators.map(([k, a]) => [k, accumulate(g.docs, a)]))
  }))
}

const unwind = (docs: ReadonlyArray<Doc>, stage: Extract<Stage, { stage: "unwind" }>): ReadonlyArray<Doc> =>
  docs.flatMap((d) => {
    const v = valueAt(d, stage.path)
    if (Array.isArray(v) && v.length > 0) {
      return v.map((e) => {
        const out = structuredClone(d) as Record<string, unknown>
        setPath(out, stage.path, e)
        return out as Doc
      })
    }
    if (v !== undefined && v !== null && !Array.isArray(v)) return [d]
    if (!stage.preserve) return []
    if (!Array.isArray(v)) return [d]
    // an empty array: MongoDB keeps the document without the field
    const out = structuredClone(d) as Record<string, unknown>
    unsetPath(out, stage.path)
    return [out as Doc]
  })

/** Runs checked stages over documents. */
export const runStages = (docs: ReadonlyArray<Doc>, stages: ReadonlyArray<Stage>): ReadonlyArray<Doc> =>
  stages.reduce<ReadonlyArray<Doc>>((rows, s) => {
    switch (s.stage) {
      case "match":
        return rows.filter((d) => matches(d, s.filter))
      case "group":
        return group(rows, s)
      case "sort":
        return sortDocs(rows, s.keys)
      case "skip":
        return rows.slice(s.n)
      case "limit":
        return rows.slice(0, s.n)
      case "project":
        return rows.map((d) => project(d, s.projection))
      case "unwind":
        return unwind(rows, s)
      case "count":
        return rows.length === 0 ? [] : [{ [s.field]: rows.length }]
    }
  }, docs)
