/**
 * `checkPipeline` and `checkFindOptions`: aggregation stages of the subset (docs/documents.md,
 * "Aggregation") and the options of `find`, checked into plain data.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { FindOptions } from "./Collection.js"
import { checkFilterSync, splitPath } from "./CheckFilter.js"
import {
  type CheckError,
  checkJsonValue,
  documentLimits,
  fail,
  isPlainObject,
  keyProblem,
  kindOf,
  run,
  unsupported
} from "./CheckValues.js"
import type { FilterIR, Scalar } from "./FilterIR.js"

/** A field reference (`"$a.b"` split) or a constant. */
export type Operand = { readonly path: ReadonlyArray<string> } | { readonly value: Scalar }

/** An accumulator of `$group`. */
export type Accumulator =
  { readonly op: "sum" | "avg" | "min" | "max" | "push"; readonly of: Operand } | { readonly op: "count" }

/** Sort keys: path and direction. */
export type SortKeys = ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly descending: boolean }>

/** A projection: inclusion (with renames) or exclusion. */
export type Projection =
  | {
      readonly kind: "include"
      readonly id: boolean
      readonly fields: ReadonlyArray<{ readonly name: ReadonlyArray<string>; readonly from: ReadonlyArray<string> }>
    }
  | { readonly kind: "exclude"; readonly fields: ReadonlyArray<ReadonlyArray<string>> }

/** A checked stage. */
export type Stage =
  | { readonly stage: "match"; readonly filter: FilterIR }
  | {
      readonly stage: "group"
      readonly id: Operand | { readonly fields: ReadonlyArray<readonly [string, ReadonlyArray<string>]> }
      readonly accumulators: ReadonlyArray<readonly [string, Accumulator]>
    }
  | { readonly stage: "sort"; readonly keys: SortKeys }
  | { readonly stage: "limit" | "skip"; readonly n: number }
  | { readonly stage: "project"; readonly projection: Projection }
  | { readonly stage: "unwind"; readonly path: ReadonlyArray<string>; readonly preserve: boolean }
  | { readonly stage: "count"; readonly field: string }

const fieldRef = (at: string, v: unknown): ReadonlyArray<string> =>
  typeof v === "string" && v.startsWith("$") && !v.startsWith("$$")
    ? splitPath(v.slice(1), at)
    : fail(at, 'expects a field path such as "$a.b"')

const operand = (dialect: string, at: string, v: unknown): Operand => {
  if (typeof v === "string" && v.startsWith("$$")) return unsupported(dialect, "aggregation variables ($$)")
  if (typeof v === "string" && v.startsWith("$")) return { path: fieldRef(at, v) }
  if (isPlainObject(v)) {
    const op = Object.keys(v)[0]
    return unsupported(dialect, `aggregation expression ${op ?? "{}"}`)
  }
  if (Array.isArray(v)) return unsupported(dialect, "aggregation array expressions")
  return { value: checkJsonValue(v, at) as Scalar }
}

const accumulator = (dialect: string, at: string, v: unknown): Accumulator => {
  if (!isPlainObject(v) || Object.keys(v).length !== 1) return fail(at, "expects one accumulator such as { $sum: 1 }")
  const [op, arg] = Object.entries(v)[0]!
  switch (op) {
    case "$count":
      return isPlainObject(arg) && Object.keys(arg).length === 0 ? { op: "count" } : fail(at, "$count expects {}")
    case "$sum":
    case "$avg":
    case "$min":
    case "$max":
    case "$push":
      return { op: op.slice(1) as "sum", of: operand(dialect, at, arg) }
    default:
      return unsupported(dialect, `accumulator ${op}`)
  }
}

const outputName = (at: string, name: string) => {
  const problem = keyProblem(name)
  return problem === undefined ? name : fail(at, problem)
}

const group = (dialect: string, v: unknown): Stage => {
  if (!isPlainObject(v) || !("_id" in v)) return fail("$group", "expects an object with _id")
  const rawId = v["_id"]
  const id =
    isPlainObject(rawId) && !Object.keys(rawId).some((k) => k.startsWith("$"))
      ? {
          fields: Object.entries(rawId).map(
            ([k, ref]) => [outputName(`$group._id.${k}`, k), fieldRef(`$group._id.${k}`, ref)] as const
          )
        }
      : operand(dialect, "$group._id", rawId)
  const accumulators = Object.entries(v)
    .filter(([k]) => k !== "_id")
    .map(([k, a]) => [outputName(`$group.${k}`, k), accumulator(dialect, `$group.${k}`, a)] as const)
  return { stage: "group", id, accumulators }
}

/** Sort keys of `$sort` or `find`'s `sort`. */
export const sortKeys = (at: string, v: unknown): SortKeys => {
  if (!isPlainObject(v) || Object.keys(v).length === 0) return fail(at, "expects a non-empty object of path: 1 | -1")
  return Object.entries(v).map(([p, d]) =>
    d === 1 || d === -1
      ? { path: splitPath(p, `${at}.${p}`), descending: d === -1 }
      : fail(`${at}.${p}`, "expects 1 or -1")
  )
}

