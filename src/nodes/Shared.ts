/**
 * What the generated operations share: the Database lookup, input checks, lookups by id.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { Database, type DatabaseService, type EnsureError } from "../Database.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { checkFieldValue, type Expr, toExpr } from "../query/Filter.js"
import { keyNames } from "../backend/Keys.js"

export { keyNames } from "../backend/Keys.js"

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

/** The filter that finds one record by a checked id. */
export const keyFilter = (model: ModelInfo, id: unknown): Record<string, unknown> =>
  model.key.length === 1 ? { [model.key[0]!.name]: id } : (id as Record<string, unknown>)

/** Reads one record by a checked id, or fails NotFound. */
export const readById = (
  db: DatabaseService,
  model: ModelInfo,
  id: unknown,
  operation: string,
  includeDeleted = false
): Effect.Effect<Record<string, unknown>, Errors.QueryError | Errors.NotFound> =>
  Effect.flatMap(db.backend.readById(model, id, includeDeleted, operation), (record) => found(model, id, record))

/** The record, or NotFound for `id`. */
export const found = (
  model: ModelInfo,
  id: unknown,
  record: Record<string, unknown> | undefined
): Effect.Effect<Record<string, unknown>, Errors.NotFound> =>
  record === undefined ? Effect.fail(new Errors.NotFound({ model: model.name, id })) : Effect.succeed(record)

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

/** A key of fields must be the primary key or a declared unique key. */
export const checkConflictTarget = (
  model: ModelInfo,
  fields: ReadonlyArray<string>
): Effect.Effect<void, Errors.ConflictTargetError> => {
  const sorted = [...fields].sort().join(",")
  const ok = sorted === keyNames(model).sort().join(",") || model.unique.some((k) => [...k].sort().join(",") === sorted)
  return ok ? Effect.void : Effect.fail(new Errors.ConflictTargetError({ model: model.name, fields }))
}

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
