/**
 * What the generated operations share: the Database lookup, error context, decoding and lookups by id.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { Database, type DatabaseService, type EnsureError } from "../Database.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { checkFieldValue, type Expr, toExpr } from "../query/Filter.js"
import { decodeRow, encodeValue } from "../sql/Codec.js"
import { type Compiled, Params, selectList, whereClause } from "../sql/Compiler.js"
import type { Dialect, ErrorContext } from "../sql/Dialect.js"
import { planned } from "./Plans.js"

const contexts = new WeakMap<ModelInfo, Map<string, ErrorContext>>()

/** Error context for a model's statement (built once per model and operation: it is on every hot path). */
export const contextOf = (model: ModelInfo, operation: string): ErrorContext => {
  let byOperation = contexts.get(model)
  if (byOperation === undefined) contexts.set(model, (byOperation = new Map()))
  let context = byOperation.get(operation)
  if (context === undefined) {
    context = {
      model: model.name,
      table: model.table,
      constraints: model.constraints,
      fieldOfColumn: new Map(model.columns.map((c) => [c.column, c.name])),
      key: keyNames(model),
      operation
    }
    byOperation.set(operation, context)
  }
  return context
}

/** The Database with the model's table ready. */
export const databaseFor = (model: ModelInfo): Effect.Effect<DatabaseService, EnsureError, Database> =>
  Effect.flatMap(Database, (db) => Effect.as(db.ensureTable(model), db))

/** Checks a filter; unknown fields and operators fail before any SQL exists. */
export const filterOf = (model: ModelInfo, filter: unknown): Effect.Effect<Expr, Errors.ValidationError> =>
  Effect.try({
    try: () => toExpr(model.name, model.columnMap, filter),
    catch: (e) =>
      e instanceof Errors.ValidationError
        ? e
        : new Errors.ValidationError({ model: model.name, path: "filter", reason: "is not a valid filter" })
  })

/** Lifts a validation result. */
export const validated = <A>(
  result: Either.Either<A, Errors.ValidationError>
): Effect.Effect<A, Errors.ValidationError> =>
  Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(result.left)

/** Rows → records; a row that does not fit the model fails InvalidRow. */
export const decodeAll = (
  db: DatabaseService,
  model: ModelInfo,
  rows: ReadonlyArray<Record<string, unknown>>
): Effect.Effect<Array<Record<string, unknown>>, Errors.InvalidRow> =>
  Effect.try({
    try: () => {
      const owner = { model: model.name, key: keyNames(model) }
      return rows.map((row) => decodeRow(db.hooks.codec, model.columns, row, owner))
    },
    catch: (e) => {
      if (e instanceof Errors.InvalidRow) return e
      throw e
    }
  })

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

/** `"a" = $n AND "b" = $n+1`: the key columns equal to placeholders from `first` on. */
export const keyCondition = (d: Dialect, model: ModelInfo, first: number): string =>
  model.key
    .map((f, i) => `${d.orderedValue(d.quote(f.column), f)} = ${d.orderedParam(d.placeholder(first + i), f)}`)
    .join(" AND ")

/** The key's values of a checked id: the id itself, or the key fields of a composite id. */
export const keyValues = (model: ModelInfo, id: unknown): ReadonlyArray<unknown> =>
  model.key.length === 1 ? [id] : model.key.map((f) => (id as Record<string, unknown>)[f.name])

/** The key's encoded parameters of a checked id. */
export const keyParams = (d: Dialect, model: ModelInfo, id: unknown): Array<unknown> =>
  model.key.length === 1
    ? [encodeValue(d.codec, model.key[0]!, id)]
    : model.key.map((f) => encodeValue(d.codec, f, (id as Record<string, unknown>)[f.name]))

/** The filter that finds one record by a checked id. */
export const keyFilter = (model: ModelInfo, id: unknown): Record<string, unknown> =>
  model.key.length === 1 ? { [model.key[0]!.name]: id } : (id as Record<string, unknown>)

/** A record's id: its key field's value, or an object of its key fields. */
export const idOf = (model: ModelInfo, record: Record<string, unknown>): unknown =>
  model.key.length === 1
    ? record[model.key[0]!.name]
    : Object.fromEntries(model.key.map((f) => [f.name, record[f.name]]))

