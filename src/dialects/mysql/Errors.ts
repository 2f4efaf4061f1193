/**
 * MySQL/MariaDB failures → typed errors, by server errno (numbers, not mysql2's names).
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

const dialect = "mysql"

/** Classifies a mysql2 error (or an @effect/sql SqlError wrapping one). */
export const classifyMysqlError = (cause: unknown, ctx: ErrorContext | undefined): Errors.QueryError => {
  const err = driverCause(cause) as { errno?: number; code?: string; sqlMessage?: string; message?: string }
  const errno = typeof err.errno === "number" ? err.errno : undefined
  const model = ctx?.model ?? "?"
  const code = errno !== undefined ? String(errno) : undefined
  switch (errno) {
    case 1062: // ER_DUP_ENTRY: "Duplicate entry '…' for key 'name'" — read the key name only
    case 1586: {
      const key = /for key '([^']+)'\s*$/.exec(err.sqlMessage ?? err.message ?? "")?.[1]
      return new Errors.UniqueViolation({ model, fields: uniqueFields(ctx, key, undefined) })
    }
    case 1451:
    case 1452:
    case 1216:
    case 1217:
      return new Errors.ForeignKeyViolation({ model })
    case 1048: // "Column 'x' cannot be null"
    case 1364: // "Field 'x' doesn't have a default value"
      return requiredColumnNull(ctx, /^(?:Column|Field) '([^']+)'/.exec(err.sqlMessage ?? err.message ?? "")?.[1])
    case 4025:
    case 3819:
      return new Errors.ValidationError({ model, path: "", reason: "a check constraint failed" })
    case 1213:
    case 1205:
    case 1412: // table changed after the transaction's snapshot: "please retry transaction"
      return new Errors.TransactionConflict({ dialect, code: code!, cause })
    case 1969:
    case 3024:
      return new Errors.StatementTimeout({ dialect, code: code!, cause })
    case 1040:
    case 1044:
    case 1045:
    case 1698:
    case 1049:
    case 1129:
    case 1130:
    case 2002:
    case 2003:
    case 2006:
    case 2013:
    case 1927: // the connection was killed (KILL CONNECTION)
    case 4031: // disconnected by the server (MySQL 8)
      return new Errors.ConnectionError({
        dialect,
        code: code!,
        phase: connectionPhase(code, err.message ?? ""),
        cause
      })
  }
  if (/Queue limit reached|Timeout acquiring/i.test(err.message ?? "")) {
    return new Errors.PoolTimeout({ dialect, cause })
  }
  return classifyCommon(dialect, code, cause, ctx)
}
