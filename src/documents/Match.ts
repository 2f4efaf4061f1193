/**
 * The filter IR evaluated in JavaScript, with the meaning the SQL compiler gives it
 * (docs/documents.md, "Filters"): `$pull`'s field equalities and pipeline stages after `$group`.
 * Also MongoDB's order of values, for sorts done here.
 *
 * @since 0.1.0
 */
import type { DocumentValue } from "./Collection.js"
import type { FieldTest, FilterIR, Scalar } from "./FilterIR.js"

/** The value at a split path: object keys, digit segments index arrays; undefined when absent. */
export const valueAt = (doc: DocumentValue | undefined, path: ReadonlyArray<string>): DocumentValue | undefined => {
  let v: DocumentValue | undefined = doc
  for (const s of path) {
    if (Array.isArray(v)) v = /^\d+$/.test(s) ? (v as ReadonlyArray<DocumentValue>)[Number(s)] : undefined
    else if (typeof v === "object" && v !== null) v = (v as Record<string, DocumentValue>)[s]
    else return undefined
  }
  return v
}

/** Compares strings by code point (as `COLLATE "C"` / utf8mb4_bin / SQLite's BINARY on UTF-8 do). */
export const compareStrings = (a: string, b: string): number => {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** MongoDB's type order: missing/null, numbers, strings, objects, arrays, booleans. */
export const typeRank = (v: DocumentValue | undefined): number =>
  v === undefined || v === null
    ? 1
    : typeof v === "number"
      ? 2
      : typeof v === "string"
        ? 3
        : typeof v === "boolean"
          ? 6
          : Array.isArray(v)
            ? 5
            : 4

/** Orders two values: type order, then numbers by value, strings by code point, false before true. */
export const compareValues = (a: DocumentValue | undefined, b: DocumentValue | undefined): number => {
  const r = typeRank(a) - typeRank(b)
  if (r !== 0) return r
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b)
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b)
  return 0
}

const equalsScalar = (c: DocumentValue | undefined, x: Scalar): boolean =>
  x === null ? c === null || c === undefined : c === x

const compare = (c: DocumentValue | undefined, op: "gt" | "gte" | "lt" | "lte", x: string | number): boolean => {
  if (typeof c !== typeof x) return false
  const d = typeof x === "string" ? compareStrings(c as string, x) : (c as number) - x
  return op === "gt" ? d > 0 : op === "gte" ? d >= 0 : op === "lt" ? d < 0 : d <= 0
}

const regexCache = new Map<string, RegExp>()

const regexOf = (pattern: string) => {
  let re = regexCache.get(pattern)
  if (re === undefined) {
    re = new RegExp(pattern, "u")
    if (regexCache.size > 500) regexCache.clear()
    regexCache.set(pattern, re)
  }
  return re
}

/** Does the value at a path pass a test? An array passes when one of its elements does. */
export const passes = (v: DocumentValue | undefined, test: FieldTest): boolean => {
  const candidates: ReadonlyArray<DocumentValue | undefined> = Array.isArray(v) ? [...v, v] : [v]
  switch (test.op) {
    case "eq":
      return candidates.some((c) => equalsScalar(c, test.value))
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return candidates.some((c) => compare(c, test.op, test.value))
    case "in":
      return test.values.some((x) => candidates.some((c) => equalsScalar(c, x)))
    case "exists":
      return (v !== undefined) === test.value
    case "regex":
      return candidates.some((c) => typeof c === "string" && regexOf(test.pattern).test(c))
    case "size":
      return Array.isArray(v) && v.length === test.value
    case "not":
      return !passes(v, test.test)
    case "and":
      return test.tests.every((t) => passes(v, t))
  }
}

/** Does a document match a checked filter? */
export const matches = (doc: DocumentValue, ir: FilterIR): boolean => {
  switch (ir._tag) {
    case "Const":
      return ir.value
    case "And":
      return ir.items.every((i) => matches(doc, i))
    case "Or":
      return ir.items.some((i) => matches(doc, i))
    case "Nor":
      return !ir.items.some((i) => matches(doc, i))
    case "Field":
      return passes(valueAt(doc, ir.path), ir.test)
  }
}
