/**
 * PostgreSQL failures → typed errors, by SQLSTATE.
 *
 * @since 0.1.0
 */
import * as Errors from "../../Errors.js"
import {
  classifyCommon,
  connectionPhase,
  driverCause,
  requiredColumnNull,
  uniqueFields
} from "../../sql/ClassifyError.js"
import type { ErrorContext } from "../../sql/Dialect.js"

const dialect = "postgres"

/** Classifies a node-postgres error (or an @effect/sql SqlError wrapping one). */
export const classifyPostgresError = (cause: unknown, ctx: ErrorContext | undefined): Errors.QueryError => {
  const err = driverCause(cause) as {
    code?: string
    constraint?: string
    column?: string
    detail?: string
    message?: string
  }
  const code = typeof err.code === "string" ? err.code : undefined
  const model = ctx?.model ?? "?"
  if (code === "23505") {
    const fromDetail = /Key \(([^)]*)\)=/
      .exec(err.detail ?? "")?.[1]
      ?.split(",")
      .map((s) => s.trim().replace(/^"|"$/g, ""))
    return new Errors.UniqueViolation({ model, fields: uniqueFields(ctx, err.constraint, fromDetail) })
  }
  if (code === "23503")
    return new Errors.ForeignKeyViolation({ model, ...(err.constraint ? { constraint: err.constraint } : {}) })
  if (code === "23502") return requiredColumnNull(ctx, err.column)
  if (code === "23514")
    return new Errors.ValidationError({ model, path: "", reason: `check constraint ${err.constraint ?? ""} failed` })
  if (code === "40001" || code === "40P01") return new Errors.TransactionConflict({ dialect, code, cause })
  if (code === "57014") return new Errors.StatementTimeout({ dialect, code, cause })
  if (
    code?.startsWith("08") ||
    code === "57P01" ||
    code === "57P03" ||
    code === "3D000" ||
    code === "28P01" ||
    code === "28000"
  ) {
    return new Errors.ConnectionError({ dialect, code, phase: connectionPhase(code, err.message ?? ""), cause })
  }
  if (/timeout exceeded when trying to connect/i.test(err.message ?? ""))
    return new Errors.PoolTimeout({ dialect, cause })
  return classifyCommon(dialect, code, cause, ctx)
}
