/**
 * `checkUpdate`: a MongoDB update document of the subset `$set $unset $inc $push $pull`
 * (docs/documents.md, "Updates") checked into a list of operations on split paths.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { DocumentValue } from "./Collection.js"
import { type CheckError, checkJsonValue, fail, isPlainObject, kindOf, run, unsupported } from "./CheckValues.js"
import { splitPath } from "./CheckFilter.js"
import type { Scalar } from "./FilterIR.js"

/** What `$pull` removes: elements equal to a value, or objects whose fields equal the given ones. */
export type PullMatch =
  | { readonly kind: "value"; readonly value: DocumentValue }
  | { readonly kind: "fields"; readonly fields: ReadonlyArray<readonly [ReadonlyArray<string>, Scalar]> }

/** One checked update operation. */
export type UpdateOp =
  | { readonly op: "set"; readonly path: ReadonlyArray<string>; readonly value: DocumentValue }
  | { readonly op: "unset"; readonly path: ReadonlyArray<string> }
  | { readonly op: "inc"; readonly path: ReadonlyArray<string>; readonly by: number }
  | { readonly op: "push"; readonly path: ReadonlyArray<string>; readonly value: DocumentValue }
  | { readonly op: "pull"; readonly path: ReadonlyArray<string>; readonly match: PullMatch }

const supported = new Set(["$set", "$unset", "$inc", "$push", "$pull"])

const pullMatch = (dialect: string, at: string, v: unknown): PullMatch => {
  if (!isPlainObject(v)) return { kind: "value", value: checkJsonValue(v, at) }
  const keys = Object.keys(v)
  if (keys.some((k) => k.startsWith("$"))) return unsupported(dialect, "$pull with an operator condition")
  if (keys.length === 0) return fail(at, "$pull expects a value or a non-empty object of field equalities")
  const fields = keys.map((k): readonly [ReadonlyArray<string>, Scalar] => {
    const x = v[k]
    if (isPlainObject(x) || Array.isArray(x))
      return unsupported(dialect, "$pull condition with an object or array value")
    const value = checkJsonValue(x, `${at}.${k}`) as Scalar
    return [splitPath(k, `${at}.${k}`), value]
  })
  return { kind: "fields", fields }
}

const operation = (dialect: string, op: string, path: string, v: unknown): UpdateOp => {
  const segments = splitPath(path)
  if (segments[0] === "_id") fail(path, "_id cannot be updated")
  switch (op) {
    case "$set":
      return { op: "set", path: segments, value: checkJsonValue(v, path) }
    case "$unset":
      return { op: "unset", path: segments }
    case "$inc":
      return typeof v === "number" && Number.isFinite(v)
        ? { op: "inc", path: segments, by: v }
        : fail(path, `$inc expects a finite number, got ${kindOf(v)}`)
    case "$push":
      if (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith("$"))) {
        return unsupported(dialect, `$push modifier ${Object.keys(v).find((k) => k.startsWith("$"))}`)
      }
      return { op: "push", path: segments, value: checkJsonValue(v, path) }
    default:
      return { op: "pull", path: segments, match: pullMatch(dialect, path, v) }
  }
}

const overlaps = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.slice(0, Math.min(a.length, b.length)).every((s, i) => s === b[i])

/** The pure form of `checkUpdate`: throws. */
export const checkUpdateSync = (update: unknown, dialect = "any"): ReadonlyArray<UpdateOp> => {
  if (!isPlainObject(update)) return fail("update", `must be an object, got ${kindOf(update)}`)
  const keys = Object.keys(update)
  if (keys.length === 0) fail("update", "holds no operator")
  const ops: Array<UpdateOp> = []
  for (const op of keys) {
    if (!op.startsWith("$")) fail(op, "an update holds operators only (replacing a document is not supported)")
    if (!supported.has(op)) unsupported(dialect, `update operator ${op}`)
    const fields = update[op]
    if (!isPlainObject(fields) || Object.keys(fields).length === 0) fail(op, "expects a non-empty object of paths")
    for (const [path, v] of Object.entries(fields as Record<string, unknown>)) {
      const next = operation(dialect, op, path, v)
      const clash = ops.find((o) => overlaps(o.path, next.path))
      if (clash !== undefined) fail(path, `conflicts with ${clash.path.join(".")} in the same update`)
      ops.push(next)
    }
  }
  return ops
}

/**
 * Checks a MongoDB update document: `$set $unset $inc $push $pull` only (`$push` with a value,
 * `$pull` with a value or an object of field equalities); two operations on the same or nested
 * paths, or on `_id`, fail ValidationError.
 *
 * ```ts
 * const ops = yield* checkUpdate({ $set: { status: "done" }, $inc: { tries: 1 } })
 * ```
 */
export const checkUpdate = (update: unknown, dialect = "any"): Effect.Effect<ReadonlyArray<UpdateOp>, CheckError> =>
  run(() => checkUpdateSync(update, dialect))
