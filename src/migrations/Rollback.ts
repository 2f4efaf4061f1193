/**
 * `rollback(steps)`: runs the down statements of the newest ledger entries, newest first, under
 * the migration lock, and removes each entry once its down statements ran.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import type * as Errors from "../Errors.js"
import { migrationBackendOf } from "./Family.js"
import * as Ledger from "./Ledger.js"
import { withLock } from "./Lock.js"
import type { LockDb, MigrateError } from "./LockTypes.js"

/** Options of `rollback`. */
export interface RollbackOptions {
  /** How many of the newest entries to undo (default 1). */
  readonly steps?: number
  /** Undo entries whose down statements drop tables or columns (a created table, an added column). */
  readonly allowDestructive?: boolean
  readonly lockTimeout?: Duration.DurationInput
  /** List what would be undone without running it. */
  readonly dryRun?: boolean
}

/** What rollback undid (or would undo). */
export interface RollbackResult {
  readonly entries: ReadonlyArray<Ledger.LedgerEntry>
  readonly applied: boolean
}

/** Undoes the newest `steps` ledger entries. */
export const rollback = (db: LockDb, options: RollbackOptions = {}): Effect.Effect<RollbackResult, MigrateError> => {
  const timeoutMs = Duration.toMillis(Duration.decode(options.lockTimeout ?? "30 seconds"))
  const backend = migrationBackendOf(db.hooks)
  const context = { model: "Migration", table: "", constraints: new Map(), operation: "rollback" }
  return withLock(
    db,
    timeoutMs,
    Effect.gen(function* () {
      yield* backend.ledger.ensure(db)
      return yield* Ledger.undoNewest(yield* backend.ledger.list(db), options, (e) =>
        Effect.gen(function* () {
          for (const statement of e.down) yield* backend.run(db, statement, context)
          yield* backend.ledger.remove(db, e.id)
        })
      )
    })
  ) as Effect.Effect<RollbackResult, MigrateError>
}

/** The ledger (read only: an absent ledger is an empty list). */
export const status = (db: LockDb): Effect.Effect<ReadonlyArray<Ledger.LedgerEntry>, Errors.QueryError> => {
  const { ledger } = migrationBackendOf(db.hooks)
  return Effect.flatMap(ledger.exists(db), (exists) => (exists ? ledger.list(db) : Effect.succeed([])))
}

/**
 * Removes a dirty entry after its partial changes were repaired by hand (MySQL: the steps before
 * the failed one stay applied). Refuses an entry that is not dirty: that is what rollback is for.
 */
export const resolve = (db: LockDb, id: string, options: { readonly lockTimeout?: Duration.DurationInput } = {}) =>
  withLock(
    db,
    Duration.toMillis(Duration.decode(options.lockTimeout ?? "30 seconds")),
    Effect.gen(function* () {
      const { ledger } = migrationBackendOf(db.hooks)
      yield* ledger.ensure(db)
      const entry = yield* Ledger.dirtyEntry(yield* ledger.list(db), id)
      yield* ledger.remove(db, id)
      return entry
    })
  )