/** A projection of `$project` or `find`'s `projection`; renames (`"$path"`) only where `renames`. */
export const projection = (at: string, v: unknown, renames: boolean): Projection => {
  if (!isPlainObject(v) || Object.keys(v).length === 0) return fail(at, "expects a non-empty object")
  const entries = Object.entries(v)
  const id = v["_id"]
  const rest = entries.filter(([k]) => k !== "_id")
  const excluding = rest.length === 0 ? id === 0 || id === false : rest.every(([, x]) => x === 0 || x === false)
  if (excluding) return { kind: "exclude", fields: entries.map(([k]) => splitPath(k, `${at}.${k}`)) }
  if (id !== undefined && id !== 0 && id !== 1 && id !== false && id !== true) fail(`${at}._id`, "expects 0 or 1")
  const fields = rest.map(([k, x]) => {
    const name = splitPath(k, `${at}.${k}`)
    if (x === 1 || x === true) return { name, from: name }
    if (renames && typeof x === "string" && x.startsWith("$")) return { name, from: fieldRef(`${at}.${k}`, x) }
    return x === 0 || x === false
      ? fail(`${at}.${k}`, "mixes inclusion and exclusion")
      : fail(`${at}.${k}`, renames ? 'expects 1, 0 or a field path "$a"' : "expects 1 or 0")
  })
  return { kind: "include", id: id !== 0 && id !== false, fields }
}

const count = (at: string, v: unknown, min: number): number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= Number.MAX_SAFE_INTEGER
    ? v
    : fail(at, `expects an integer of at least ${min}`)

const unwind = (v: unknown): Stage => {
  if (typeof v === "string") return { stage: "unwind", path: fieldRef("$unwind", v), preserve: false }
  if (!isPlainObject(v)) return fail("$unwind", 'expects "$path" or { path, preserveNullAndEmptyArrays }')
  for (const k of Object.keys(v))
    if (k !== "path" && k !== "preserveNullAndEmptyArrays") unsupported("any", `$unwind option ${k}`)
  const preserve = v["preserveNullAndEmptyArrays"] ?? false
  if (typeof preserve !== "boolean") fail("$unwind.preserveNullAndEmptyArrays", "expects a boolean")
  return { stage: "unwind", path: fieldRef("$unwind.path", v["path"]), preserve: preserve as boolean }
}

const stageOf = (dialect: string, s: unknown, at: string): Stage => {
  if (!isPlainObject(s) || Object.keys(s).length !== 1) return fail(at, "a stage is an object with one key")
  const [name, v] = Object.entries(s)[0]!
  switch (name) {
    case "$match":
      return { stage: "match", filter: checkFilterSync(v, dialect) }
    case "$group":
      return group(dialect, v)
    case "$sort":
      return { stage: "sort", keys: sortKeys("$sort", v) }
    case "$limit":
      return { stage: "limit", n: count("$limit", v, 1) }
    case "$skip":
      return { stage: "skip", n: count("$skip", v, 0) }
    case "$project":
      return { stage: "project", projection: projection("$project", v, true) }
    case "$unwind":
      return unwind(v)
    case "$count":
      return typeof v === "string" && v.length > 0 && keyProblem(v) === undefined && v !== "_id"
        ? { stage: "count", field: v }
        : fail("$count", "expects a field name (not _id, no $ or dot)")
    default:
      return unsupported(dialect, `aggregation stage ${name}`)
  }
}

/** The pure form of `checkPipeline`: throws. */
export const checkPipelineSync = (pipeline: unknown, dialect = "any"): ReadonlyArray<Stage> => {
  if (!Array.isArray(pipeline)) return fail("pipeline", `must be an array, got ${kindOf(pipeline)}`)
  if (pipeline.length > documentLimits.stages) fail("pipeline", `holds more than ${documentLimits.stages} stages`)
  return pipeline.map((s, i) => stageOf(dialect, s, `pipeline.${i}`))
}

/**
 * Checks a pipeline of the subset: `$match $group` (`_id` a field path, a constant, null or an
 * object of field paths; accumulators `$sum $avg $min $max $count $push`) `$sort $limit $skip
 * $project` (inclusion/exclusion, renames `"$path"`) `$unwind` `$count`.
 *
 * ```ts
 * const stages = yield* checkPipeline([{ $group: { _id: "$category", n: { $count: {} } } }])
 * ```
 */
export const checkPipeline = (pipeline: unknown, dialect = "any"): Effect.Effect<ReadonlyArray<Stage>, CheckError> =>
  run(() => checkPipelineSync(pipeline, dialect))

/** Checked options of `find`. */
export interface CheckedFindOptions {
  readonly sort?: SortKeys
  readonly skip?: number
  readonly limit?: number
  readonly projection?: Projection
}

/** The pure form of `checkFindOptions`: throws. */
export const checkFindOptionsSync = (options: FindOptions | undefined): CheckedFindOptions => {
  if (options === undefined) return {}
  if (!isPlainObject(options)) return fail("options", `must be an object, got ${kindOf(options)}`)
  for (const k of Object.keys(options)) {
    if (!["sort", "skip", "limit", "projection"].includes(k)) fail(`options.${k}`, "is not an option of find")
  }
  return {
    ...(options.sort !== undefined ? { sort: sortKeys("sort", options.sort) } : {}),
    ...(options.skip !== undefined ? { skip: count("skip", options.skip, 0) } : {}),
    ...(options.limit !== undefined ? { limit: count("limit", options.limit, 0) } : {}),
    ...(options.projection !== undefined ? { projection: projection("projection", options.projection, false) } : {})
  }
}

/** Checks `find`'s options: `sort` (path: 1 | -1), `skip`, `limit` (0: no limit), `projection` (0/1). */
export const checkFindOptions = (options: FindOptions | undefined): Effect.Effect<CheckedFindOptions, CheckError> =>
  run(() => checkFindOptionsSync(options))
