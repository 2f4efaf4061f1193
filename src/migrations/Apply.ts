/**
 * `migrate`: plan the changes that bring the live schema to the models and apply them under the
 * migration lock, recording them in the ledger. A process that waited for the lock plans again
 * once it holds it — and finds nothing left to do.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Either } from "effect"
import type { ModelLike, Runner } from "../sql/Runner.js"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import { adoptionMismatch, autoOperations, keyMismatch } from "./Adopt.js"
import { diff, type DiffOptions, notesFor } from "./Diff.js"
import { migrationBackendOf } from "./Family.js"
import { introspect, introspectorFor, queryThrough } from "./Introspect.js"
import * as Ledger from "./Ledger.js"
import { withLock } from "./Lock.js"
import type { LiveTable } from "./LiveSchema.js"
import type { LockDb, MigrateError } from "./LockTypes.js"
import { precheck } from "./Precheck.js"
import { searchRefusal, withVectorSupport } from "./Prerequisites.js"
import * as Rollback from "./Rollback.js"
import { destructiveChanges, downStatements, makePlan, type Operation, type Plan, upStatements } from "./Operation.js"

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

export type { MigrateError } from "./LockTypes.js"

type MigrateDb = LockDb & Pick<Runner, "models">

/** The plan that brings the live tables of `models` to them, as of now. */
export const plan = (
  db: MigrateDb,
  models: ReadonlyArray<ModelInfo>,
  options: MigrateOptions
): Effect.Effect<Plan, Errors.QueryError | Errors.SchemaMismatch> =>
  Effect.gen(function* () {
    // one table's introspection is enough when only additions to known models are wanted
    const live = yield* introspect(
      db.introspector,
      queryThrough(db),
      options.prune ? undefined : models.map((m) => m.table)
    )
    const liveByName = new Map(live.map((t) => [t.name, t] as const))
    for (const m of models) {
      const t = liveByName.get(m.table)
      const refused = t !== undefined ? keyMismatch(m, t) : undefined
      if (refused !== undefined) return yield* refused
    }
    const backend = migrationBackendOf(db.hooks)
    const refusedSearch = searchRefusal(backend, models)
    if (refusedSearch !== undefined) return yield* refusedSearch
    const ops = options.additiveOnly
      ? yield* sqlAutoOperations(db, models, live)
      : diff(db.hooks, introspectorFor(db), models, live, options)
    const notes = options.additiveOnly ? [] : notesFor(db.hooks, models, live)
    return makePlan(db.dialect, yield* withVectorSupport(db, backend, models, live, ops), notes)
  })

/** autoMigrate's operations over SQL tables (the rule: `autoOperations` in Adopt.ts). */
const sqlAutoOperations = (db: MigrateDb, models: ReadonlyArray<ModelInfo>, live: ReadonlyArray<LiveTable>) => {
  const introspector = introspectorFor(db)
  return autoOperations(models, {
    live: new Map(live.map((t) => [t.name, t] as const)),
    names: migrationBackendOf(db.hooks).tableNames(db),
    owned: Effect.map(Rollback.status(db), Ledger.ownedTables),
    additions: (m, t) => diff(db.hooks, introspector, [m], t === undefined ? [] : [t], {}).filter((o) => o.additive),
    // a column of ours that keeps fewer digits than the model now declares would round its writes
    refusal: (m, t, owned) => adoptionMismatch(introspector, m, t, owned ? "values" : "all")
  })
}

/**
 * With autoMigrate off, a model's first use still checks (read only) that its table's columns keep
 * every value its fields admit: a NUMERIC(10,2) under a field of three places, or a DATETIME(0)
 * under one with milliseconds, or a DATE under a field that is not `DataFlow.dateOnly()`, would
 * round or cut writes silently (SchemaMismatch instead).
 */
export const checkValues = (
  db: LockDb,
  model: ModelInfo
): Effect.Effect<void, Errors.QueryError | Errors.SchemaMismatch> =>
  Effect.flatMap(introspect(db.introspector, queryThrough(db), [model.table]), (live) => {
    const t = live.find((l) => l.name === model.table)
    const narrower = t === undefined ? undefined : adoptionMismatch(introspectorFor(db), model, t, "values")
    return narrower === undefined ? Effect.void : Effect.fail(narrower)
  })

const modelsOf = (db: MigrateDb, options: MigrateOptions): ReadonlyArray<ModelInfo> =>
  (options.models ?? [...db.models.values()]).map((m) => m.info)

