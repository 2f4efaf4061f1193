/**
 * The SQL of migration prechecks: the COUNT queries src/migrations/Precheck.ts asks before a plan's
 * first statement, and the condition that finds the rows a narrowing type change would reject.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { MigrationBackend, MigrationDb } from "../../migrations/Backend.js"
import type { Conversion, TypeBound } from "../../migrations/TypeChange.js"
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

/** Numbers as text the databases all convert: no spaces, no backslashes (MySQL may read them as escapes). */
const numberText = {
  integer: "^[-+]?[0-9]+$",
  decimal: "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)$",
  float: "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$"
} as const

/** A condition true for a value (`expr`, a number for integer and decimal bounds) outside `bound`. */
const outside = (d: Dialect, expr: string, bound: TypeBound): string => {
  switch (bound.kind) {
    case "length":
      return `${d.migration.charLength(expr)} > ${bound.max}`
    case "integer":
      return `(${expr} < -${bound.max + 1n} OR ${expr} > ${bound.max})`
    case "decimal":
      return `ABS(${expr}) >= 1${"0".repeat(bound.integerDigits)}`
  }
}

/**
 * A WHERE condition over `column` that finds the rows a narrowing would reject
 * (src/migrations/TypeChange.ts `conversionOf`): values outside the new type's bound (strings by
 * their length, numbers by their range, anything else by the length of its text), text that is not
 * a number when the new type is one, and — where no portable check exists — every stored value.
 * Undefined when every value converts.
 */
export const misfitCondition = (d: Dialect, column: string, conversion: Conversion): string | undefined => {
  const c = d.quote(column)
  switch (conversion.kind) {
    case "converts":
      return undefined
    case "unchecked":
      return `${c} IS NOT NULL`
    case "bounded":
      return outside(
        d,
        conversion.fromText || conversion.bound.kind !== "length" ? c : d.migration.asText(c),
        conversion.bound
      )
    case "numericText": {
      // the cast only where the text is a number: elsewhere it would fail the precheck itself
      const isNumber = d.regex(c, `'${numberText[conversion.literal]}'`)
      const out = conversion.bound !== undefined ? outside(d, d.migration.asNumber(c), conversion.bound) : "1 = 0"
      return `${c} IS NOT NULL AND (CASE WHEN ${isNumber} THEN ${out} ELSE 1 = 1 END)`
    }
  }
}
