/**
 * `applyUpdate`: checked update operations (src/documents/CheckUpdate.ts) applied to a document in
 * JavaScript. The SQL collections read, apply and write back under a row lock (docs/documents.md,
 * "Updates on SQL").
 *
 * @since 0.1.0
 */
import type { DocumentValue } from "./Collection.js"
import { checkDocumentSync, fail, isPlainObject, kindOf } from "./CheckValues.js"
import type { UpdateOp } from "./CheckUpdate.js"
import { matches } from "./Match.js"

type Mutable = Record<string, unknown> | Array<unknown>

const clone = <A>(v: A): A => structuredClone(v)

const isIndex = (s: string) => /^\d+$/.test(s)

// the container holding the last segment, created on the way where `create`; undefined when absent
const parentOf = (doc: Mutable, path: ReadonlyArray<string>, create: boolean): Mutable | undefined => {
  let v: Mutable = doc
  for (let i = 0; i < path.length - 1; i++) {
    const s = path[i]!
    const at = path.slice(0, i + 1).join(".")
    let next: unknown
    if (Array.isArray(v)) next = isIndex(s) ? v[Number(s)] : fail(at, "is a field of an array (use an index)")
    else next = v[s]
    if (next === undefined || (next === null && create)) {
      if (!create) return undefined
      if (Array.isArray(v) || isIndex(path[i + 1]!)) return fail(at, "is missing and cannot be created here")
      next = {}
      v[s] = next
    }
    if (!Array.isArray(next) && !isPlainObject(next)) {
      return create ? fail(at, `is ${kindOf(next)}, not an object or array`) : undefined
    }
    v = next as Mutable
  }
  return v
}

const read = (parent: Mutable, key: string): unknown =>
  Array.isArray(parent) ? (isIndex(key) ? parent[Number(key)] : undefined) : parent[key]

const write = (parent: Mutable, key: string, value: unknown, at: string) => {
  if (Array.isArray(parent)) {
    if (!isIndex(key)) fail(at, "is a field of an array (use an index)")
    while (parent.length < Number(key)) parent.push(null)
    parent[Number(key)] = value
  } else {
    if (isIndex(key)) fail(at, "would create a key of digits only")
    parent[key] = value
  }
}

const pulled = (op: Extract<UpdateOp, { op: "pull" }>, element: unknown): boolean => {
  const m = op.match
  if (m.kind === "value") return JSON.stringify(element) === JSON.stringify(m.value)
  return (
    isPlainObject(element) &&
    matches(element as DocumentValue, {
      _tag: "And",
      items: m.fields.map(([path, value]) => ({ _tag: "Field", path, test: { op: "eq", value } }))
    })
  )
}

const applyOne = (doc: Record<string, unknown>, op: UpdateOp) => {
  const at = op.path.join(".")
  const key = op.path[op.path.length - 1]!
  const parent = parentOf(doc, op.path, op.op !== "unset" && op.op !== "pull")
  if (parent === undefined) return
  const current = read(parent, key)
  switch (op.op) {
    case "set":
      return write(parent, key, clone(op.value), at)
    case "unset":
      if (Array.isArray(parent)) return current === undefined ? undefined : write(parent, key, null, at)
      delete parent[key]
      return
    case "inc": {
      if (current !== undefined && typeof current !== "number")
        fail(at, `$inc applies to a number, not ${kindOf(current)}`)
      const next = ((current as number | undefined) ?? 0) + op.by
      return Number.isFinite(next) ? write(parent, key, next, at) : fail(at, "$inc overflows to a non-finite number")
    }
    case "push":
      if (current === undefined) return write(parent, key, [clone(op.value)], at)
      if (!Array.isArray(current)) return fail(at, `$push applies to an array, not ${kindOf(current)}`)
      current.push(clone(op.value))
      return
    case "pull":
      if (current === undefined) return
      if (!Array.isArray(current)) return fail(at, `$pull applies to an array, not ${kindOf(current)}`)
      return write(
        parent,
        key,
        current.filter((e) => !pulled(op, e)),
        at
      )
  }
}

/**
 * Applies checked update operations to a copy of `doc` (MongoDB's meaning: `$set` creates missing
 * objects on its path, `$unset` of an array element sets it to null, `$inc` of a missing field sets
 * it, `$push` to a missing field creates the array). The result is checked as a document.
 */
export const applyUpdate = (
  doc: { readonly [key: string]: DocumentValue },
  ops: ReadonlyArray<UpdateOp>
): { readonly [key: string]: DocumentValue } => {
  const next = clone(doc) as Record<string, unknown>
  for (const op of ops) applyOne(next, op)
  return checkDocumentSync(next)
}
