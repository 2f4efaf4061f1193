/**
 * MongoDB driver failures → the library's typed errors (src/Errors.ts), as the SQL dialects'
 * classifiers do (src/dialects/postgres/Errors.ts): by error label, server code and driver error
 * class. Messages never carry values: a duplicate key is named by its fields (from `keyPattern`, or
 * the index name in the server's message), never by `keyValue`; a server error is named by its
 * `codeName`, never its `errmsg`.
 *
 * ```ts
 * Effect.tryPromise({ try: () => coll.insertOne(doc), catch: (e) => classifyMongoError(e, { operation: "create", model }) })
 * ```
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { reasonOf } from "../sql/ClassifyError.js"
import { fieldOfPath, fieldsOfIndex } from "./Indexes.js"

const dialect = "mongodb" as const

/** What a failure is classified for: the operation and, when a model's collection was written, the model. */
export interface MongoErrorContext {
  readonly operation: string
  readonly model?: ModelInfo | undefined
}

interface DriverError {
  readonly name?: string
  readonly code?: number | string
  readonly codeName?: string
  readonly message?: string
  readonly errmsg?: string
  readonly keyPattern?: Record<string, unknown>
  readonly writeErrors?: ReadonlyArray<{ readonly code?: number; readonly errmsg?: string; readonly errInfo?: unknown }>
  readonly errInfo?: unknown
  readonly beforeHandshake?: boolean
  readonly hasErrorLabel?: (label: string) => boolean
}

const hasLabel = (e: DriverError, label: string): boolean =>
  typeof e.hasErrorLabel === "function" && e.hasErrorLabel(label)

/** The driver says the transaction can be retried from the start (`TransientTransactionError`). */
export const isTransientTransactionError = (e: unknown): boolean =>
  typeof e === "object" && e !== null && hasLabel(e as DriverError, "TransientTransactionError")

/** The driver says a commit's outcome is unknown: retry `commitTransaction` (`UnknownTransactionCommitResult`). */
export const isUnknownCommitResult = (e: unknown): boolean =>
  typeof e === "object" && e !== null && hasLabel(e as DriverError, "UnknownTransactionCommitResult")

const duplicateCodes = new Set([11000, 11001, 12582])

/**
 * Every write error of a failed bulk write is a duplicate key (an unordered `insertMany` of
 * `onConflict: "skip"` then inserted all the others: `insertedCount`).
 */
export const onlyDuplicateKeys = (e: unknown): boolean => {
  const writes = (e as DriverError | null)?.writeErrors
  return Array.isArray(writes) && writes.length > 0 && writes.every((w) => duplicateCodes.has(w.code ?? 0))
}
/** Server codes of a connection that broke or a node that stopped serving (stepdown, shutdown). */
const lostCodes = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436])
/** Server codes refusing the credentials or the database. */
const refusedCodes = new Set([13, 18, 8000])

/** The fields of a violated unique key: keyPattern paths, else the index named in the message. */
const uniqueFields = (model: ModelInfo | undefined, keyPattern: unknown, message: string): ReadonlyArray<string> => {
  if (typeof keyPattern === "object" && keyPattern !== null) {
    const paths = Object.keys(keyPattern)
    if (model === undefined) return paths
    if (paths.length === 1 && paths[0] === "_id") return model.key.map((f) => f.name)
    return paths.map((p) => fieldOfPath(model, p) ?? p)
  }
  const index = /index: (\S+) dup key/.exec(message)?.[1]
  if (index === undefined) return []
  return (model && fieldsOfIndex(model, index)) ?? []
}

/** The first property a `$jsonSchema` refused, as a field name (errInfo names properties, not values). */
const refusedProperty = (model: ModelInfo | undefined, errInfo: unknown): string => {
  let text: string
  try {
    text = JSON.stringify(errInfo ?? {}) ?? ""
  } catch {
    return ""
  }
  // a property of the wrong type or value, or a required one that is missing
  const found = /"(?:propertyName":|missingProperties":\[)"([A-Za-z_][A-Za-z0-9_]*)"/.exec(text)?.[1]
  if (found === undefined) return ""
  return (model && fieldOfPath(model, found)) ?? found
}

