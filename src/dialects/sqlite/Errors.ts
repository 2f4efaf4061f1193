/**
 * SQLite failures → typed errors, by better-sqlite3's extended result code.
 *
 * @since 0.1.0
 */
import * as Errors from "../../Errors.js"
import { classifyCommon, driverCause, requiredColumnNull, uniqueFields } from "../../sql/ClassifyError.js"
import type { ErrorContext } from "../../sql/Dialect.js"

const dialect = "sqlite"

/**
 * A column as SQLite names it in "… constraint failed: table.column": after the statement's table
 * (names may hold spaces and dots: "legacy item.unit price"), else after the first dot.
 */
const columnIn = (named: string, table: string | undefined): string => {
  const text = named.trim()
  if (table !== undefined && text.startsWith(`${table}.`)) return text.slice(table.length + 1)
  const dot = text.indexOf(".")
  return dot < 0 ? text : text.slice(dot + 1)
}

/** Classifies a better-sqlite3 error (or an @effect/sql SqlError wrapping one). */
export const classifySqliteError = (cause: unknown, ctx: ErrorContext | undefined): Errors.QueryError => {
  const err = driverCause(cause) as { code?: string; message?: string }
  const code = typeof err.code === "string" ? err.code : undefined
  const model = ctx?.model ?? "?"
  switch (code) {
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY": {
      // "UNIQUE constraint failed: users.email, users.name" lists columns, never values
      const cols = /constraint failed: (.+)$/
        .exec(err.message ?? "")?.[1]
        ?.split(", ")
        .map((c) => columnIn(c, ctx?.table))
      return new Errors.UniqueViolation({ model, fields: uniqueFields(ctx, undefined, cols) })
    }
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return new Errors.ForeignKeyViolation({ model })
    case "SQLITE_CONSTRAINT_NOTNULL": {
      // "NOT NULL constraint failed: genre.genre_id"
      const named = /constraint failed: (.+)$/.exec(err.message ?? "")?.[1]
      return requiredColumnNull(ctx, named === undefined ? undefined : columnIn(named, ctx?.table))
    }
    case "SQLITE_CONSTRAINT_CHECK":
      return new Errors.ValidationError({ model, path: "", reason: "a check constraint failed" })
    case "SQLITE_BUSY":
    case "SQLITE_BUSY_SNAPSHOT":
    case "SQLITE_LOCKED":
      return new Errors.TransactionConflict({ dialect, code, cause })
    case "SQLITE_CANTOPEN":
    case "SQLITE_NOTADB":
      return new Errors.ConnectionError({ dialect, code, cause })
    case "SQLITE_INTERRUPT":
      return new Errors.StatementTimeout({ dialect, code, cause })
  }
  return classifyCommon(dialect, code, cause, ctx)
}
