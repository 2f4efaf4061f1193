/**
 * What each operation accepts (parameter names, required ones, nested field names) and what it
 * returns (output paths a connection may read), derived from the model. Checked before any node runs;
 * the model's own Schema validation still runs at execution.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { isPlainObject } from "./Path.js"
import type { NodeOperation } from "./Registry.js"
import { parseTemplate } from "./Template.js"

/** A parameter position: an object with known keys, anything below (`open`), or a single value (`leaf`). */
export type ParamShape =
  | { readonly kind: "object"; readonly keys: ReadonlyMap<string, ParamShape>; readonly required: ReadonlySet<string> }
  | { readonly kind: "open" }
  | { readonly kind: "leaf" }

/** An output position. */
export type OutputShape =
  | { readonly kind: "any" }
  | { readonly kind: "value" }
  | { readonly kind: "record"; readonly columns: ReadonlyMap<string, Field> }
  | { readonly kind: "object"; readonly keys: Readonly<Record<string, OutputShape>> }
  | { readonly kind: "array"; readonly of: OutputShape }

const open: ParamShape = { kind: "open" }
const leaf: ParamShape = { kind: "leaf" }
const obj = (keys: Record<string, ParamShape>, required: ReadonlyArray<string> = []): ParamShape => ({
  kind: "object",
  keys: new Map(Object.entries(keys)),
  required: new Set(required)
})
const fieldShape = (f: Field): ParamShape => (f.kind === "json" ? open : leaf)

const createFields = (m: ModelInfo, withRequired: boolean): ParamShape => {
  const fields = m.fields.filter((f) => !f.managed && !(f.name === "id" && m.idKind === "auto"))
  const required = fields.filter((f) => !f.optional && !(f.name === "id" && m.idKind === "uuid")).map((f) => f.name)
  return obj(Object.fromEntries(fields.map((f) => [f.name, fieldShape(f)])), withRequired ? required : [])
}
const updateFields = (m: ModelInfo): ParamShape =>
  obj(Object.fromEntries(m.fields.filter((f) => !f.managed && !m.key.includes(f)).map((f) => [f.name, fieldShape(f)])))
/** A single value, or an object of the key fields for a composite key. */
const idShape = (m: ModelInfo): ParamShape =>
  m.key.length === 1
    ? leaf
    : obj(
        Object.fromEntries(m.key.map((f) => [f.name, leaf])),
        m.key.map((f) => f.name)
      )

const searchParams = { k: leaf, filter: open, select: open, includeDeleted: leaf }
const vectorParams = { vector: open, field: leaf, distance: leaf, efSearch: leaf }

/** The parameters an operation of this model accepts. */
export const paramShape = (m: ModelInfo, operation: NodeOperation): ParamShape => {
  switch (operation) {
    case "vectorSearch":
      return obj({ ...searchParams, ...vectorParams, maxDistance: leaf, probes: leaf }, ["vector", "k"])
    case "textSearch":
      return obj({ ...searchParams, text: leaf }, ["text", "k"])
    case "hybridSearch":
      return obj(
        { ...searchParams, ...vectorParams, text: leaf, weights: obj({ text: leaf, vector: leaf }), candidates: leaf },
        ["text", "vector", "k"]
      )
    case "create":
      return createFields(m, true)
    case "read":
      return obj({ id: idShape(m), includeDeleted: leaf }, ["id"])
    case "update":
      return obj({ filter: obj({ id: idShape(m) }, ["id"]), fields: updateFields(m) }, ["filter", "fields"])
    case "delete":
      return obj({ id: idShape(m) }, ["id"])
    case "list":
      return obj({
        filter: open,
        orderBy: open,
        limit: leaf,
        offset: leaf,
        cursor: leaf,
        select: open,
        includeDeleted: leaf
      })
    case "count":
      return obj({ filter: open, includeDeleted: leaf })
    case "upsert":
      return obj({ where: open, create: createFields(m, false), update: updateFields(m) }, [
        "where",
        "create",
        "update"
      ])
    case "bulkCreate":
      return obj({ data: open, batchSize: leaf, onConflict: leaf }, ["data"])
    case "bulkUpdate":
      return obj({ filter: open, fields: updateFields(m), confirmed: leaf }, ["filter", "fields"])
    case "bulkDelete":
      return obj({ filter: open, confirmed: leaf }, ["filter"])
    case "bulkUpsert":
      return obj({ data: open, conflictOn: open, batchSize: leaf }, ["data"])
  }
}

const value: OutputShape = { kind: "value" }
const outObj = (keys: Record<string, OutputShape>): OutputShape => ({ kind: "object", keys })

