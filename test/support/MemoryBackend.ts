/**
 * A second implementation of the backend contract (src/backend/Backend.ts) that is not SQL: records
 * in Maps, the filter IR evaluated in JavaScript for the operators it needs. It exists only to prove
 * that the operations in src/nodes need nothing SQL (test/unit/backend-contract.test.ts); it is never
 * a substitute for a database in the conformance tests.
 *
 * `memoryDatabase` wraps it in a `Database` service value (a test-support constructor, not public
 * API): every member other than the backend, `ensureTable`, `isReady`, `tracing`, `models` and
 * `transaction` dies when used, so a test passing through it shows the operations used nothing else.
 */
import { BigDecimal, Effect, Layer } from "effect"
import type { Backend, Changes, Row } from "../../src/backend/Backend.js"
import { keyOf } from "../../src/backend/Keys.js"
import { Database, type DatabaseService, type ModelLike } from "../../src/Database.js"
import * as Errors from "../../src/Errors.js"
import type { Field } from "../../src/model/Field.js"
import type { ModelInfo } from "../../src/model/Model.js"
import type { Expr, Target } from "../../src/query/Filter.js"

type Table = Map<unknown, Row>

const managed = new Set(["created_at", "updated_at", "deleted_at"])
/** Fields an upsert's update leaves alone: the key and the managed timestamps. */
const frozen = (model: ModelInfo, name: string) => managed.has(name) || model.key.some((f) => f.name === name)

/** Records in key order. */
const keyOrder = (model: ModelInfo, a: Row, b: Row): number => {
  for (const f of model.key) {
    const c = compare(a[f.name], b[f.name])
    if (c !== 0) return c
  }
  return 0
}

/** Values of one field kind in order; null sorts last (ascending), as the SQL family does. */
const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1
  if (b === null || b === undefined) return -1
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (BigDecimal.isBigDecimal(a) && BigDecimal.isBigDecimal(b)) return BigDecimal.Order(a, b)
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
}

const valueOf = (record: Row, target: Target): unknown => {
  if (target.path !== undefined) throw new Error("the memory backend does not evaluate JSON paths")
  return record[target.field.name]
}

const likeRe = (pattern: string, caseInsensitive: boolean) =>
  new RegExp(
    `^${pattern.replace(/\\(.)|([%_])|([^\\%_]+)/gs, (_, escaped, wild, text) =>
      escaped !== undefined
        ? escaped.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        : wild !== undefined
          ? wild === "%"
            ? ".*"
            : "."
          : text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    )}$`,
    caseInsensitive ? "is" : "s"
  )

/** The filter IR in JavaScript, two-valued as the SQL compiler makes it (an unknown comparison does not match). */
export const matches = (e: Expr, r: Row): boolean => {
  switch (e._tag) {
    case "Const":
      return e.value
    case "And":
      return e.items.every((x) => matches(x, r))
    case "Or":
      return e.items.some((x) => matches(x, r))
    case "Not":
      return !matches(e.item, r)
    case "IsNull":
      return valueOf(r, e.target) === null || valueOf(r, e.target) === undefined
    case "Cmp": {
      const v = valueOf(r, e.target)
      if (v === null || v === undefined || e.value === null) return false
      const c = compare(v, e.value)
      return { "=": c === 0, "<>": c !== 0, ">": c > 0, ">=": c >= 0, "<": c < 0, "<=": c <= 0 }[e.op]
    }
    case "In": {
      const v = valueOf(r, e.target)
      return v !== null && v !== undefined && e.values.some((x) => compare(v, x) === 0)
    }
    case "Like": {
      const v = valueOf(r, e.target)
      return typeof v === "string" && likeRe(e.pattern, e.caseInsensitive).test(v)
    }
    default:
      throw new Error(`the memory backend does not evaluate ${e._tag}`)
  }
}

/** Every record's key fields and unique keys must stay unique. */
const checkUnique = (model: ModelInfo, table: Table, record: Row, self: unknown) => {
  for (const names of [model.key.map((f) => f.name), ...model.unique]) {
    const fields = names.map((n) => model.columnMap.get(n)!)
    if (fields.some((f) => record[f.name] === null || record[f.name] === undefined)) continue
    const k = keyOf(fields, record)
    for (const [id, other] of table) {
      if (id !== self && keyOf(fields, other) === k)
        throw new Errors.UniqueViolation({ model: model.name, fields: names })
    }
  }
}

