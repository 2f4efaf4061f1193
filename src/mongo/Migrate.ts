/**
 * Migrations on MongoDB with the SQL rules and result shapes (docs/migrations.md): `migrate` plans
 * (src/mongo/MigratePlan.ts) and, unless `dryRun`, applies under the lock (src/mongo/Lock.ts) with
 * a ledger entry (src/mongo/Ledger.ts); a dirty entry blocks only plans touching its collections
 * (DirtyMigration), an edited entry fails ChecksumMismatch, destructive steps need
 * `allowDestructive`. `rollback`, `migrations`, `resolve` and autoMigrate's `ensureCollection`
 * complete the set.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import * as Errors from "../Errors.js"
import type { MigrateError, MigrateOptions, MigrationResult } from "../migrations/Apply.js"
import { autoOperations } from "../migrations/Adopt.js"
import * as Ledger from "../migrations/Ledger.js"
import { destructiveChanges, downStatements, type Operation, type Plan, upStatements } from "../migrations/Operation.js"
import type { RollbackOptions, RollbackResult } from "../migrations/Rollback.js"
import type { ModelInfo } from "../model/Model.js"
import * as Store from "./Ledger.js"
import { withMongoLock } from "./Lock.js"
import { collectionMismatch } from "./MigrateAdopt.js"
import { precheck } from "./MigratePrecheck.js"
import { ledgerCollection, lockCollection, type MongoSchemaHandle } from "./MigrateDb.js"
import { diffCollections, type LiveCollection, type LiveIndex, mongoPlan } from "./MigratePlan.js"
import type { Doc } from "./Values.js"

/** The live collections (all, or those named), with their validators and indexes; views are skipped. */
export const readLive = (
  h: MongoSchemaHandle,
  names?: ReadonlyArray<string>
): Effect.Effect<ReadonlyMap<string, LiveCollection>, Errors.QueryError> =>
  h.run({ operation: "migrate" }, async (db) => {
    const infos = await db.listCollections(names === undefined ? {} : { name: { $in: [...names] } }).toArray()
    const live = new Map<string, LiveCollection>()
    for (const info of infos) {
      if ("type" in info && info.type !== undefined && info.type !== "collection") continue
      const indexes = (await db.collection(info.name).listIndexes().toArray()) as unknown as Array<LiveIndex>
      const options = ("options" in info ? info.options : undefined) as Doc | undefined
      const validator = options?.["validator"] as Doc | undefined
      live.set(info.name, {
        name: info.name,
        ...(validator !== undefined && Object.keys(validator).length > 0 ? { validator } : {}),
        indexes: indexes.map((i) => ({
          name: i.name,
          key: i.key,
          ...(i.unique === true ? { unique: true } : {}),
          ...(i.partialFilterExpression !== undefined ? { partialFilterExpression: i.partialFilterExpression } : {})
        }))
      })
    }
    return live
  })

const internal = (name: string) => name === ledgerCollection || name === lockCollection || name.startsWith("system.")

/** Drops of the collections no model describes (`prune`; never the ledger, the lock or system collections). */
const pruneOps = (models: ReadonlyArray<ModelInfo>, live: ReadonlyMap<string, LiveCollection>): Array<Operation> => {
  const tables = new Set(models.map((m) => m.table))
  return [...live.values()]
    .filter((c) => !tables.has(c.name) && !internal(c.name))
    .map((c) => ({
      kind: "dropTable",
      table: c.name,
      description: `drop collection ${c.name}`,
      up: [JSON.stringify({ drop: c.name })],
      down: [
        JSON.stringify({ create: c.name, ...(c.validator !== undefined ? { validator: c.validator } : {}) }),
        ...(c.indexes.some((i) => i.name !== "_id_")
          ? [JSON.stringify({ createIndexes: c.name, indexes: c.indexes.filter((i) => i.name !== "_id_") })]
          : [])
      ],
      destructive: true,
      additive: false
    }))
}

/** The collections the ledger's finished entries say this library created and did not drop since (oldest first). */
export const ownedCollections = (entries: ReadonlyArray<Ledger.LedgerEntry>): ReadonlySet<string> => {
  const owned = new Set<string>()
  for (const e of entries) {
    if (e.finishedAt === null || !e.success) continue
    for (const t of e.createdTables) owned.add(t)
    for (const d of e.description) {
      const m = /^drop (?:collection|table) ([A-Za-z0-9_]+)/.exec(d)
      if (m !== null) owned.delete(m[1]!)
    }
  }
  return owned
}

/** Every collection's name (views too: a view named like the model's collection is as much a sign). */
const collectionNames = (h: MongoSchemaHandle): Effect.Effect<ReadonlyArray<string>, Errors.QueryError> =>
  h.run({ operation: "migrate" }, async (db) =>
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name)
  )

/**
 * autoMigrate's operations over collections (the rule: `autoOperations` in Adopt.ts). Additions to a
 * collection we created are its indexes and a validator that only adds optional fields; a collection
 * we did not create is checked against the model (its validator), never altered.
 */
const mongoAutoOperations = (
  h: MongoSchemaHandle,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyMap<string, LiveCollection>
) =>
  autoOperations(models, {
    live,
    names: collectionNames(h),
    owned: Effect.map(Store.list(h), ownedCollections),
    additions: (m) => diffCollections([m], live).filter((o) => o.additive),
    refusal: (m, c, owned) => (owned ? undefined : collectionMismatch(m, c))
  })

