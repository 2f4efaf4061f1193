/**
 * Bulk writes: bulkCreate, bulkUpdate, bulkDelete. Each is all-or-nothing (one transaction),
 * batched under the backend's statement limits, and validated in full before the backend writes.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { Row } from "../backend/Backend.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { isEmpty } from "../query/Filter.js"
import { deleteWhere } from "./Delete.js"
import { databaseFor, filterOf, validated } from "./Shared.js"
import { traced } from "./Tracing.js"
import { changedNames } from "./Update.js"

/** Parameters of `bulkCreate`. */
export interface BulkCreateParams<Input, StreamError = never> {
  /** An array or any iterable, or an Effect Stream (validated and written batch by batch). */
  readonly data: Iterable<Input> | Stream.Stream<Input, StreamError, never>
  /** Rows per statement (lowered to fit the parameter limit). Default 1000. */
  readonly batchSize?: number
  /** "error" (default): a duplicate key fails the whole call; "skip": rows colliding on any unique key are skipped. */
  readonly onConflict?: "error" | "skip"
  /**
   * "all" (default): one transaction, nothing is written unless everything is. "batch": each batch
   * commits on its own (a failure keeps the batches before it) — for loads too large for one transaction.
   */
  readonly commit?: "all" | "batch"
}

/** Validates every row of `data`; the first bad row fails with its index in the path. */
export const validateRows = (
  model: ModelInfo,
  data: Iterable<unknown>,
  validate: ModelInfo["validateCreate"]
): Effect.Effect<Array<Record<string, unknown>>, Errors.ValidationError> =>
  Effect.suspend(() => {
    if (
      data === null ||
      typeof data !== "object" ||
      typeof (data as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      return Effect.fail(
        new Errors.ValidationError({
          model: model.name,
          path: "data",
          reason: "must be an array or iterable of records"
        })
      )
    }
    const rows: Array<Record<string, unknown>> = []
    let i = 0
    for (const item of data) {
      const r = validate(item)
      if (r._tag === "Left") {
        return Effect.fail(
          new Errors.ValidationError({
            model: model.name,
            path: `data[${i}]${r.left.path ? `.${r.left.path}` : ""}`,
            reason: r.left.reason
          })
        )
      }
      rows.push(r.right)
      i++
    }
    return Effect.succeed(rows)
  })

/** A checked batchSize (default 1000). */
export const batchSizeOf = (model: ModelInfo, n: unknown) =>
  n === undefined
    ? Effect.succeed(1000)
    : typeof n === "number" && Number.isSafeInteger(n) && n >= 1 && n <= 100_000
      ? Effect.succeed(n)
      : Effect.fail(
          new Errors.ValidationError({
            model: model.name,
            path: "batchSize",
            reason: "must be an integer from 1 to 100000"
          })
        )

const checkChoice = <A extends string>(model: ModelInfo, path: string, value: unknown, choices: ReadonlyArray<A>) =>
  choices.includes(value as A)
    ? Effect.succeed(value as A)
    : Effect.fail(
        new Errors.ValidationError({
          model: model.name,
          path,
          reason: `must be ${choices.map((c) => `"${c}"`).join(" or ")}`
        })
      )

/** A stream is validated and written batch by batch: memory stays flat. */
const streamRows = (
  model: ModelInfo,
  stream: Stream.Stream<unknown>,
  per: number,
  write: (rows: ReadonlyArray<Row>) => Effect.Effect<number, Errors.QueryError | Errors.UnsupportedFeature>
) =>
  Stream.runFoldEffect(Stream.grouped(stream, per), [0, 0] as [number, number], ([seen, inserted], chunk) =>
    Effect.gen(function* () {
      const rows: Array<Record<string, unknown>> = []
      for (const item of chunk) {
        const r = model.validateCreate(item)
        if (r._tag === "Left") {
          return yield* new Errors.ValidationError({
            model: model.name,
            path: `data[${seen + rows.length}]${r.left.path ? `.${r.left.path}` : ""}`,
            reason: r.left.reason
          })
        }
        rows.push(r.right)
      }
      const n = yield* write(rows)
      return [seen + rows.length, inserted + n] as [number, number]
    })
  )

/** Inserts many records in one transaction (or one per batch with `commit: "batch"`). */
export const bulkCreate = (model: ModelInfo, params: BulkCreateParams<unknown>) =>
  Effect.gen(function* () {
    const onConflict = yield* checkChoice(model, "onConflict", params?.onConflict ?? "error", ["error", "skip"])
    const commit = yield* checkChoice(model, "commit", params.commit ?? "all", ["all", "batch"])
    const batchSize = yield* batchSizeOf(model, params.batchSize)
    const db = yield* databaseFor(model)
    const backend = db.backend
    const per = backend.batchRows(model, batchSize)
    const inEach = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      commit === "batch" ? backend.transaction(effect) : effect
    const write = (rows: ReadonlyArray<Row>) =>
      inEach(backend.insertBatch(model, rows, { onConflict, now: new Date() }))

    if (Stream.StreamTypeId in (params.data as object)) {
      // all-or-nothing still holds (one transaction) unless commit: "batch"; the stream's own errors
      // pass through unchanged (the caller's type has them)
      const folded = streamRows(model, params.data as Stream.Stream<unknown>, per, write)
      const [seen, inserted] = yield* commit === "all" ? backend.transaction(folded) : folded
      return { inserted, skipped: seen - inserted }
    }

    const valid = yield* validateRows(model, params.data as Iterable<unknown>, model.validateCreate)
    if (valid.length === 0) return { inserted: 0, skipped: 0 }
    const now = new Date()
    const inserted =
      commit === "all"
        ? yield* backend.bulkInsert(model, valid, { onConflict, now, batchSize })
        : yield* Effect.reduce(chunk(valid, per), 0, (sum, batch) =>
            Effect.map(inEach(backend.insertBatch(model, batch, { onConflict, now })), (n) => sum + n)
          )
    return { inserted, skipped: valid.length - inserted }
  }).pipe(traced("bulkCreate", model))

/** Splits rows into statement-sized batches. */
export const chunk = <A>(rows: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/** Parameters of `bulkUpdate`. */
export interface BulkUpdateParams<Filter, Fields> {
  readonly filter: Filter
  readonly fields: Fields
  /** Required to update every row with an empty filter. */
  readonly confirmed?: boolean
}

/** Parameters of `bulkDelete`. */
export interface BulkDeleteParams<Filter> {
  readonly filter: Filter
  /** Required to delete every row with an empty filter. */
  readonly confirmed?: boolean
}

const refuseEmpty = (
  model: ModelInfo,
  operation: string,
  expr: Parameters<typeof isEmpty>[0],
  confirmed: boolean | undefined
) =>
  isEmpty(expr) && confirmed !== true
    ? Effect.fail(new Errors.EmptyFilterRefused({ model: model.name, operation }))
    : Effect.void

/** Updates every matching record. */
export const bulkUpdate = (model: ModelInfo, params: BulkUpdateParams<unknown, unknown>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    yield* refuseEmpty(model, "bulkUpdate", expr, params.confirmed)
    const fields = yield* validated(model.validateUpdate(params.fields ?? {}))
    const db = yield* databaseFor(model)
    const updated = yield* db.backend.updateWhere(model, expr, {
      names: changedNames(model, fields),
      fields,
      now: new Date()
    })
    return { updated }
  }).pipe(traced("bulkUpdate", model))

/** Deletes every matching record (soft-delete models set deleted_at). */
export const bulkDelete = (model: ModelInfo, params: BulkDeleteParams<unknown>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    yield* refuseEmpty(model, "bulkDelete", expr, params.confirmed)
    const deleted = yield* deleteWhere(model, params.filter, "bulkDelete")
    return { deleted }
  }).pipe(traced("bulkDelete", model))