/** The tables a plan is about: its models' and its operations'. */
const scopeOf = (models: ReadonlyArray<ModelInfo>, p: Plan): ReadonlySet<string> =>
  new Set([...models.map((m) => m.table), ...p.operations.map((o) => o.table)])

/** Plans and (unless `dryRun`) applies, under the lock, with a ledger entry. */
export const migrate = (db: MigrateDb, options: MigrateOptions = {}): Effect.Effect<MigrationResult, MigrateError> => {
  const models = modelsOf(db, options)
  if (options.dryRun) return Effect.map(plan(db, models, options), (p) => ({ plan: p, applied: false }))
  const timeoutMs = Duration.toMillis(Duration.decode(options.lockTimeout ?? "30 seconds"))
  const locked = withLock(
    db,
    timeoutMs,
    Effect.gen(function* () {
      // read-only until the plan is known to run: a refusal leaves no trace, not even a ledger table
      const entries = yield* Rollback.status(db)
      const planned = yield* Effect.either(plan(db, models, options))
      // a dirty entry blocks only the tables it touched — and explains why their models cannot be planned
      // (a table whose creation never finished is not the library's to add to: SchemaMismatch otherwise)
      yield* Ledger.verify(
        entries,
        Either.isRight(planned) ? scopeOf(models, planned.right) : new Set(models.map((m) => m.table))
      )
      const p = yield* planned
      if (p.operations.length === 0) return { plan: p, applied: false }
      const refused = destructiveChanges(p)
      if (refused.length > 0 && options.allowDestructive !== true) {
        return yield* new Errors.DestructiveChangeRefused({ changes: refused })
      }
      // every foreseeable failure before the first DDL statement: nothing half-happens
      yield* precheck(db, p)
      yield* migrationBackendOf(db.hooks).ledger.ensure(db)
      const id = Ledger.newId(p.checksum)
      yield* applyPlan(db, id, p)
      return { plan: p, id, applied: true }
    })
  ) as Effect.Effect<MigrationResult, MigrateError>
  // autoMigrate looks first without the lock: a schema that is already there costs no lock and no write.
  // Anything else — work to do, or a refusal seen while another process may be half-way through
  // creating the table (MySQL's catalog queries are not one snapshot) — is decided again under the lock.
  return options.additiveOnly
    ? Effect.flatMap(Effect.either(plan(db, models, options)), (r) =>
        Either.isRight(r) && r.right.operations.length === 0
          ? Effect.succeed({ plan: r.right, applied: false })
          : locked
      )
    : locked
}

/** Records the plan in the ledger, runs its steps, and marks it finished (or names the failed step). */
export const applyPlan = (db: LockDb, id: string, p: Plan) =>
  Effect.gen(function* () {
    const backend = migrationBackendOf(db.hooks)
    yield* backend.ledger.start(db, {
      id,
      checksum: p.checksum,
      description: p.operations.map((o) => o.description),
      up: upStatements(p),
      down: downStatements(p),
      destructiveDown: p.operations
        .filter((o) => o.kind === "createTable" || o.kind === "addColumn")
        .map((o) => o.description),
      tables: [...new Set(p.operations.map((o) => o.table))],
      createdTables: p.operations.filter((o) => o.kind === "createTable").map((o) => o.table),
      startedAt: new Date().toISOString()
    })
    const steps = p.operations.flatMap((o) => o.up.map((statement) => ({ statement, op: o })))
    for (const [i, step] of steps.entries()) {
      const key = step.op.key
      const context = {
        model: step.op.table,
        table: step.op.table,
        constraints: new Map<string, ReadonlyArray<string>>(key ? [[key.name, key.columns]] : []),
        operation: "migrate"
      }
      yield* backend.run(db, step.statement, context).pipe(
        // MySQL keeps what ran before the failure (DDL commits implicitly): the entry says where it stopped.
        // PostgreSQL and SQLite roll the whole plan back, this entry with it.
        Effect.tapError((e) =>
          Effect.ignore(
            backend.ledger.fail(
              db,
              id,
              `step ${i + 1} of ${steps.length} (${step.op.description}): ${step.statement.replace(/\s+/g, " ")} -- ${e._tag}${"code" in e && e.code ? ` ${e.code}` : ""}`
            )
          )
        )
      )
    }
    yield* backend.ledger.finish(db, id)
  })