/** The plan that brings the collections of `models` to them, as of now. */
export const plan = (
  h: MongoSchemaHandle,
  models: ReadonlyArray<ModelInfo>,
  options: MigrateOptions = {}
): Effect.Effect<Plan, Errors.QueryError | Errors.SchemaMismatch> =>
  Effect.gen(function* () {
    const live = yield* readLive(h, options.prune ? undefined : models.map((m) => m.table))
    if (options.additiveOnly) return mongoPlan(yield* mongoAutoOperations(h, models, live))
    return mongoPlan([...diffCollections(models, live), ...(options.prune ? pruneOps(models, live) : [])])
  })

const timeoutOf = (d: Duration.DurationInput | undefined) => Duration.toMillis(Duration.decode(d ?? "30 seconds"))

/** The ledger (an absent collection is an empty ledger). */
export const migrations = (h: MongoSchemaHandle): Effect.Effect<ReadonlyArray<Ledger.LedgerEntry>, Errors.QueryError> =>
  Store.list(h)

/** Records the plan in the ledger, runs its commands, and marks it finished (or names the failed step). */
export const applyPlan = (h: MongoSchemaHandle, id: string, p: Plan): Effect.Effect<void, Errors.QueryError> =>
  Effect.gen(function* () {
    yield* Store.start(h, {
      id,
      checksum: p.checksum,
      description: p.operations.map((o) => o.description),
      up: upStatements(p),
      down: downStatements(p),
      destructiveDown: p.operations.filter((o) => o.kind === "createTable").map((o) => o.description),
      tables: [...new Set(p.operations.map((o) => o.table))],
      createdTables: p.operations.filter((o) => o.kind === "createTable").map((o) => o.table),
      startedAt: new Date().toISOString()
    })
    const steps = p.operations.flatMap((o) => o.up.map((statement) => ({ statement, op: o })))
    for (const [i, step] of steps.entries()) {
      yield* runCommand(h, step.statement, step.op.table).pipe(
        Effect.tapError((e) =>
          Effect.ignore(
            Store.fail(
              h,
              id,
              `step ${i + 1} of ${steps.length} (${step.op.description}): ${step.statement} -- ${e._tag}`
            )
          )
        )
      )
    }
    yield* Store.finish(h, id)
  })

/** Runs one planned command (JSON) with `db.command`. */
export const runCommand = (h: MongoSchemaHandle, statement: string, model?: string) =>
  h.run({ operation: "migrate", ...(model !== undefined ? { model } : {}) }, (db) =>
    db.command(JSON.parse(statement) as Doc)
  )

/** Plans and (unless `dryRun`) applies, under the lock, with a ledger entry. */
export const migrate = (
  h: MongoSchemaHandle,
  defaults: ReadonlyArray<ModelInfo>,
  options: MigrateOptions = {}
): Effect.Effect<MigrationResult, MigrateError> => {
  const models = options.models?.map((m) => m.info) ?? defaults
  if (options.dryRun) return Effect.map(plan(h, models, options), (p) => ({ plan: p, applied: false }))
  const locked = withMongoLock(
    h,
    timeoutOf(options.lockTimeout),
    Effect.gen(function* () {
      const p = yield* plan(h, models, options)
      const scope = new Set([...models.map((m) => m.table), ...p.operations.map((o) => o.table)])
      yield* Ledger.verify(yield* Store.list(h), scope)
      if (p.operations.length === 0) return { plan: p, applied: false }
      const refused = destructiveChanges(p)
      if (refused.length > 0 && options.allowDestructive !== true) {
        return yield* new Errors.DestructiveChangeRefused({ changes: refused })
      }
      // every foreseeable failure before the first command: nothing half-happens
      yield* precheck(h, p)
      const id = Ledger.newId(p.checksum)
      yield* applyPlan(h, id, p)
      return { plan: p, id, applied: true }
    })
  )
  // autoMigrate looks first without the lock: a collection already there costs no lock and no write
  return options.additiveOnly
    ? Effect.flatMap(Effect.either(plan(h, models, options)), (r) =>
        r._tag === "Right" && r.right.operations.length === 0
          ? Effect.succeed({ plan: r.right, applied: false })
          : locked
      )
    : locked
}

/** autoMigrate for one model (the service's `ensureTable`): create its collection, or add to one we created. */
export const ensureCollection = (h: MongoSchemaHandle, ...models: ReadonlyArray<ModelInfo>) =>
  Effect.asVoid(migrate(h, models, { additiveOnly: true }))

/** Undoes the newest `steps` ledger entries (their down commands, newest first). */
export const rollback = (
  h: MongoSchemaHandle,
  options: RollbackOptions = {}
): Effect.Effect<RollbackResult, MigrateError> =>
  withMongoLock(
    h,
    timeoutOf(options.lockTimeout),
    Effect.flatMap(Store.list(h), (all) =>
      Ledger.undoNewest(all, options, (e) =>
        Effect.gen(function* () {
          for (const statement of e.down) yield* runCommand(h, statement)
          yield* Store.remove(h, e.id)
        })
      )
    )
  )

/** Removes a dirty entry after its partial changes were repaired by hand; refuses one that is not dirty. */
export const resolve = (
  h: MongoSchemaHandle,
  id: string,
  options: { readonly lockTimeout?: Duration.DurationInput } = {}
) =>
  withMongoLock(
    h,
    timeoutOf(options.lockTimeout),
    Effect.gen(function* () {
      const entry = yield* Ledger.dirtyEntry(yield* Store.list(h), id)
      yield* Store.remove(h, id)
      return entry
    })
  )