const live = (model: ModelInfo, r: Row, includeDeleted: boolean) =>
  includeDeleted ||
  model.deletedAt === undefined ||
  r[model.deletedAt.name] === null ||
  r[model.deletedAt.name] === undefined

const changed = (record: Row, { fields, names, now }: Changes): Row => {
  const out = { ...record }
  for (const n of names) out[n] = n === "updated_at" ? now : fields[n]
  return out
}

const orderOf =
  (keys: ReadonlyArray<{ readonly field: Field; readonly descending: boolean }>) =>
  (a: Row, b: ReadonlyArray<unknown> | Row) => {
    for (const [i, k] of keys.entries()) {
      const bv = Array.isArray(b) ? b[i] : (b as Row)[k.field.name]
      const c = compare(a[k.field.name], bv)
      if (c !== 0) return k.descending ? -c : c
    }
    return 0
  }

/** The contract over Maps. `tables` is exposed for the test's own checks. */
export const makeMemoryBackend = () => {
  const tables = new Map<ModelInfo, Table>()
  let nextId = 1
  const tableOf = (model: ModelInfo): Table => {
    let t = tables.get(model)
    if (t === undefined) tables.set(model, (t = new Map()))
    return t
  }
  /** Runs a synchronous step; a thrown tagged error becomes the Effect's failure. */
  const step = <A>(f: () => A): Effect.Effect<A, Errors.QueryError> =>
    Effect.try({
      try: f,
      catch: (e) => {
        if (e instanceof Errors.UniqueViolation || e instanceof Errors.ValidationError) return e
        throw e
      }
    })
  const insertOne = (model: ModelInfo, input: Row, now: Date): Row => {
    const t = tableOf(model)
    const record: Row = { ...input }
    for (const f of model.fields) if (record[f.name] === undefined && f.nullable) record[f.name] = null
    if (model.idKind === "auto" && record["id"] === undefined) record["id"] = nextId++
    if (model.idKind === "uuid" && record["id"] === undefined) record["id"] = crypto.randomUUID()
    if (model.createdAt !== undefined) record["created_at"] = record["updated_at"] = now
    if (model.deletedAt !== undefined) record["deleted_at"] = null
    const id = keyOf(model.key, record)
    checkUnique(model, t, record, undefined)
    t.set(id, record)
    return { ...record }
  }
  const replace = (model: ModelInfo, record: Row) => {
    const t = tableOf(model)
    const id = keyOf(model.key, record)
    checkUnique(model, t, record, id)
    t.set(id, record)
    return { ...record }
  }
  const select = (model: ModelInfo, expr: Expr, includeDeleted: boolean) =>
    [...tableOf(model).values()].filter((r) => live(model, r, includeDeleted) && matches(expr, r))

  const backend: Backend = {
    readById: (model, id, includeDeleted) =>
      step(() => {
        const r = tableOf(model).get(
          keyOf(model.key, model.key.length === 1 ? { [model.key[0]!.name]: id } : (id as Row))
        )
        return r !== undefined && live(model, r, includeDeleted) ? { ...r } : undefined
      }),
    find: (model, q) =>
      step(() => {
        const all = select(model, q.expr, q.includeDeleted)
        const order = orderOf(q.orderBy)
        const sorted = all.sort((a, b) => order(a, b))
        const after = q.after
        const rest = after === undefined ? sorted : sorted.filter((r) => order(r, after) > 0)
        const page = rest.slice(q.offset, q.offset + q.limit)
        const names = new Set(q.fields.map((f) => f.name))
        const records = page.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => names.has(k))))
        return { records, more: rest.length > q.offset + q.limit, total: all.length }
      }),
    count: (model, expr, includeDeleted) => step(() => select(model, expr, includeDeleted).length),
    insert: (model, row, now) => step(() => insertOne(model, row, now)),
    updateById: (model, id, changes) =>
      Effect.flatMap(backend.readById(model, id, false, "update"), (r) =>
        r === undefined ? Effect.succeed(undefined) : step(() => replace(model, changed(r, changes)))
      ),
    updateWhere: (model, expr, changes) =>
      step(() => select(model, expr, false).map((r) => replace(model, changed(r, changes))).length),
    deleteWhere: (model, expr, now) =>
      step(() => {
        const found = select(model, expr, false)
        for (const r of found) {
          if (model.deletedAt !== undefined) replace(model, { ...r, deleted_at: now })
          else tableOf(model).delete(keyOf(model.key, r))
        }
        return found.length
      }),
    upsert: (model, plan) =>
      step(() => {
        const [existing] = select(model, plan.where, true)
        if (existing === undefined) return { record: insertOne(model, plan.row, plan.now), created: true }
        const names = Object.keys(plan.update).filter((k) => plan.update[k] !== undefined && !frozen(model, k))
        if (model.updatedAt !== undefined) names.push("updated_at")
        const record = changed(existing, { names, fields: plan.update, now: plan.now })
        if (model.deletedAt !== undefined) record["deleted_at"] = null
        return { record: replace(model, record), created: false }
      }),
    batchRows: (_model, batchSize) => batchSize,
    insertBatch: (model, rows, { now, onConflict }) =>
      step(() => {
        let n = 0
        for (const row of rows) {
          try {
            insertOne(model, row, now)
            n++
          } catch (e) {
            if (!(e instanceof Errors.UniqueViolation) || onConflict === "error") throw e
          }
        }
        return n
      }),
    bulkInsert: (model, rows, options) => backend.transaction(backend.insertBatch(model, rows, options)),
    bulkUpsert: (model, rows, conflict, { now }) =>
      backend.transaction(
        step(() => {
          let updated = 0
          for (const row of rows) {
            const k = keyOf(conflict, row)
            const existing = [...tableOf(model).values()].find((r) => keyOf(conflict, r) === k)
            if (existing === undefined) {
              insertOne(model, row, now)
              continue
            }
            updated++
            const names = Object.keys(row).filter(
              (n) => row[n] !== undefined && !frozen(model, n) && !conflict.some((f) => f.name === n)
            )
            if (model.updatedAt !== undefined) names.push("updated_at")
            const record = changed(existing, { names, fields: row, now })
            if (model.deletedAt !== undefined) record["deleted_at"] = null
            replace(model, record)
          }
          return updated
        })
      ),
    // exact: every live, matching record's distance, nearest first, ties by key
    vectorSearch: (model, q) =>
      step(() => {
        const distance = (a: ReadonlyArray<number>): number => {
          const b = q.vector
          let dot = 0
          let na = 0
          let nb = 0
          let l2 = 0
          for (let i = 0; i < b.length; i++) {
            dot += a[i]! * b[i]!
            na += a[i]! * a[i]!
            nb += b[i]! * b[i]!
            l2 += (a[i]! - b[i]!) ** 2
          }
          return q.distance === "l2"
            ? Math.sqrt(l2)
            : q.distance === "innerProduct"
              ? -dot
              : 1 - dot / Math.sqrt(na * nb)
        }
        return select(model, q.expr, q.includeDeleted)
          .filter((r) => Array.isArray(r[q.field.name]))
          .map((r) => ({ record: { ...r }, distance: distance(r[q.field.name] as ReadonlyArray<number>) }))
          .filter((h) => q.maxDistance === undefined || h.distance <= q.maxDistance)
          .sort((a, b) => a.distance - b.distance || keyOrder(model, a.record, b.record))
          .slice(0, q.k)
      }),
    textSearch: () => Effect.fail(new Errors.UnsupportedFeature({ dialect: "memory", feature: "text search" })),
    // all or nothing: the tables as they were are put back when the effect fails
    transaction: (effect) =>
      Effect.suspend(() => {
        const saved = new Map([...tables].map(([m, t]) => [m, new Map(t)] as const))
        return Effect.tapErrorCause(effect, () =>
          Effect.sync(() => {
            tables.clear()
            for (const [m, t] of saved) tables.set(m, t)
          })
        )
      })
  }
  return { backend, tables }
}

/** A `Database` layer whose operations run on `backend`; anything else the service is asked for dies. */
export const memoryDatabase = (backend: Backend, models: ReadonlyArray<ModelLike>) => {
  const asked: Array<string> = []
  const known: Record<string, unknown> = {
    backend,
    models: new Map(models.map((m) => [m.info.name, m] as const)),
    tracing: "off",
    isReady: () => true,
    ensureTable: () => Effect.void,
    transaction: backend.transaction
  }
  const service = new Proxy(known, {
    get: (target, key) => {
      if (typeof key === "symbol" || key === "then") return undefined
      if (key in target) return target[key]
      asked.push(key)
      return () => Effect.dieMessage(`the memory Database was asked for ${key}`)
    }
  }) as unknown as DatabaseService
  return { layer: Layer.succeed(Database, service), asked }
}
