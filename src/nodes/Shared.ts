/**
 * What the generated operations share: the Database lookup, error context, decoding and lookups by id.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { Database, type DatabaseService } from "../Database.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { type Expr, toExpr } from "../query/Filter.js"
import { decodeRow, encodeValue } from "../sql/Codec.js"
import { type Compiled, Params, selectList, whereClause } from "../sql/Compiler.js"
import type { Dialect, ErrorContext } from "../sql/Dialect.js"
import { planned } from "./Plans.js"

/** Error context for a model's statement. */
export const contextOf = (model: ModelInfo, operation: string): ErrorContext => ({
  model: model.name,
  table: model.table,
  constraints: model.constraints,
  operation
})

/** The Database with the model's table ready. */
export const databaseFor = (model: ModelInfo): Effect.Effect<DatabaseService, Errors.QueryError, Database> =>
  Effect.flatMap(Database, (db) => Effect.as(db.ensureTable(model), db))

/** Checks a filter; unknown fields and operators fail before any SQL exists. */
export const filterOf = (model: ModelInfo, filter: unknown): Effect.Effect<Expr, Errors.ValidationError> =>
  Effect.try({
    try: () => toExpr(model.name, model.columnMap, filter),
    catch: (e) => (e instanceof Errors.ValidationError ? e : new Errors.ValidationError({ model: model.name, path: "filter", reason: "is not a valid filter" }))
  })

/** Lifts a validation result. */
export const validated = <A>(result: Either.Either<A, Errors.ValidationError>): Effect.Effect<A, Errors.ValidationError> =>
  Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(result.left)

/** Rows → records. */
export const decodeAll = (db: DatabaseService, model: ModelInfo, rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.map((row) => decodeRow(db.hooks.codec, model.columns, row))

/** SELECT of chosen columns under a filter. */
export const selectWhere = (
  db: DatabaseService,
  model: ModelInfo,
  expr: Expr,
  options: { readonly includeDeleted?: boolean; readonly columns?: ReadonlyArray<Field>; readonly suffix?: string } = {}
): Compiled => {
  const d = db.hooks
  const p = new Params(d)
  const where = whereClause(d, p, model, expr, options.includeDeleted === true)
  return {
    sql: `SELECT ${selectList(d, options.columns ?? model.columns)} FROM ${d.quote(model.table)}${where}${options.suffix ?? ""}`,
    params: p.values
  }
}

/** The SELECT of one record by id, compiled once per model and dialect (soft-deleted rows hidden unless asked). */
export const readByIdSql = (d: Dialect, model: ModelInfo, includeDeleted: boolean): string => {
  const hidden = model.softDelete && !includeDeleted
  return planned(d, model, hidden ? "read" : "read+deleted", () =>
    `SELECT ${selectList(d, model.columns)} FROM ${d.quote(model.table)} WHERE ${d.quote("id")} = ${d.placeholder(1)}${
      hidden ? ` AND ${d.quote("deleted_at")} IS NULL` : ""
    }`)
}

/** Reads one record by a checked id, or fails NotFound. */
export const readById = (
  db: DatabaseService,
  model: ModelInfo,
  id: unknown,
  operation: string,
  includeDeleted = false
): Effect.Effect<Record<string, unknown>, Errors.QueryError | Errors.NotFound> => {
  const d = db.hooks
  const statement = { sql: readByIdSql(d, model, includeDeleted), params: [encodeValue(d.codec, model.columnMap.get("id")!, id)] }
  return Effect.flatMap(db.queryOne(statement, model.columns, contextOf(model, operation)), (record) =>
    record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record))
}

/** The id check of `checkId`, without an Effect: the error, or undefined when the id is fine. */
export const idError = (model: ModelInfo, id: unknown): Errors.ValidationError | undefined => {
  if (id === undefined || id === null) return new Errors.ValidationError({ model: model.name, path: "id", reason: "is required" })
  try {
    toExpr(model.name, model.columnMap, { id })
    return undefined
  } catch (e) {
    return e instanceof Errors.ValidationError ? e : new Errors.ValidationError({ model: model.name, path: "filter", reason: "is not a valid filter" })
  }
}

/** A checked id value (the id column's kind), or ValidationError. */
export const checkId = (model: ModelInfo, id: unknown): Effect.Effect<unknown, Errors.ValidationError> =>
  id === undefined || id === null
    ? Effect.fail(new Errors.ValidationError({ model: model.name, path: "id", reason: "is required" }))
    : Effect.as(filterOf(model, { id }), id)

/** The columns an insert writes: every column any row mentions, plus the timestamps. */
export const insertColumns = (model: ModelInfo, rows: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<Field> => {
  const seen = new Set<string>(["created_at", "updated_at"])
  if (model.idKind === "uuid") seen.add("id")
  for (const row of rows) for (const key in row) if (row[key] !== undefined) seen.add(key)
  return model.columns.filter((c) => seen.has(c.name))
}

/**
 * Bound parameters of a multi-row insert of validated inputs, row by row, without copying rows:
 * the timestamps are `now` (encoded once), a missing UUID id is generated.
 */
export const encodeInserts = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>,
  now: Date
): Array<unknown> => {
  const stamp = encodeValue(d.codec, model.columnMap.get("created_at")!, now)
  const out = new Array<unknown>(rows.length * columns.length)
  let i = 0
  for (const row of rows) {
    for (const c of columns) {
      const name = c.name
      out[i++] = name === "created_at" || name === "updated_at"
        ? stamp
        : name === "id" && model.idKind === "uuid" && row["id"] === undefined
        ? crypto.randomUUID()
        : encodeValue(d.codec, c, row[name])
    }
  }
  return out
}

/** The same values column by column (one array parameter per column, for columnar inserts). */
export const encodeInsertColumns = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>,
  now: Date
): Array<Array<unknown>> => {
  const flat = encodeInserts(d, model, columns, rows, now)
  const width = columns.length
  return columns.map((_, c) => {
    const col = new Array<unknown>(rows.length)
    for (let r = 0; r < rows.length; r++) col[r] = flat[r * width + c]
    return col
  })
}

/** Fills a validated create input: generated UUID, timestamps. */
export const prepareInsert = (model: ModelInfo, input: Record<string, unknown>, now: Date): Record<string, unknown> => {
  const row: Record<string, unknown> = { ...input, created_at: now, updated_at: now }
  if (model.idKind === "uuid" && row["id"] === undefined) row["id"] = crypto.randomUUID()
  return row
}

/** A key of fields must be `id` or a declared unique key. */
export const checkConflictTarget = (model: ModelInfo, fields: ReadonlyArray<string>): Effect.Effect<void, Errors.ConflictTargetError> => {
  const sorted = [...fields].sort().join(",")
  const ok = sorted === "id" || model.unique.some((k) => [...k].sort().join(",") === sorted)
  return ok ? Effect.void : Effect.fail(new Errors.ConflictTargetError({ model: model.name, fields }))
}

/** Records have `id` and the chosen fields only. */
export const project = (record: Record<string, unknown>, select: ReadonlyArray<string> | undefined) => {
  if (select === undefined) return record
  const out: Record<string, unknown> = { id: record["id"] }
  for (const k of select) if (k in record) out[k] = record[k]
  return out
}
