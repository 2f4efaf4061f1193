/**
 * Prechecks: before the first statement of a plan, count the rows that would make a step fail
 * (NULLs before a column becomes required, duplicates before a unique key, values that do not fit a
 * narrower type) and report what the catalog already says cannot work (an index a foreign key
 * needs). A plan with any problem fails `MigrationPrecheckFailed` having changed nothing — on
 * MySQL too, where DDL commits step by step. The backend counts (src/sql/migrations/Precheck.ts).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { MigrationBackend, MigrationDb } from "./Backend.js"
import { migrationBackendOf } from "./Family.js"
import type { Plan, Precheck } from "./Operation.js"

const rows = (n: number) => `${n} row${n === 1 ? "" : "s"}`

/** What a count of `check`'s rows means, if anything is wrong (identifiers named, no values in the message). */
const problemOf = (check: Exclude<Precheck, { readonly kind: "problem" }>, n: number): string | undefined => {
  switch (check.kind) {
    case "notNull":
      return n > 0 ? `${rows(n)} have NULL in ${check.table}.${check.column}` : undefined
    case "fits":
      if (n === 0) return undefined
      return check.unchecked
        ? `${rows(n)} of ${check.table} have a value in ${check.column} that cannot be checked against ${check.type} ` +
            "before the change runs: convert the column by hand (a new column, the values copied, the old one dropped)"
        : `${rows(n)} of ${check.table} have a value in ${check.column} that does not fit ${check.type}`
    case "unique":
      if (check.columns.length === 0) {
        return n > 1 ? `${rows(n)} of ${check.table} would share the new unique key's default value` : undefined
      }
      return n > 0
        ? `${rows(n)} of ${check.table} share their (${check.columns.join(", ")}) with another row`
        : undefined
  }
}

const checkOne = (
  backend: MigrationBackend,
  db: MigrationDb,
  check: Precheck
): Effect.Effect<string | undefined, Errors.QueryError> =>
  check.kind === "problem"
    ? Effect.succeed(check.problem)
    : Effect.map(backend.countRows(db, check), (n) => problemOf(check, n))

/** Runs every precheck of the plan; fails MigrationPrecheckFailed naming each problem with its count. */
export const precheck = (
  db: MigrationDb,
  plan: Plan
): Effect.Effect<void, Errors.QueryError | Errors.MigrationPrecheckFailed> =>
  Effect.gen(function* () {
    const backend = migrationBackendOf(db.hooks)
    const problems: Array<string> = []
    for (const op of plan.operations) {
      for (const check of op.prechecks ?? []) {
        const problem = yield* checkOne(backend, db, check)
        if (problem !== undefined) problems.push(problem)
      }
    }
    if (problems.length > 0) return yield* new Errors.MigrationPrecheckFailed({ problems })
  })
