/**
 * Bulk writes: bulkCreate, bulkUpdate, bulkDelete. Each is all-or-nothing (one transaction),
 * batched under the dialect's parameter limit, and validated in full before any SQL runs.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { DatabaseService } from "../Database.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { isEmpty } from "../query/Filter.js"
import { insertSql, Params, rowsPerStatement, whereClause } from "../sql/Compiler.js"
import { planned } from "./Plans.js"
import { deleteWhere } from "./Delete.js"
import {
  contextOf,
  databaseFor,
  encodeInsertColumns,
  encodeInserts,
  filterOf,
  insertColumns,
  validated
} from "./Shared.js"
import { traced } from "./Tracing.js"
import { setList } from "./Update.js"

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

const duplicatesOf = (info: string | undefined) => {
  const m = info ? /Duplicates:\s*(\d+)/.exec(info) : null
  return m ? Number(m[1]) : undefined
}

/** Writes one batch of prepared rows; returns how many were inserted. */
const makeBatchWriter = (db: DatabaseService, model: ModelInfo, onConflict: "error" | "skip") => {
  const d = db.hooks
  const ctx = contextOf(model, "bulkCreate")
  return (batch: ReadonlyArray<Record<string, unknown>>, now: Date) => {
    const columns = insertColumns(model, batch)
    const key = columns.map((c) => c.name).join(",")
    // one INSERT text per batch shape, compiled once; only the parameters change
    const statement = (suffix: string) =>
      d.insertColumnar !== undefined
        ? {
            sql: planned(d, model, `columnar:${key}:${suffix}`, () => d.insertColumnar!(model, columns, suffix)),
            params: encodeInsertColumns(d, model, columns, batch, now)
          }
        : {
            sql: planned(d, model, `bulk:${key}:${batch.length}:${suffix}`, () =>
              insertSql(d, model, columns, batch.length, suffix, false)
            ),
            params: encodeInserts(d, model, columns, batch, now)
          }
    if (onConflict === "error") {
      if (d.copy !== undefined && db.copyIn !== undefined) {
        // COPY: the fastest way in; nothing to skip, so nothing it cannot do
        const sql = planned(d, model, `copy:${key}`, () => d.copy!.statement(model, columns))
        return db.copyIn(sql, [d.copy.data(encodeInserts(d, model, columns, batch, now), columns.length)], ctx)
      }
      return Effect.map(db.write(statement(""), ctx), (r) => r.affected)
    }
    if (d.skipCountNeedsManyRows && batch.length === 1) {
      // duplicates are reported only for multi-row inserts: try the row alone under a savepoint
      return db.transaction(db.write(statement(""), ctx)).pipe(
        Effect.map((r) => r.affected),
        Effect.catchTag("UniqueViolation", () => Effect.succeed(0))
      )
    }
    return Effect.map(db.write(statement(d.skipClause(model.key[0]!.column)), ctx), (result) => {
      const dups = duplicatesOf(result.info)
      return dups !== undefined ? batch.length - dups : result.affected
    })
  }
}

const rowsPerBatch = (db: DatabaseService, model: ModelInfo, batchSize: number) =>
  db.hooks.insertColumnar !== undefined ? batchSize : rowsPerStatement(db.hooks, model.columns.length, batchSize)

/** Inserts many records in one transaction (or one per batch with `commit: "batch"`). */
export const bulkCreate = (model: ModelInfo, params: BulkCreateParams<unknown>) =>
  Effect.gen(function* () {
    const onConflict = params?.onConflict ?? "error"
    if (onConflict !== "error" && onConflict !== "skip") {
      return yield* new Errors.ValidationError({
        model: model.name,
        path: "onConflict",
        reason: 'must be "error" or "skip"'
      })
    }
    const commit = params.commit ?? "all"
    if (commit !== "all" && commit !== "batch") {
      return yield* new Errors.ValidationError({
        model: model.name,
        path: "commit",
        reason: 'must be "all" or "batch"'
      })
    }
    const batchSize = yield* batchSizeOf(model, params.batchSize)
    const db = yield* databaseFor(model)
    const write = makeBatchWriter(db, model, onConflict)
    const per = rowsPerBatch(db, model, batchSize)
    const inOne = <A, E, R>(effect: Effect.Effect<A, E, R>) => (commit === "all" ? db.transaction(effect) : effect)
    const inEach = <A, E, R>(effect: Effect.Effect<A, E, R>) => (commit === "batch" ? db.transaction(effect) : effect)

    if (Stream.StreamTypeId in (params.data as object)) {
      // a stream is validated and written batch by batch: memory stays flat; all-or-nothing still
      // holds (one transaction) unless commit: "batch"
      // the stream's own errors pass through unchanged (the caller's type has them)
      const stream = params.data as Stream.Stream<unknown>
      const [seen, inserted] = yield* inOne(
        Stream.runFoldEffect(Stream.grouped(stream, per), [0, 0] as [number, number], ([seen, inserted], chunk) =>
          Effect.gen(function* () {
            const now = new Date()
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
            const n = yield* inEach(write(rows, now))
            return [seen + rows.length, inserted + n] as [number, number]
          })
        )
      )
      return { inserted, skipped: seen - inserted }
    }

    const valid = yield* validateRows(model, params.data as Iterable<unknown>, model.validateCreate)
    if (valid.length === 0) return { inserted: 0, skipped: 0 }
    const now = new Date()
    const d = db.hooks
    if (onConflict === "error" && commit === "all" && d.copy !== undefined && db.copyIn !== undefined) {
      // one COPY for every row (atomic on its own), its data sent batch by batch as it is encoded
      const columns = insertColumns(model, valid)
      const sql = planned(d, model, `copy:${columns.map((c) => c.name).join(",")}`, () =>
        d.copy!.statement(model, columns)
      )
      const copy = d.copy
      const pieces = function* () {
        for (const batch of chunk(valid, per))
          yield copy.data(encodeInserts(d, model, columns, batch, now), columns.length)
      }
      const inserted = yield* db.copyIn(sql, pieces(), contextOf(model, "bulkCreate"))
      return { inserted, skipped: valid.length - inserted }
    }
    const inserted = yield* inOne(
      Effect.reduce(chunk(valid, per), 0, (sum, batch) => Effect.map(inEach(write(batch, now)), (n) => sum + n))
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
    const d = db.hooks
    const p = new Params(d)
    const set = setList(model, p, fields, new Date())
    const sql = `UPDATE ${d.quote(model.table)} SET ${set}${whereClause(d, p, model, expr, false)}`
    const result = yield* db.write({ sql, params: p.values }, contextOf(model, "bulkUpdate"))
    return { updated: result.affected }
  }).pipe(traced("bulkUpdate", model))

/** Deletes every matching record (soft-delete models set deleted_at). */
export const bulkDelete = (model: ModelInfo, params: BulkDeleteParams<unknown>) =>
  Effect.gen(function* () {
    const expr = yield* filterOf(model, params?.filter)
    yield* refuseEmpty(model, "bulkDelete", expr, params.confirmed)
    const deleted = yield* deleteWhere(model, params.filter, "bulkDelete")
    return { deleted }
  }).pipe(traced("bulkDelete", model))
