/**
 * Prechecks: before the first DDL statement of a plan, count the rows that would make a step fail
 * (NULLs before SET NOT NULL, duplicates before a unique key, values that do not fit a narrower
 * type) and report what the catalog already says cannot work (an index a foreign key needs). A
 * plan with any problem fails `MigrationPrecheckFailed` having changed nothing — on MySQL too,
 * where DDL commits step by step.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { LockDb } from "./LockTypes.js"
import type { Plan, Precheck } from "./Operation.js"

const context = { model: "Migration", table: "", constraints: new Map(), operation: "migrate precheck" }

const count = (db: LockDb, sql: string) =>
  Effect.map(db.query({ sql, params: [] }, context), (rows) => Number(Object.values(rows[0] ?? {})[0] ?? 0))

const rows = (n: number) => `${n} row${n === 1 ? "" : "s"}`

/** The problem a precheck finds, if any (identifiers quoted, no values in the message). */
const problemOf = (db: LockDb, check: Precheck): Effect.Effect<string | undefined, Errors.QueryError> => {
  const q = db.hooks.quote
  switch (check.kind) {
    case "problem":
      return Effect.succeed(check.problem)
    case "notNull":
      return Effect.map(
        count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)} WHERE ${q(check.column)} IS NULL`),
        (n) => (n > 0 ? `${rows(n)} have NULL in ${check.table}.${check.column}` : undefined)
      )
    case "fits":
      return Effect.map(count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)} WHERE ${check.condition}`), (n) =>
        n > 0
          ? `${rows(n)} of ${check.table} have a value in ${check.column} that does not fit ${check.type}`
          : undefined
      )
    case "unique": {
      if (check.columns.length === 0) {
        return Effect.map(count(db, `SELECT COUNT(*) AS n FROM ${q(check.table)}`), (n) =>
          n > 1 ? `${rows(n)} of ${check.table} would share the new unique key's default value` : undefined
        )
      }
      const cols = check.columns.map(q)
      const groups =
        `SELECT COUNT(*) AS c FROM ${q(check.table)} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(" AND ")} ` +
        `GROUP BY ${cols.join(", ")} HAVING COUNT(*) > 1`
      return Effect.map(count(db, `SELECT COALESCE(SUM(g.c), 0) AS n FROM (${groups}) g`), (n) =>
        n > 0 ? `${rows(n)} of ${check.table} share their (${check.columns.join(", ")}) with another row` : undefined
      )
    }
  }
}

/** Runs every precheck of the plan; fails MigrationPrecheckFailed naming each problem with its count. */
export const precheck = (
  db: LockDb,
  plan: Plan
): Effect.Effect<void, Errors.QueryError | Errors.MigrationPrecheckFailed> =>
  Effect.gen(function* () {
    const problems: Array<string> = []
    for (const op of plan.operations) {
      for (const check of op.prechecks ?? []) {
        const problem = yield* problemOf(db, check)
        if (problem !== undefined) problems.push(problem)
      }
    }
    if (problems.length > 0) return yield* new Errors.MigrationPrecheckFailed({ problems })
  })
