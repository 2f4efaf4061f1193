/**
 * `upsert` and `bulkUpsert`: the conflict target must be `id` or a declared unique key; the inputs are
 * validated in full, then the backend writes (src/sql/backend/Upsert.ts and BulkUpsert.ts on SQL:
 * each database's native statement).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { keyOf } from "../backend/Keys.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { batchSizeOf, validateRows } from "./Bulk.js"
import { checkConflictTarget, databaseFor, filterOf, keyNames, validated } from "./Shared.js"
import { traced } from "./Tracing.js"

/** Parameters of `upsert`. */
export interface UpsertParams<Where, Create, Update> {
  /** `{ id }` or every field of one declared unique key. */
  readonly where: Where
  readonly create: Create
  readonly update: Update
}

/** Result of `upsert`. */
export interface UpsertResult<A> {
  readonly record: A
  readonly created: boolean
  readonly action: "created" | "updated"
}

/** Parameters of `bulkUpsert`. */
export interface BulkUpsertParams<Input, Key extends string> {
  readonly data: Iterable<Input>
  /** Default `["id"]`; otherwise a declared unique key. */
  readonly conflictOn?: ReadonlyArray<Key>
  readonly batchSize?: number
}

const bad = (model: ModelInfo, path: string, reason: string) =>
  new Errors.ValidationError({ model: model.name, path, reason })

/** Creates or updates one record found by `where`. */
export const upsert = (model: ModelInfo, params: UpsertParams<unknown, unknown, unknown>) =>
  Effect.gen(function* () {
    const where = params?.where as Record<string, unknown> | undefined
    if (where === undefined || typeof where !== "object" || where === null)
      return yield* bad(model, "where", "is required")
    const keys = Object.keys(where)
    yield* checkConflictTarget(model, keys)
    for (const k of keys) {
      const given = (params.create as Record<string, unknown> | undefined)?.[k]
      if (given !== undefined && given !== where[k]) return yield* bad(model, `create.${k}`, "differs from where")
    }
    const create = yield* validated(model.validateCreate({ ...(params.create as object), ...where }))
    const changes = yield* validated(model.validateUpdate(params.update ?? {}))
    const db = yield* databaseFor(model)
    const { created, record } = yield* db.backend.upsert(model, {
      conflict: keys.map((k) => model.columnMap.get(k)!),
      where: yield* filterOf(model, where),
      row: create,
      update: changes,
      now: new Date()
    })
    return { record, created, action: created ? ("created" as const) : ("updated" as const) }
  }).pipe(traced("upsert", model))

/** Creates or updates many records in one transaction; within `data`, the last row per key wins. */
export const bulkUpsert = (model: ModelInfo, params: BulkUpsertParams<unknown, string>) =>
  Effect.gen(function* () {
    const conflictOn = params?.conflictOn ?? keyNames(model)
    yield* checkConflictTarget(model, conflictOn)
    if (conflictOn.includes("id") && model.idKind === "auto") {
      return yield* bad(model, "conflictOn", "auto-increment ids are not given on input; use a unique key")
    }
    const valid = yield* validateRows(model, params.data, model.validateCreate)
    const conflict = conflictOn.map((k) => model.columnMap.get(k)!)
    for (const [i, r] of valid.entries()) {
      const missing = conflict.find((c) => r[c.name] === undefined || r[c.name] === null)
      if (missing) return yield* bad(model, `data[${i}].${missing.name}`, "is part of the conflict key and is required")
    }
    // last row per key wins
    const byKey = new Map<unknown, Record<string, unknown>>()
    for (const r of valid) {
      const k = keyOf(conflict, r)
      byKey.delete(k)
      byKey.set(k, r)
    }
    const skipped = valid.length - byKey.size
    if (byKey.size === 0) return { inserted: 0, updated: 0, skipped }
    const db = yield* databaseFor(model)
    const batchSize = yield* batchSizeOf(model, params.batchSize)
    // validated inputs as they are: the backend stamps the timestamps and generates missing UUIDs
    const rows = [...byKey.values()]
    const updated = yield* db.backend.bulkUpsert(model, rows, conflict, { batchSize, now: new Date() })
    return { inserted: rows.length - updated, updated, skipped }
  }).pipe(traced("bulkUpsert", model))
