/**
 * The ledger's rules: one entry per applied plan — its id, checksum, up and down statements, when
 * it started and finished, whether it succeeded, and (when it did not) the step that failed. An
 * entry not finished, or not a success, is dirty: nothing runs until it is repaired. Where entries
 * are kept is the backend's (src/sql/migrations/Ledger.ts: the `dataflow_migrations` table).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import { checksumOf } from "./Operation.js"

/** One ledger entry. */
export interface LedgerEntry {
  readonly id: string
  readonly checksum: string
  readonly description: ReadonlyArray<string>
  readonly up: ReadonlyArray<string>
  readonly down: ReadonlyArray<string>
  /** Descriptions of the operations whose down statements lose data (rollback refuses them without allowDestructive). */
  readonly destructiveDown: ReadonlyArray<string>
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly success: boolean
  readonly failedStep: string | null
  /** The tables the plan touched. */
  readonly tables: ReadonlyArray<string>
  /** The tables the plan created (the library owns them: autoMigrate may add to them). */
  readonly createdTables: ReadonlyArray<string>
}

/** The table an operation description names (how entries written before their tables were stored are read). */
export const tablesOfDescription = (description: string): { readonly table?: string; readonly created: boolean } => {
  const whole = /^(create|drop|rebuild) table ([A-Za-z0-9_]+)/.exec(description)
  if (whole !== null) return { table: whole[2]!, created: whole[1] === "create" }
  const column = /^(?:add|drop|alter) column ([A-Za-z0-9_]+)\./.exec(description)
  if (column !== null) return { table: column[1]!, created: false }
  const key = / on ([A-Za-z0-9_]+) \(/.exec(description)
  return key !== null ? { table: key[1]!, created: false } : { created: false }
}

/** The tables an entry touched and created, read from its descriptions (entries written before they were stored). */
export const tablesOfDescriptions = (
  description: ReadonlyArray<string>
): { readonly tables: ReadonlyArray<string>; readonly createdTables: ReadonlyArray<string> } => {
  const parsed = description.map(tablesOfDescription)
  return {
    tables: [...new Set(parsed.flatMap((p) => (p.table !== undefined ? [p.table] : [])))],
    createdTables: parsed.flatMap((p) => (p.created && p.table !== undefined ? [p.table] : []))
  }
}

const dirty = (e: LedgerEntry) => e.finishedAt === null || !e.success

/**
 * Refuses to go on past a dirty entry (DirtyMigration) or an entry whose statements no longer match its
 * checksum (ChecksumMismatch: someone edited what rollback would run). With `scope`, only a dirty
 * entry that touched one of those tables (or whose tables are unknown) blocks; any other is logged
 * as a warning naming itself.
 */
export const verify = (
  entries: ReadonlyArray<LedgerEntry>,
  scope?: ReadonlySet<string>
): Effect.Effect<void, Errors.DirtyMigration | Errors.ChecksumMismatch> =>
  Effect.gen(function* () {
    for (const e of entries) {
      if (dirty(e)) {
        const blocks = scope === undefined || e.tables.length === 0 || e.tables.some((t) => scope.has(t))
        if (blocks)
          return yield* new Errors.DirtyMigration({
            id: e.id,
            ...(e.failedStep !== null ? { step: e.failedStep } : {})
          })
        yield* Effect.logWarning(
          `migration ${e.id} (tables ${e.tables.join(", ")}) is unfinished; it does not block this plan, ` +
            "which touches other tables: repair it, then `dataflow migrate resolve <id>`"
        )
        continue
      }
      if (checksumOf(e.up, e.down) !== e.checksum) return yield* new Errors.ChecksumMismatch({ id: e.id })
    }
  })

/** The tables the library created and still owns, as the ledger's finished entries say (oldest first). */
export const ownedTables = (entries: ReadonlyArray<LedgerEntry>): ReadonlySet<string> => {
  const owned = new Set<string>()
  for (const e of entries) {
    if (dirty(e)) continue
    for (const t of e.createdTables) owned.add(t)
    for (const d of e.description) {
      const m = /^drop table ([A-Za-z0-9_]+)/.exec(d)
      if (m !== null) owned.delete(m[1]!)
    }
  }
  return owned
}

/** A sortable id: UTC time to the millisecond, then the plan's checksum prefix. */
export const newId = (checksum: string, now = new Date()): string =>
  `${now
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 17)}_${checksum.slice(0, 8)}`

/**
 * The dirty entry `id` names, which `resolve` removes (on every database family); ValidationError
 * when there is none or it is not dirty (that is what rollback is for).
 */
export const dirtyEntry = (
  entries: ReadonlyArray<LedgerEntry>,
  id: string
): Effect.Effect<LedgerEntry, Errors.ValidationError> => {
  const entry = entries.find((e) => e.id === id)
  return entry !== undefined && !(entry.success && entry.finishedAt !== null)
    ? Effect.succeed(entry)
    : new Errors.ValidationError({
        path: "id",
        reason: entry === undefined ? "no such migration in the ledger" : "this migration is not dirty; use rollback"
      })
}

/**
 * Rollback's rule, the same for every family: the newest `steps` entries, newest first; a dirty
 * entry blocks only a rollback of the tables these touched; `dryRun` lists them; undoes that drop
 * something need `allowDestructive`; then each entry is undone by `undo` (its down statements, then
 * its ledger row).
 */
export const undoNewest = <E>(
  all: ReadonlyArray<LedgerEntry>,
  options: { readonly steps?: number; readonly dryRun?: boolean; readonly allowDestructive?: boolean },
  undo: (entry: LedgerEntry) => Effect.Effect<void, E>
): Effect.Effect<
  { readonly entries: ReadonlyArray<LedgerEntry>; readonly applied: boolean },
  E | Errors.DirtyMigration | Errors.ChecksumMismatch | Errors.DestructiveChangeRefused
> =>
  Effect.gen(function* () {
    const steps = Math.max(0, Math.floor(options.steps ?? 1))
    const entries = all.slice(Math.max(0, all.length - steps)).reverse()
    yield* verify(all, new Set(entries.flatMap((e) => e.tables)))
    if (options.dryRun) return { entries, applied: false }
    const refused = entries.flatMap((e) => e.destructiveDown.map((d) => `undo ${e.id}: ${d}`))
    if (refused.length > 0 && options.allowDestructive !== true) {
      return yield* new Errors.DestructiveChangeRefused({ changes: refused })
    }
    for (const e of entries) yield* undo(e)
    return { entries, applied: true }
  })
