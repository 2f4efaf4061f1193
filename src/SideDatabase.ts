/**
 * A second, one-connection Database of the same URL, opened on first need and kept for the
 * layer's life: where autoMigrate creates a table that a transaction asked for.
 *
 * Why not the layer's own pool: every pooled connection may be held by a transaction that is itself
 * waiting for its table (a pool of N and N transactions each touching a new model used to end in
 * `PoolTimeout`), and the DDL must not run inside the caller's transaction (MySQL commits
 * implicitly; PostgreSQL would roll it back with the transaction while the table is remembered as
 * created). The side connection is never held by a caller, so the wait is only for the DDL itself.
 * Costs one more server connection, only after the first such use (it closes after idleTimeout).
 *
 * @since 0.1.0
 */
import { Effect, ExecutionStrategy, Exit, Scope } from "effect"
import * as Errors from "./Errors.js"
import type { ModelInfo } from "./model/Model.js"
import type { DialectName } from "./sql/DialectName.js"

/** A statement's errors, or autoMigrate's refusals (each under its own tag). */
type EnsureError = Errors.QueryError | Errors.AutoMigrateError

interface CreatesTables {
  readonly ensureTable: (model: ModelInfo) => Effect.Effect<void, EnsureError>
}

const isEnsureError = (e: { readonly _tag: string }): e is EnsureError =>
  [
    "InvalidRow",
    "UniqueViolation",
    "ForeignKeyViolation",
    "ValidationError",
    "ConnectionError",
    "PoolTimeout",
    "StatementTimeout",
    "TransactionConflict",
    "DatabaseError",
    "SchemaMismatch",
    "MigrationPrecheckFailed",
    "MigrationLockTimeout",
    "DirtyMigration",
    "ChecksumMismatch",
    "DestructiveChangeRefused"
  ].includes(e._tag)

/** `ensureTable` through the side Database that `open` makes (opened at most once at a time, in `scope`). */
export const makeSideEnsureTable = <E extends { readonly _tag: string }>(
  dialect: DialectName,
  open: Effect.Effect<CreatesTables, E, Scope.Scope>,
  scope: Scope.Scope
): ((model: ModelInfo) => Effect.Effect<void, EnsureError>) => {
  let side: CreatesTables | undefined
  const lock = Effect.unsafeMakeSemaphore(1)
  const get = lock.withPermits(1)(
    Effect.suspend(() => {
      if (side !== undefined) return Effect.succeed(side)
      return Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (child) =>
        Scope.extend(open, child).pipe(
          Effect.tapErrorCause((cause) => Scope.close(child, Exit.failCause(cause))),
          Effect.tap((s) => void (side = s))
        )
      )
    })
  )
  return (model) =>
    get.pipe(
      Effect.mapError((e): EnsureError =>
        isEnsureError(e) ? e : new Errors.DatabaseError({ dialect, code: e._tag, operation: "autoMigrate", cause: e })
      ),
      Effect.flatMap((s) => s.ensureTable(model))
    )
}
