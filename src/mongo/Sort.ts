/**
 * `FindQuery` (src/backend/Backend.ts) → how MongoDB reads the page, in SQL's order.
 *
 * SQL sorts NULLs last ascending and first descending; MongoDB sorts null and missing values
 * lowest (first ascending, last descending). When no ordering field can be null or missing, the
 * plan is a plain `find`; otherwise an aggregation pipeline adds a null-rank key per such field
 * (1 for null/missing), sorted in the field's direction just before it, and drops the ranks with
 * its final `$project`. The keyset condition ("after this record") places nulls the same way and is
 * a query condition, so both plans take it in their filter.
 *
 * The plan reads `limit + 1` documents: one more than the page says whether more follow. The
 * total (every match, ignoring limit, offset and keyset) is `countFilter` (`countDocuments`).
 *
 * ```ts
 * const plan = findPlan(mongo, User.info, query)
 * plan.kind === "find" ? coll.find(plan.filter, { sort: plan.sort, skip: plan.skip, limit: plan.limit, projection: plan.projection }) : coll.aggregate(plan.pipeline)
 * ```
 *
 * @since 0.1.0
 */
import type { FindQuery, OrderKey } from "../backend/Backend.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { andQueries, matchNothing, whereQuery } from "./Filter.js"
import { type Bson, type Doc, encodeValue, pathOf } from "./Values.js"

/** How one page is read: a plain find, or an aggregation pipeline (nullable ordering fields). */
export type FindPlan =
  | {
      readonly kind: "find"
      readonly filter: Doc
      readonly sort: Doc
      readonly skip: number
      /** `query.limit + 1`: the extra document says whether more follow. */
      readonly limit: number
      readonly projection: Doc
      readonly countFilter: Doc
    }
  | { readonly kind: "aggregate"; readonly pipeline: ReadonlyArray<Doc>; readonly countFilter: Doc }

/** The name of the null-rank key of the i-th ordering field (dropped before documents come back). */
export const nullRankKey = (i: number): string => `__df_null_${i}`

const canBeNull = (f: Field): boolean => f.optional || f.nullable

/** The projection of `fields`: `_id` (the key) and each other field's column. */
export const projectionOf = (model: ModelInfo, fields: ReadonlyArray<Field>): Doc => {
  const out: Doc = { _id: 1 }
  for (const f of fields) if (!model.key.includes(f)) out[f.column] = 1
  return out
}

/** The sort document; with `ranked`, each nullable field is preceded by its null-rank key. */
export const sortOf = (model: ModelInfo, keys: ReadonlyArray<OrderKey>, ranked: boolean): Doc => {
  const out: Doc = {}
  keys.forEach((k, i) => {
    const dir = k.descending ? -1 : 1
    const path = pathOf(model, k.field)
    // a field ordered twice: the first direction holds, as in SQL's ORDER BY (a later key would overwrite it)
    if (path in out) return
    if (ranked && canBeNull(k.field)) out[nullRankKey(i)] = dir
    out[path] = dir
  })
  return out
}

/** The `$addFields` stage computing the null ranks (1 when null or missing, else 0), or undefined when none. */
export const nullRanks = (model: ModelInfo, keys: ReadonlyArray<OrderKey>): Doc | undefined => {
  const ranks: Doc = {}
  keys.forEach((k, i) => {
    if (canBeNull(k.field)) {
      ranks[nullRankKey(i)] = { $cond: [{ $in: [{ $type: `$${pathOf(model, k.field)}` }, ["missing", "null"]] }, 1, 0] }
    }
  })
  return Object.keys(ranks).length === 0 ? undefined : { $addFields: ranks }
}

/**
 * The keyset condition "after these values" for an ordering (NULLs last ascending, first
 * descending), as src/sql/Compiler.ts `keysetCondition`: OR over i of (k1 = v1 AND … AND ki beyond vi).
 */
export const keysetQuery = (
  bson: Bson,
  model: ModelInfo,
  keys: ReadonlyArray<OrderKey>,
  values: ReadonlyArray<unknown>
): Doc => {
  const same = (k: OrderKey, v: unknown): Doc => ({
    [pathOf(model, k.field)]: v === null ? null : encodeValue(bson, k.field, v)
  })
  const beyond = (k: OrderKey, v: unknown): Doc => {
    const path = pathOf(model, k.field)
    if (v === null) return { [path]: { $ne: null } } // descending: every non-null sorts after NULL
    const value = encodeValue(bson, k.field, v)
    if (k.descending) return { [path]: { $lt: value } }
    const greater = { [path]: { $gt: value } }
    return canBeNull(k.field) ? { $or: [greater, { [path]: null }] } : greater
  }
  const ors: Array<Doc> = []
  keys.forEach((k, i) => {
    if (values[i] === null && !k.descending) return // nothing sorts after NULL on this key
    ors.push(andQueries([...keys.slice(0, i).map((pk, j) => same(pk, values[j])), beyond(k, values[i])]))
  })
  return ors.length === 0 ? matchNothing : ors.length === 1 ? ors[0]! : { $or: ors }
}

/** The plan of one `find` (see the module comment). */
export const findPlan = (bson: Bson, model: ModelInfo, query: FindQuery): FindPlan => {
  const countFilter = whereQuery(bson, model, query.expr, query.includeDeleted)
  const filter =
    query.after === undefined
      ? countFilter
      : andQueries([countFilter, keysetQuery(bson, model, query.orderBy, query.after)])
  const projection = projectionOf(model, query.fields)
  const limit = query.limit + 1
  const ranks = nullRanks(model, query.orderBy)
  if (ranks === undefined) {
    return {
      kind: "find",
      filter,
      sort: sortOf(model, query.orderBy, false),
      skip: query.offset,
      limit,
      projection,
      countFilter
    }
  }
  const pipeline: Array<Doc> = [
    { $match: filter },
    ranks,
    { $sort: sortOf(model, query.orderBy, true) },
    ...(query.offset > 0 ? [{ $skip: query.offset }] : []),
    { $limit: limit },
    // an inclusion projection: the null ranks are left out
    { $project: projection }
  ]
  return { kind: "aggregate", pipeline, countFilter }
}
