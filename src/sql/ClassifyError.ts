/**
 * The parts of error classification every dialect shares.
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { ErrorContext } from "./Dialect.js"

/** The driver's own error inside an @effect/sql SqlError (or the cause itself). */
export const driverCause = (cause: unknown): Record<string, unknown> => {
  let current = cause as Record<string, unknown> | undefined
  while (current && typeof current === "object" && current["_tag"] === "SqlError" && current["cause"] !== undefined) {
    current = current["cause"] as Record<string, unknown>
  }
  return current && typeof current === "object" ? current : {}
}

/**
 * A NOT NULL column got no value: ValidationError naming the field (or the column, when the model
 * has no field for it) and saying why, since the input itself may have been valid for the model
 * (an Int key column without a default, a column the model does not know).
 */
export const requiredColumnNull = (ctx: ErrorContext | undefined, column: string | undefined): Errors.ValidationError => {
  const model = ctx?.model ?? "?"
  if (column === undefined) return new Errors.ValidationError({ model, path: "", reason: "a required column was null" })
  return new Errors.ValidationError({
    model,
    path: ctx?.fieldOfColumn?.get(column) ?? column,
    reason: `column ${column} has no default and was not given a value (the database requires one)`
  })
}

/** Fields of a violated unique key: by constraint name, else as the driver listed them. */
export const uniqueFields = (
  ctx: ErrorContext | undefined,
  constraint: string | undefined,
  listed: ReadonlyArray<string> | undefined
): ReadonlyArray<string> => {
  if (ctx && constraint !== undefined) {
    const known = ctx.constraints.get(constraint) ?? ctx.constraints.get(constraint.split(".").pop() ?? "")
    if (known) return known
  }
  return (listed ?? []).map((c) => ctx?.fieldOfColumn?.get(c) ?? c)
}

const connectionCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"])

/** Network failures and everything left over. */
export const classifyCommon = (
  dialect: string,
  code: string | undefined,
  cause: unknown,
  ctx: ErrorContext | undefined
): Errors.QueryError => {
  const err = driverCause(cause)
  const sys = typeof err["code"] === "string" ? err["code"] : undefined
  const errors = Array.isArray(err["errors"]) ? (err["errors"] as Array<{ code?: string }>) : []
  if ((sys && connectionCodes.has(sys)) || errors.some((e) => e.code && connectionCodes.has(e.code))) {
    return new Errors.ConnectionError({ dialect, code: sys ?? errors[0]?.code ?? "ECONNREFUSED", cause })
  }
  if (/Connection terminated|connect ECONNREFUSED|Connection lost|closed state/i.test(String(err["message"] ?? ""))) {
    return new Errors.ConnectionError({ dialect, cause })
  }
  return new Errors.DatabaseError({
    dialect,
    ...(code !== undefined ? { code } : sys !== undefined ? { code: sys } : {}),
    ...(ctx ? { operation: `${ctx.model}.${ctx.operation}` } : {}),
    cause
  })
}
