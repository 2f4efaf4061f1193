/**
 * The parts of error classification every dialect shares.
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { ErrorContext } from "./Dialect.js"
import type { DialectName } from "./DialectName.js"
import { ConnectionGone, StatementDeadline, WaitDeadline } from "./Driver.js"

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
export const requiredColumnNull = (
  ctx: ErrorContext | undefined,
  column: string | undefined
): Errors.ValidationError => {
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

const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "HANDSHAKE_NO_SSL_SUPPORT",
  "PROTOCOL_CONNECTION_LOST"
])
const tlsCodes =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_MISMATCH|HANDSHAKE_NO_SSL|HANDSHAKE_SSL_ERROR)/
/** Codes and messages that mean an open connection broke (the rest of the connection failures happen while connecting). */
const lostCodes = new Set([
  "ECONNRESET",
  "EPIPE",
  "57P01",
  "57P02",
  "08003",
  "08006",
  "08007",
  "2006",
  "2013",
  "1927",
  "4031",
  "CLIENT_GONE",
  "PROTOCOL_CONNECTION_LOST"
])
const lostMessage =
  /Connection terminated(?! due to connection timeout)|Connection lost|closed state|not queryable|socket hang up|server closed the connection/i
const connectionMessage =
  /Connection terminated|connect ECONNREFUSED|Connection lost|closed state|not queryable|socket hang up|does not support SSL|error establishing an SSL connection/i

/** Whether a connection failure with this code or message broke an open connection ("lost") or never opened one. */
export const connectionPhase = (code: string | undefined, message: string): "connect" | "lost" =>
  (code !== undefined && lostCodes.has(code)) || lostMessage.test(message) ? "lost" : "connect"

// a quoted literal right after one of these words is an identifier (kept); any other is a value
// (taken out). After a colon only SQLite's `no such column: "x"`: elsewhere a colon introduces the
// value (`invalid input value for enum key: "…"`)
const identifierBefore =
  /\b(?:column|columns|column reference|no such column:|table|relation|key|constraint|index|function|type|database|schema|sequence|view|field|operator|procedure|trigger|savepoint|cursor|statement)\s*$/i

/**
 * A driver message safe to show: its first line, with every quoted literal that is not an
 * identifier (backquoted, or a quoted name right after `column`, `table`, `key` …) replaced by `…` (`invalid input syntax for type integer: "abc"` →
 * `invalid input syntax for type integer: …`), at most 200 characters.
 */
export const reasonOf = (message: unknown): string | undefined => {
  if (typeof message !== "string" || message === "") return undefined
  const line = message.split("\n")[0]!
  const out = line.replace(/'(?:[^'\\]|''|\\.)*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`/g, (literal, offset: number) =>
    // backticks quote MySQL identifiers only, never values
    (literal.startsWith("`") || identifierBefore.test(line.slice(Math.max(0, offset - 24), offset))) &&
    literal.length <= 130
      ? literal
      : "…"
  )
  return out.length > 200 ? `${out.slice(0, 199)}…` : out
}

/** Network failures, our own timers' failures, and everything left over. */
export const classifyCommon = (
  dialect: DialectName,
  code: string | undefined,
  cause: unknown,
  ctx: ErrorContext | undefined
): Errors.QueryError => {
  const err = driverCause(cause)
  if (err instanceof StatementDeadline) return new Errors.StatementTimeout({ dialect, code: err.code, cause })
  if (err instanceof WaitDeadline) return new Errors.PoolTimeout({ dialect, cause })
  if (err instanceof ConnectionGone)
    return new Errors.ConnectionError({ dialect, code: err.code, phase: "lost", cause })
  const sys = typeof err["code"] === "string" ? err["code"] : undefined
  const errors = Array.isArray(err["errors"]) ? (err["errors"] as Array<{ code?: string }>) : []
  const message = String(err["message"] ?? "")
  // TLS refused or a certificate that fails verification: never a plaintext fallback
  if (sys !== undefined && tlsCodes.test(sys))
    return new Errors.ConnectionError({ dialect, code: sys, phase: "connect", cause })
  if ((sys && connectionCodes.has(sys)) || errors.some((e) => e.code && connectionCodes.has(e.code))) {
    const c = sys ?? errors[0]?.code ?? "ECONNREFUSED"
    return new Errors.ConnectionError({ dialect, code: c, phase: connectionPhase(c, message), cause })
  }
  if (connectionMessage.test(message)) {
    return new Errors.ConnectionError({ dialect, phase: connectionPhase(undefined, message), cause })
  }
  const reason = reasonOf(err["sqlMessage"] ?? err["message"])
  return new Errors.DatabaseError({
    dialect,
    ...(code !== undefined ? { code } : sys !== undefined ? { code: sys } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(ctx ? { operation: `${ctx.model}.${ctx.operation}` } : {}),
    cause
  })
}

/**
 * A failure while opening the database is a connection failure of the "connect" phase, whatever the
 * driver said: a lost connection, and a server's refusal at start-up (an unknown startup option, a
 * server that speaks another protocol), whose reason is kept. Typed refusals of ours pass unchanged.
 */
export const atConnect = (error: Errors.QueryError): Errors.QueryError =>
  (error._tag === "ConnectionError" && error.phase !== "connect") || error._tag === "DatabaseError"
    ? new Errors.ConnectionError({
        dialect: error.dialect,
        ...(error.code !== undefined ? { code: error.code } : {}),
        phase: "connect",
        ...(error.reason !== undefined ? { reason: error.reason } : {}),
        cause: error.cause
      })
    : error
