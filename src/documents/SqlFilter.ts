/**
 * The filter IR (src/documents/FilterIR.ts) compiled to an SQL condition over a document table's
 * `doc` column through the dialect's document hooks (src/documents/SqlHooks.ts), with MongoDB's
 * meaning (docs/documents.md, "Filters"): an array matches when one element does, `{f: null}`
 * matches null and missing, comparisons stay within one type (numbers with numbers, strings with
 * strings by code point), `$ne`/`$nin`/`$not` match missing. Every condition is TRUE or FALSE, never
 * NULL, so NOT is two-valued.
 *
 * @since 0.1.0
 */
import type { Element, DocumentHooks } from "./SqlHooks.js"
import type { FieldTest, FilterIR, Scalar } from "./FilterIR.js"

/** Bound parameters of one statement, numbered by the dialect's placeholders. */
export class Params {
  readonly values: Array<unknown> = []
  constructor(private readonly placeholder: (index: number) => string) {}
  /** Binds `value`; its placeholder. */
  add(value: unknown): string {
    this.values.push(value)
    return this.placeholder(this.values.length)
  }
}

const eqElement = (e: Element, value: Scalar, params: Params): string =>
  value === null
    ? e.isNull
    : value === true
      ? e.isTrue
      : value === false
        ? e.isFalse
        : typeof value === "string"
          ? `${e.text} = ${params.add(value)}`
          : `${e.number} = ${params.add(value)}`

const comparison = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const

/** The columns of a document table as SQL (qualified where needed). */
export interface Columns {
  readonly id: string
  readonly doc: string
}

// `_id` lives in the `id` column (a string, never an array); a path under it is always absent
const idHooks = (h: DocumentHooks, id: string, under: boolean): DocumentHooks => {
  const none = { isNull: "(1 = 0)", isTrue: "(1 = 0)", isFalse: "(1 = 0)", text: "NULL", number: "NULL" }
  const e: Element = under ? { ...none, isNull: "(1 = 1)" } : { ...none, text: id }
  return {
    ...h,
    // `t AND (t) IS NOT NULL` is COALESCE(t, false) in three-valued logic, but keeps `id = ?` sargable
    // (the primary key serves it); the test is compiled twice so positional parameters stay in order
    anyElement: (_doc, _path, test) => `(${test(e)} AND (${test(e)}) IS NOT NULL)`,
    present: () => (under ? "(1 = 0)" : "(1 = 1)"),
    arrayLength: () => "NULL"
  }
}

const fieldTest = (
  h: DocumentHooks,
  doc: string,
  path: ReadonlyArray<string>,
  t: FieldTest,
  params: Params
): string => {
  switch (t.op) {
    case "eq":
      return h.anyElement(doc, path, (e) => eqElement(e, t.value, params))
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return h.anyElement(
        doc,
        path,
        (e) => `${typeof t.value === "string" ? e.text : e.number} ${comparison[t.op]} ${params.add(t.value)}`
      )
    case "in":
      return t.values.length === 0
        ? "(1 = 0)"
        : h.anyElement(doc, path, (e) => `(${t.values.map((v) => eqElement(e, v, params)).join(" OR ")})`)
    case "exists":
      return t.value ? h.present(doc, path) : `(NOT ${h.present(doc, path)})`
    case "regex":
      return h.anyElement(doc, path, (e) => h.regex(e.text, params.add(t.pattern)))
    case "size":
      return `(COALESCE(${h.arrayLength(doc, path)} = ${params.add(t.value)}, 1 = 0))`
    case "not":
      return `(NOT ${fieldTest(h, doc, path, t.test, params)})`
    case "and":
      return t.tests.length === 0
        ? "(1 = 1)"
        : `(${t.tests.map((x) => fieldTest(h, doc, path, x, params)).join(" AND ")})`
  }
}

/** The SQL condition of a checked filter over a document table's columns; values bound into `params`. */
export const compileFilter = (h: DocumentHooks, cols: Columns, ir: FilterIR, params: Params): string => {
  switch (ir._tag) {
    case "Const":
      return ir.value ? "(1 = 1)" : "(1 = 0)"
    case "And":
      return `(${ir.items.map((i) => compileFilter(h, cols, i, params)).join(" AND ")})`
    case "Or":
      return `(${ir.items.map((i) => compileFilter(h, cols, i, params)).join(" OR ")})`
    case "Nor":
      return `(NOT (${ir.items.map((i) => compileFilter(h, cols, i, params)).join(" OR ")}))`
    case "Field":
      return fieldTest(
        ir.path[0] === "_id" ? idHooks(h, cols.id, ir.path.length > 1) : h,
        cols.doc,
        ir.path,
        ir.test,
        params
      )
  }
}

/** ORDER BY terms of sort keys in MongoDB's type order, ties by `id` ascending. */
export const compileSort = (
  h: DocumentHooks,
  doc: string,
  id: string,
  keys: ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly descending: boolean }>
): string =>
  [
    ...keys.flatMap((k) =>
      k.path.length === 1 && k.path[0] === "_id"
        ? [`${id}${k.descending ? " DESC" : ""}`]
        : h.sortParts(doc, k.path).map((p) => `${p}${k.descending ? " DESC" : ""}`)
    ),
    id
  ].join(", ")
