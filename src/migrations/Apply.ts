/**
 * `migrate`: plan the changes that bring the live schema to the models and apply them under the
 * migration lock, recording them in the ledger. A process that waited for the lock plans again
 * once it holds it — and finds nothing left to do.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import type { DatabaseService, ModelLike } from "../Database.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { diff, type DiffOptions } from "./Diff.js"
import { introspect, introspectorFor, queryThrough } from "./Introspect.js"
import * as Ledger from "./Ledger.js"
import { withLock } from "./Lock.js"
import type { LockDb } from "./LockTypes.js"
import { destructiveChanges, downStatements, makePlan, type Plan, upStatements } from "./Operation.js"

/** Options of `Database.migrate`. */
export interface MigrateOptions extends DiffOptions {
  /** The models to migrate to; default: the models given to the layer. */
  readonly models?: ReadonlyArray<ModelLike>
  /** Return the plan without taking the lock or touching anything. */
  readonly dryRun?: boolean
  /** Apply drops of columns and tables and narrowing type changes (else DestructiveChangeRefused). */
  readonly allowDestructive?: boolean
  /** Longest wait for another process's migration (PostgreSQL, MySQL; SQLite waits `connectTimeout`). Default 30 s. */
  readonly lockTimeout?: Duration.DurationInput
  /** Only operations that add (tables, columns, keys): what autoMigrate runs. */
  readonly additiveOnly?: boolean
}

/** What `migrate` did. */
export interface MigrationResult {
  /** The plan: on a dry run what would run; else what ran (empty when nothing had to). */
  readonly plan: Plan
  /** The ledger id of the applied plan, when one was applied. */
  readonly id?: string
  readonly applied: boolean
}

/** Errors `migrate` can fail with. */
export type MigrateError =
  | Errors.QueryError
  | Errors.MigrationLockTimeout
  | Errors.DirtyMigration
  | Errors.ChecksumMismatch
  | Errors.DestructiveChangeRefused

type MigrateDb = LockDb & Pick<DatabaseService, "models">

/** The plan that brings the live tables of `models` to them, as of now. */
export const plan = (db: MigrateDb, models: ReadonlyArray<ModelInfo>, options: MigrateOptions) =>
  Effect.gen(function*() {
    // one table's introspection is enough when only additions to known models are wanted
    const live = yield* introspect(db.dialect, queryThrough(db), options.prune ? undefined : models.map((m) => m.table))
    const ops = diff(db.hooks, introspectorFor(db.dialect), models, live, options)
    return makePlan(db.dialect, options.additiveOnly ? ops.filter((o) => o.additive) : ops)
  })

const modelsOf = (db: MigrateDb, options: MigrateOptions): ReadonlyArray<ModelInfo> =>
  (options.models ?? [...db.models.values()]).map((m) => m.info)

/** Plans and (unless `dryRun`) applies, under the lock, with a ledger entry. */
export const migrate = (db: MigrateDb, options: MigrateOptions = {}): Effect.Effect<MigrationResult, MigrateError> => {
  const models = modelsOf(db, options)
  if (options.dryRun) return Effect.map(plan(db, models, options), (p) => ({ plan: p, applied: false }))
  const timeoutMs = Duration.toMillis(Duration.decode(options.lockTimeout ?? "30 seconds"))
  const locked = withLock(
    db,
    timeoutMs,
    Effect.gen(function*() {
      yield* Ledger.ensure(db)
      yield* Ledger.verify(yield* Ledger.list(db))
      const p = yield* plan(db, models, options)
      if (p.operations.length === 0) return { plan: p, applied: false }
      const refused = destructiveChanges(p)
      if (refused.length > 0 && options.allowDestructive !== true) {
        return yield* new Errors.DestructiveChangeRefused({ changes: refused })
      }
      const id = Ledger.newId(p.checksum)
      yield* applyPlan(db, id, p)
      return { plan: p, id, applied: true }
    })
  ) as Effect.Effect<MigrationResult, MigrateError>
  // autoMigrate looks first without the lock: a schema that is already there costs no lock and no write
  return options.additiveOnly
    ? Effect.flatMap(plan(db, models, options), (p) => (p.operations.length === 0 ? Effect.succeed({ plan: p, applied: false }) : locked))
    : locked
}

/** Records the plan in the ledger, runs its steps, and marks it finished (or names the failed step). */
export const applyPlan = (db: LockDb, id: string, p: Plan) =>
  Effect.gen(function*() {
    yield* Ledger.start(db, {
      id,
      checksum: p.checksum,
      description: p.operations.map((o) => o.description),
      up: upStatements(p),
      down: downStatements(p),
      destructiveDown: p.operations.filter((o) => o.kind === "createTable" || o.kind === "addColumn").map((o) => o.description),
      startedAt: new Date().toISOString()
    })
    const steps = p.operations.flatMap((o) => o.up.map((sql) => ({ sql, op: o })))
    for (const [i, step] of steps.entries()) {
      const key = step.op.key
      const context = {
        model: step.op.table,
        table: step.op.table,
        constraints: new Map<string, ReadonlyArray<string>>(key ? [[key.name, key.columns]] : []),
        operation: "migrate"
      }
      yield* db.write({ sql: step.sql, params: [] }, context).pipe(
        // MySQL keeps what ran before the failure (DDL commits implicitly): the entry says where it stopped.
        // PostgreSQL and SQLite roll the whole plan back, this entry with it.
        Effect.tapError((e) =>
          Effect.ignore(Ledger.fail(db, id, `step ${i + 1} of ${steps.length} (${step.op.description}): ${step.sql.replace(/\s+/g, " ")} -- ${e._tag}${"code" in e && e.code ? ` ${e.code}` : ""}`))
        )
      )
    }
    yield* Ledger.finish(db, id)
  })
