/**
 * The checked form of a document filter: what `checkFilter` (src/documents/CheckFilter.ts) returns
 * and the SQL compiler (src/documents/SqlFilter.ts) and the JavaScript matcher
 * (src/documents/Match.ts) read. Paths are split dot paths; digit segments index arrays.
 *
 * @since 0.1.0
 */

/** A value equality compares with: a JSON scalar. */
export type Scalar = string | number | boolean | null

/** One test of the value at a path (MongoDB's meaning: an array field matches when an element does). */
export type FieldTest =
  | { readonly op: "eq"; readonly value: Scalar }
  | { readonly op: "gt" | "gte" | "lt" | "lte"; readonly value: string | number }
  | { readonly op: "in"; readonly values: ReadonlyArray<Scalar> }
  | { readonly op: "exists"; readonly value: boolean }
  | { readonly op: "regex"; readonly pattern: string }
  | { readonly op: "size"; readonly value: number }
  | { readonly op: "not"; readonly test: FieldTest }
  | { readonly op: "and"; readonly tests: ReadonlyArray<FieldTest> }

/** A checked filter. */
export type FilterIR =
  | { readonly _tag: "Const"; readonly value: boolean }
  | { readonly _tag: "And" | "Or" | "Nor"; readonly items: ReadonlyArray<FilterIR> }
  | { readonly _tag: "Field"; readonly path: ReadonlyArray<string>; readonly test: FieldTest }

/** The filter that matches every document. */
export const matchAll: FilterIR = { _tag: "Const", value: true }

const opOf = (test: FieldTest): Record<string, unknown> => {
  switch (test.op) {
    case "eq":
      return { $eq: test.value }
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return { [`$${test.op}`]: test.value }
    case "in":
      return { $in: test.values }
    case "exists":
      return { $exists: test.value }
    case "regex":
      return { $regex: test.pattern }
    case "size":
      return { $size: test.value }
    case "not":
      return test.test.op === "eq"
        ? { $ne: test.test.value }
        : test.test.op === "in"
          ? { $nin: test.test.values }
          : { $not: opOf(test.test) }
    case "and":
      return Object.assign({}, ...test.tests.map(opOf)) as Record<string, unknown>
  }
}

// `and` tests whose operators repeat (two $eq from $all) cannot share one operator object
const repeats = (tests: ReadonlyArray<FieldTest>) => {
  const names = tests.flatMap((t) => Object.keys(opOf(t)))
  return new Set(names).size !== names.length
}

/**
 * The normalized MongoDB query document of a checked filter (for the MongoDB implementation):
 * implicit equalities as `$eq`, `$regex` patterns in their portable form (src/query/Regex.ts;
 * option `i` already folded into the pattern), `$all` as `$eq` of each value.
 */
export const toMongoQuery = (ir: FilterIR): Record<string, unknown> => {
  switch (ir._tag) {
    case "Const":
      return ir.value ? {} : { _id: { $in: [] } }
    case "And":
      return { $and: ir.items.map(toMongoQuery) }
    case "Or":
      return { $or: ir.items.map(toMongoQuery) }
    case "Nor":
      return { $nor: ir.items.map(toMongoQuery) }
    case "Field": {
      const path = ir.path.join(".")
      return ir.test.op === "and" && repeats(ir.test.tests)
        ? { $and: ir.test.tests.map((t) => ({ [path]: opOf(t) })) }
        : { [path]: opOf(ir.test) }
    }
  }
}
