/**
 * The SQL of migration prechecks: the COUNT queries src/migrations/Precheck.ts asks before a plan's
 * first statement, and the condition that finds the rows a narrowing type change would reject.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { MigrationBackend, MigrationDb } from "../../migrations/Backend.js"
import { typeBound } from "../../migrations/TypeChange.js"
import type { Dialect } from "../Dialect.js"

const context = { model: "Migration", table: "", constraints: new Map(), operation: "migrate precheck" }

const count = (db: MigrationDb, sql: string) =>
  Effect.map(db.query({ sql, params: [] }, context), (rows) => Number(Object.values(rows[0] ?? {})[0] ?? 0))

/** The rows a precheck is about: NULLs, misfits, rows sharing a new unique key (all rows when it has no live column). */
export const countRows: MigrationBackend["countRows"] = (db, check) => {
  const q = db.hooks.quote
  switch (check.kind) {
    case "notNull":
      return count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)} WHERE ${q(check.column)} IS NULL`)
    case "fits":
      return count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)} WHERE ${check.condition}`)
    case "unique": {
      if (check.columns.length === 0) return count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)}`)
      const cols = check.columns.map(q)
      const groups =
        `SELECT COUNT(*) AS c FROM ${q(check.table)} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(" AND ")} ` +
        `GROUP BY ${cols.join(", ")} HAVING COUNT(*) > 1`
      return count(db, `SELECT COALESCE(SUM(g.c), 0) AS n FROM (${groups}) g`)
    }
  }
}

/**
 * A WHERE condition over `column` that finds the rows a narrowing to `type` would reject, when it
 * can be known portably (src/migrations/TypeChange.ts `typeBound`): longer strings, integers or
 * decimals out of range.
 */
export const misfitCondition = (d: Dialect, column: string, type: string): string | undefined => {
  const bound = typeBound(type)
  const c = d.quote(column)
  switch (bound?.kind) {
    case undefined:
      return undefined
    case "length":
      return `${d.migration.charLength(c)} > ${bound.max}`
    case "integer":
      return `(${c} < -${bound.max + 1n} OR ${c} > ${bound.max})`
    case "decimal":
      return `ABS(${c}) >= 1${"0".repeat(bound.integerDigits)}`
  }
}