/** What an operation of this model returns. */
export const outputShape = (m: ModelInfo, operation: NodeOperation): OutputShape => {
  const record: OutputShape = { kind: "record", columns: m.columnMap }
  const matches = (keys: Record<string, OutputShape>) =>
    outObj({ records: { kind: "array", of: outObj({ record, ...keys }) } })
  switch (operation) {
    case "vectorSearch":
      return matches({ distance: value })
    case "textSearch":
      return matches({ score: value, rank: value })
    case "hybridSearch":
      return matches({ score: value, textRank: value, vectorRank: value, distance: value })
    case "create":
    case "read":
    case "update":
      return record
    case "delete":
      return outObj({ id: value, deleted: value })
    case "list":
      return outObj({
        records: { kind: "array", of: record },
        total: value,
        limit: value,
        offset: value,
        nextCursor: value
      })
    case "count":
      return value
    case "upsert":
      return outObj({ record, created: value, action: value })
    case "bulkCreate":
      return outObj({ inserted: value, skipped: value })
    case "bulkUpdate":
      return outObj({ updated: value })
    case "bulkDelete":
      return outObj({ deleted: value })
    case "bulkUpsert":
      return outObj({ inserted: value, updated: value, skipped: value })
  }
}

/** A condition node's result: `{ value, branch }`. */
export const conditionOutput: OutputShape = outObj({ value, branch: value })

const keysOf = (keys: Iterable<string>) => [...keys].join(", ")

/** Why an output path does not exist in a shape, or undefined when it does. `""` is the whole value. */
export const outputProblem = (shape: OutputShape, segments: ReadonlyArray<string>): string | undefined => {
  let current = shape
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    const at = segments.slice(0, i).join(".") || "the result"
    switch (current.kind) {
      case "any":
        return undefined
      case "value":
        return `${at} is a single value with no ${s.slice(0, 64)} (use output "" for the whole value)`
      case "array":
        if (!/^\d+$/.test(s)) return `${at} is an array: the next segment is an index, not ${s.slice(0, 64)}`
        current = current.of
        break
      case "object": {
        const next = current.keys[s]
        if (next === undefined) return `${at} has no ${s.slice(0, 64)} (it has ${keysOf(Object.keys(current.keys))})`
        current = next
        break
      }
      case "record": {
        const field = current.columns.get(s)
        if (field === undefined)
          return `${at} (a record) has no field ${s.slice(0, 64)} (fields: ${keysOf(current.columns.keys())})`
        current = field.kind === "json" ? { kind: "any" } : value
        break
      }
    }
  }
  return undefined
}

/** Why a parameter path does not exist in a shape, or undefined when it does. */
export const paramPathProblem = (shape: ParamShape, segments: ReadonlyArray<string>): string | undefined => {
  let current = shape
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    if (current.kind === "open") return undefined
    if (current.kind === "leaf")
      return `${segments.slice(0, i).join(".")} is a single value: it has no ${s.slice(0, 64)}`
    const next = current.keys.get(s)
    if (next === undefined) {
      const at = i === 0 ? "unknown parameter" : `${segments.slice(0, i).join(".")} has no`
      return `${at} ${s.slice(0, 64)} (accepted: ${keysOf(current.keys.keys())})`
    }
    current = next
  }
  return undefined
}

const isWholeTemplate = (v: unknown) => typeof v === "string" && parseTemplate(v).every((p) => "input" in p)

/**
 * Problems of static params against an operation's shape: unknown names (also nested, e.g. inside
 * `fields`), and required names neither in params nor set by a connection (`provided` input paths).
 * A whole-value template may stand for an object.
 */
export const paramProblems = (
  shape: ParamShape,
  value: unknown,
  path: string,
  provided: ReadonlyArray<string>,
  add: (p: string) => void
) => {
  if (shape.kind !== "object" || isWholeTemplate(value)) return
  const sub = (k: string) => (path === "" ? k : `${path}.${k}`)
  const isProvided = (p: string) => provided.some((c) => c === p || c.startsWith(`${p}.`) || p.startsWith(`${c}.`))
  if (value === undefined) {
    if (!provided.some((c) => c.startsWith(`${path}.`))) return
  } else if (!isPlainObject(value)) {
    return add(`${path || "params"} must be an object`)
  } else {
    for (const k of Object.keys(value)) {
      const child = shape.keys.get(k)
      if (child === undefined)
        add(
          `${path === "" ? "unknown parameter" : `${path} has no`} ${k.slice(0, 64)} (accepted: ${[...shape.keys.keys()].join(", ")})`
        )
      else paramProblems(child, value[k], sub(k), provided, add)
    }
  }
  for (const k of shape.required) {
    const v = isPlainObject(value) ? value[k] : undefined
    if (v === undefined && !isProvided(sub(k))) add(`missing required parameter ${sub(k)}`)
  }
}