/** The SELECT of one record by id, compiled once per model and dialect (soft-deleted rows hidden unless asked). */
export const readByIdSql = (d: Dialect, model: ModelInfo, includeDeleted: boolean): string => {
  const hidden = model.deletedAt !== undefined && !includeDeleted
  return planned(
    d,
    model,
    hidden ? "read" : "read+deleted",
    () =>
      `SELECT ${selectList(d, model.columns)} FROM ${d.quote(model.table)} WHERE ${keyCondition(d, model, 1)}${
        hidden ? ` AND ${d.quote(model.deletedAt!.column)} IS NULL` : ""
      }`
  )
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
  const statement = { sql: readByIdSql(d, model, includeDeleted), params: keyParams(d, model, id) }
  return Effect.flatMap(db.queryOne(statement, model.columns, contextOf(model, operation)), (record) =>
    record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record)
  )
}

const required = (model: ModelInfo, path: string) =>
  new Errors.ValidationError({ model: model.name, path, reason: "is required" })

/** The id check, without an Effect: the error, or undefined when the id is fine. */
export const idError = (model: ModelInfo, id: unknown): Errors.ValidationError | undefined => {
  if (id === undefined || id === null) return required(model, "id")
  try {
    if (model.key.length === 1) {
      checkFieldValue(model.name, model.key[0]!, id)
      return undefined
    }
    const names = model.key.map((f) => f.name)
    if (typeof id !== "object" || Array.isArray(id) || id instanceof Date) {
      return new Errors.ValidationError({
        model: model.name,
        path: "id",
        reason: `is an object of the key fields ${names.join(", ")}`
      })
    }
    const extra = Object.keys(id).find((k) => !names.includes(k))
    if (extra !== undefined) {
      return new Errors.ValidationError({
        model: model.name,
        path: `id.${extra.slice(0, 64)}`,
        reason: `is not a key field (${names.join(", ")})`
      })
    }
    for (const f of model.key) {
      const v = (id as Record<string, unknown>)[f.name]
      if (v === undefined || v === null) return required(model, `id.${f.name}`)
      checkFieldValue(model.name, f, v)
    }
    return undefined
  } catch (e) {
    return e instanceof Errors.ValidationError
      ? e
      : new Errors.ValidationError({ model: model.name, path: "id", reason: "is not a valid id" })
  }
}

/** A checked id value (the key's kinds), or ValidationError. */
export const checkId = (model: ModelInfo, id: unknown): Effect.Effect<unknown, Errors.ValidationError> => {
  const invalid = idError(model, id)
  return invalid === undefined ? Effect.succeed(id) : Effect.fail(invalid)
}

/** The columns an insert writes: every column any row mentions, plus the timestamps. */
export const insertColumns = (model: ModelInfo, rows: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<Field> => {
  const seen = new Set<string>()
  if (model.createdAt !== undefined) seen.add("created_at").add("updated_at")
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
  const stamp = model.createdAt === undefined ? undefined : encodeValue(d.codec, model.createdAt, now)
  const out = new Array<unknown>(rows.length * columns.length)
  let i = 0
  for (const row of rows) {
    for (const c of columns) {
      const name = c.name
      out[i++] =
        name === "created_at" || name === "updated_at"
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
  const row: Record<string, unknown> =
    model.createdAt === undefined ? { ...input } : { ...input, created_at: now, updated_at: now }
  if (model.idKind === "uuid" && row["id"] === undefined) row["id"] = crypto.randomUUID()
  return row
}

/** A key of fields must be the primary key or a declared unique key. */
export const checkConflictTarget = (
  model: ModelInfo,
  fields: ReadonlyArray<string>
): Effect.Effect<void, Errors.ConflictTargetError> => {
  const sorted = [...fields].sort().join(",")
  const ok = sorted === keyNames(model).sort().join(",") || model.unique.some((k) => [...k].sort().join(",") === sorted)
  return ok ? Effect.void : Effect.fail(new Errors.ConflictTargetError({ model: model.name, fields }))
}

/** The names of the primary key's fields. */
export const keyNames = (model: ModelInfo): Array<string> => model.key.map((f) => f.name)

/** Records have their key and the chosen fields only. */
export const project = (
  model: ModelInfo,
  record: Record<string, unknown>,
  select: ReadonlyArray<string> | undefined
) => {
  if (select === undefined) return record
  const out: Record<string, unknown> = {}
  for (const f of model.key) out[f.name] = record[f.name]
  for (const k of select) if (k in record) out[k] = record[k]
  return out
}