const serverError = (e: DriverError, code: number, ctx: MongoErrorContext, cause: unknown): Errors.QueryError => {
  const model = ctx.model?.name ?? "?"
  const text = String(e.errmsg ?? e.message ?? "")
  if (duplicateCodes.has(code))
    return new Errors.UniqueViolation({ model, fields: uniqueFields(ctx.model, e.keyPattern, text) })
  if (code === 121) {
    return new Errors.ValidationError({
      model,
      path: refusedProperty(ctx.model, e.errInfo),
      reason: "the document does not pass the collection's validator"
    })
  }
  if (code === 112) return new Errors.TransactionConflict({ dialect, code: "112", cause })
  if (code === 50 || code === 262) return new Errors.StatementTimeout({ dialect, code: String(code), cause })
  if (lostCodes.has(code)) return new Errors.ConnectionError({ dialect, code: String(code), phase: "lost", cause })
  if (refusedCodes.has(code))
    return new Errors.ConnectionError({ dialect, code: String(code), phase: "connect", cause })
  return new Errors.DatabaseError({
    dialect,
    code: String(code),
    ...(e.codeName !== undefined ? { reason: e.codeName } : {}),
    operation: ctx.model ? `${ctx.model.name}.${ctx.operation}` : ctx.operation,
    cause
  })
}

/** A bulk write failed on one of its operations: classified by its first write error. */
const bulkError = (e: DriverError, ctx: MongoErrorContext, cause: unknown): Errors.QueryError | undefined => {
  const first = e.writeErrors?.find((w) => typeof w.code === "number")
  if (first === undefined) return undefined
  return serverError({ code: first.code!, errmsg: first.errmsg ?? "", errInfo: first.errInfo }, first.code!, ctx, cause)
}

/** Driver-side failures (no server code): by the driver's error class. */
const driverError = (e: DriverError, ctx: MongoErrorContext, cause: unknown): Errors.QueryError => {
  switch (e.name) {
    case "MongoServerSelectionError":
    case "MongoNotConnectedError":
    case "MongoParseError":
      return new Errors.ConnectionError({ dialect, code: e.name, phase: "connect", cause })
    case "MongoNetworkError":
    case "MongoNetworkTimeoutError":
      return new Errors.ConnectionError({ dialect, code: e.name, phase: e.beforeHandshake ? "connect" : "lost", cause })
    case "MongoTopologyClosedError":
    case "MongoClientClosedError":
    case "MongoPoolClearedError":
    case "MongoServerClosedError":
      return new Errors.ConnectionError({ dialect, code: e.name, phase: "lost", cause })
    case "MongoWaitQueueTimeoutError":
      return new Errors.PoolTimeout({ dialect, cause })
    case "MongoOperationTimeoutError":
      return new Errors.StatementTimeout({ dialect, code: e.name, cause })
  }
  const reason = reasonOf(e.message)
  return new Errors.DatabaseError({
    dialect,
    ...(e.name !== undefined ? { code: e.name } : {}),
    ...(reason !== undefined ? { reason } : {}),
    operation: ctx.model ? `${ctx.model.name}.${ctx.operation}` : ctx.operation,
    cause
  })
}

/**
 * Classifies a driver failure: `TransientTransactionError` and WriteConflict (112) →
 * TransactionConflict (retried by `retries`); E11000 (also inside a bulk write) → UniqueViolation
 * with the key's field names; document validation (121) → ValidationError; MaxTimeMSExpired and
 * client-side timeouts → StatementTimeout; server selection, network, closed clients, stepdowns →
 * ConnectionError; a full pool → PoolTimeout; the rest DatabaseError (code and codeName only).
 * `UnknownTransactionCommitResult` is a DatabaseError: the commit may have happened, so the
 * transaction is not rerun (the commit itself is retried first; see `isUnknownCommitResult`).
 */
export const classifyMongoError = (cause: unknown, ctx: MongoErrorContext): Errors.QueryError => {
  if (typeof cause !== "object" || cause === null) {
    return new Errors.DatabaseError({ dialect, operation: ctx.operation, cause })
  }
  const e = cause as DriverError
  if (hasLabel(e, "TransientTransactionError")) {
    return new Errors.TransactionConflict({ dialect, code: "TransientTransactionError", cause })
  }
  if (hasLabel(e, "UnknownTransactionCommitResult")) {
    return new Errors.DatabaseError({
      dialect,
      code: "UnknownTransactionCommitResult",
      reason: "the transaction's commit outcome is unknown",
      operation: ctx.operation,
      cause
    })
  }
  if (e.name === "MongoBulkWriteError") {
    const fromWrite = bulkError(e, ctx, cause)
    if (fromWrite !== undefined) return fromWrite
  }
  if (typeof e.code === "number") return serverError(e, e.code, ctx, cause)
  return driverError(e, ctx, cause)
}
