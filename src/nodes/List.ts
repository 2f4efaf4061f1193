/**
 * `list` and `count`: filtered, ordered pages with the total of all matches and a keyset cursor.
 *
 * @since 0.1.0
 */
import { BigDecimal, Effect } from "effect"
import { operation, traced } from "./Tracing.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { OrderKey } from "../backend/Backend.js"
import { checkFieldValue, type Expr, toExpr } from "../query/Filter.js"
import { databaseFor, filterOf, project } from "./Shared.js"

/** Parameters of `list`. */
export interface ListParams<Filter, Key extends string> {
  readonly filter?: Filter
  /** `"name"` ascending, `"-created_at"` descending; `id` is always the last tie-breaker. */
  readonly orderBy?: ReadonlyArray<Key | `-${Key}`>
  /** Default 100, at most 10,000. */
  readonly limit?: number
  readonly offset?: number
  /** `nextCursor` of the previous page (same filter and orderBy). */
  readonly cursor?: string | null
  readonly select?: ReadonlyArray<Key>
  readonly includeDeleted?: boolean
}

/** One page of records. */
export interface Page<A> {
  readonly records: ReadonlyArray<A>
  /** Every record the filter matches, not just this page. */
  readonly total: number
  readonly limit: number
  readonly offset: number
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null
}

const maxLimit = 10_000

const bad = (model: ModelInfo, path: string, reason: string) =>
  new Errors.ValidationError({ model: model.name, path, reason })

const orderKeys = (model: ModelInfo, orderBy: ReadonlyArray<string> | undefined): Array<OrderKey> => {
  const keys: Array<OrderKey> = []
  for (const raw of orderBy ?? []) {
    if (typeof raw !== "string") throw bad(model, "orderBy", 'entries are field names, "-" prefixed for descending')
    const descending = raw.startsWith("-")
    const name = descending ? raw.slice(1) : raw
    const field = model.columnMap.get(name)
    if (field === undefined) throw bad(model, `orderBy.${name.slice(0, 64)}`, "is not a field of the model")
    if (field.kind === "json" || field.kind === "bytes" || field.kind === "vector")
      throw bad(model, `orderBy.${name}`, `${field.kind} fields cannot be ordered`)
    if (!keys.some((k) => k.field === field)) keys.push({ field, descending })
  }
  for (const field of model.key) if (!keys.some((k) => k.field === field)) keys.push({ field, descending: false })
  return keys
}

// cursor values as JSON: Date → ISO, bigint/BigDecimal → string
const toCursorValue = (field: Field, v: unknown): unknown =>
  v === null || v === undefined
    ? null
    : field.kind === "date"
      ? (v as Date).toISOString()
      : field.kind === "bigint"
        ? String(v)
        : field.kind === "decimal"
          ? BigDecimal.format(v as BigDecimal.BigDecimal)
          : v
/** A cursor's value back to the field's type; anything a cursor of ours cannot hold throws. */
const fromCursorValue = (field: Field, v: unknown): unknown => {
  if (v === null) return null
  const text = (): string => {
    if (typeof v !== "string") throw new TypeError("not text")
    return v
  }
  return field.kind === "date"
    ? new Date(text())
    : field.kind === "bigint"
      ? BigInt(text())
      : field.kind === "decimal"
        ? BigDecimal.unsafeFromString(text())
        : v
}

const signature = (keys: ReadonlyArray<OrderKey>) =>
  keys.map((k) => `${k.descending ? "-" : ""}${k.field.name}`).join(",")

const encodeCursor = (keys: ReadonlyArray<OrderKey>, record: Record<string, unknown>): string =>
  Buffer.from(
    JSON.stringify({ o: signature(keys), v: keys.map((k) => toCursorValue(k.field, record[k.field.name])) })
  ).toString("base64url")

const decodeCursor = (model: ModelInfo, keys: ReadonlyArray<OrderKey>, cursor: string): Array<unknown> => {
  let parsed: { o?: unknown; v?: unknown }
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
  } catch {
    throw bad(model, "cursor", "is not a cursor this library made")
  }
  if (typeof parsed !== "object" || parsed === null) throw bad(model, "cursor", "is not a cursor this library made")
  if (parsed.o !== signature(keys) || !Array.isArray(parsed.v) || parsed.v.length !== keys.length) {
    throw bad(model, "cursor", "was made for another orderBy")
  }
  // a cursor travels through clients: every value is checked like a filter value before use
  return parsed.v.map((v, i) => {
    const field = keys[i]!.field
    try {
      const value = fromCursorValue(field, v)
      if (value !== null) checkFieldValue(model.name, field, value)
      return value
    } catch {
      throw bad(model, "cursor", "is not a cursor this library made")
    }
  })
}

const checkCount = (model: ModelInfo, name: string, v: unknown, max: number) => {
  if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max)) {
    throw bad(model, name, `must be an integer from 0 to ${max}`)
  }
}

/** Lists one page. */
export const list = (model: ModelInfo, params: ListParams<unknown, string> = {}) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params.filter)
    const plan = yield* Effect.try({
      try: () => {
        checkCount(model, "limit", params.limit, maxLimit)
        checkCount(model, "offset", params.offset, Number.MAX_SAFE_INTEGER)
        if (params.cursor != null && (params.offset ?? 0) > 0)
          throw bad(model, "cursor", "cannot be combined with offset")
        for (const s of params.select ?? []) {
          if (!model.columnMap.has(s))
            throw bad(model, `select.${String(s).slice(0, 64)}`, "is not a field of the model")
        }
        const keys = orderKeys(model, params.orderBy)
        const after = params.cursor != null ? decodeCursor(model, keys, params.cursor) : undefined
        return { keys, after }
      },
      catch: (e) => e as Errors.ValidationError
    })
    const limit = params.limit ?? 100
    const offset = params.offset ?? 0
    const db = yield* databaseFor(model)
    const fields =
      params.select === undefined
        ? model.columns
        : model.columns.filter(
            (c) => model.key.includes(c) || params.select!.includes(c.name) || plan.keys.some((k) => k.field === c)
          )
    const page = yield* db.backend.find(model, {
      expr,
      includeDeleted: params.includeDeleted === true,
      orderBy: plan.keys,
      after: plan.after,
      limit,
      offset,
      fields
    })
    const records = page.records
    const nextCursor = page.more && records.length > 0 ? encodeCursor(plan.keys, records[records.length - 1]!) : null
    return {
      records: records.map((r) => project(model, r, params.select)),
      total: page.total,
      limit,
      offset,
      nextCursor
    }
  }).pipe(traced("list", model))

/** Parameters of `count`. */
export interface CountParams<Filter> {
  readonly filter?: Filter
  readonly includeDeleted?: boolean
}

/** Counts matching records. */
export const count = (model: ModelInfo, params: CountParams<unknown> = {}) =>
  operation("count", model, (db) => {
    let expr: Expr
    try {
      expr = toExpr(model.name, model.columnMap, params.filter)
    } catch (e) {
      return Effect.fail(e as Errors.ValidationError)
    }
    const select = db.backend.count(model, expr, params.includeDeleted === true, "count")
    return db.isReady(model) ? select : Effect.zipRight(db.ensureTable(model), select)
  })
