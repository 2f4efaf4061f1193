/**
 * Every error effect-dataflow can fail with, as one tagged union.
 *
 * Messages name the model, field, operator or driver code — never a parameter value or a secret —
 * so they are safe to log. Handle them with `Effect.catchTag("UniqueViolation", ...)`.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import type { DatabaseName } from "./DatabaseName.js"
import type { DialectName } from "./sql/DialectName.js"

export type { DatabaseName, DialectName }

/** Input rejected before any SQL exists: unknown field, wrong type, unknown operator, bad model. */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly path: string
  readonly reason: string
  readonly model?: string
}> {
  override get message() {
    return `${this.model ? `${this.model}: ` : ""}${this.path || "(input)"}: ${this.reason}`
  }
}

/** No row with this id (or matching this filter) exists. */
export class NotFound extends Data.TaggedError("NotFound")<{
  readonly model: string
  readonly id?: unknown
}> {
  override get message() {
    return `${this.model}: no matching record`
  }
}

/**
 * A stored row does not fit the model (NULL in a required field, a value outside a literal union,
 * text that is not a date, …): the read fails rather than hand back a record that lies. Names the
 * model, the field and the row's key — never the offending value.
 */
export class InvalidRow extends Data.TaggedError("InvalidRow")<{
  readonly model: string
  readonly field: string
  /** The row's key (its id, or an object of the key fields), when it was read. */
  readonly key?: unknown
  readonly reason: string
}> {
  override get message() {
    const k = this.key
    const text =
      k !== null && typeof k === "object"
        ? Object.entries(k)
            .map(([name, v]) => `${name}=${String(v)}`)
            .join(", ")
        : String(k)
    const key = k === undefined ? "" : ` (key ${text.slice(0, 200)})`
    return `${this.model}: a stored row${key} does not fit the model: ${this.field} ${this.reason}`
  }
}

/** A unique constraint (or the primary key) rejected the write. `fields` names the key. */
export class UniqueViolation extends Data.TaggedError("UniqueViolation")<{
  readonly model: string
  readonly fields: ReadonlyArray<string>
}> {
  override get message() {
    return `${this.model}: unique violation on (${this.fields.join(", ")})`
  }
}

/** A foreign key rejected the write. */
export class ForeignKeyViolation extends Data.TaggedError("ForeignKeyViolation")<{
  readonly model: string
  readonly constraint?: string
}> {
  override get message() {
    return `${this.model}: foreign key violation${this.constraint ? ` (${this.constraint})` : ""}`
  }
}

/** An upsert named a conflict target that is neither `id` nor a declared unique key. */
export class ConflictTargetError extends Data.TaggedError("ConflictTargetError")<{
  readonly model: string
  readonly fields: ReadonlyArray<string>
}> {
  override get message() {
    return `${this.model}: (${this.fields.join(", ")}) is not id or a declared unique key; declare it in \`unique\``
  }
}

/** A bulk update/delete with an empty filter, without `confirmed: true`. */
export class EmptyFilterRefused extends Data.TaggedError("EmptyFilterRefused")<{
  readonly model: string
  readonly operation: string
}> {
  override get message() {
    return `${this.model}.${this.operation}: empty filter would touch every row; pass confirmed: true`
  }
}

/** The feature cannot mean the same on this dialect, so it is refused instead of approximated. */
export class UnsupportedFeature extends Data.TaggedError("UnsupportedFeature")<{
  readonly dialect: string
  readonly feature: string
}> {
  override get message() {
    return `${this.feature} is not supported on ${this.dialect}`
  }
}

/**
 * The database could not be reached (`phase: "connect"`), or an open connection broke or went
 * silent mid-statement (`phase: "lost"`: the statement's outcome is unknown to the client).
 */
export class ConnectionError extends Data.TaggedError("ConnectionError")<{
  readonly dialect: DatabaseName
  readonly code?: string
  readonly phase?: "connect" | "lost"
  /** The server's reason for refusing a connection, where it gave one (literals taken out, as DatabaseError's). */
  readonly reason?: string
  readonly cause?: unknown
}> {
  override get message() {
    const code = this.code ? ` (${this.code})` : ""
    const reason = this.reason ? ` "${this.reason}"` : ""
    return this.phase === "lost"
      ? `the connection to ${this.dialect} was lost during a statement${code}`
      : `cannot connect to ${this.dialect}${code}${reason}`
  }
}

/** No pooled connection became free in time. */
export class PoolTimeout extends Data.TaggedError("PoolTimeout")<{
  readonly dialect: DatabaseName
  readonly cause?: unknown
}> {
  override get message() {
    return `timed out waiting for a pooled ${this.dialect} connection`
  }
}

/**
 * The statement ran longer than the statement timeout: cancelled by the server, or (code
 * `CLIENT_TIMEOUT`) given up by the client when no answer came within the bound — that connection
 * is discarded.
 */
export class StatementTimeout extends Data.TaggedError("StatementTimeout")<{
  readonly dialect: DatabaseName
  readonly code?: string
  readonly cause?: unknown
}> {
  override get message() {
    return `statement timed out on ${this.dialect}`
  }
}

/** Serialization failure, deadlock or busy database: the transaction may succeed when retried. */
export class TransactionConflict extends Data.TaggedError("TransactionConflict")<{
  readonly dialect: DatabaseName
  readonly code?: string
  readonly cause?: unknown
}> {
  readonly retryable = true
  override get message() {
    return `transaction conflict on ${this.dialect}${this.code ? ` (${this.code})` : ""}; retry it`
  }
}

/**
 * Any other database failure, with the driver's code (SQLSTATE, MariaDB errno or SQLite code) and
 * its `reason` — the code's meaning, or the driver's message with every literal taken out (never a
 * bound value).
 */
export class DatabaseError extends Data.TaggedError("DatabaseError")<{
  readonly dialect: DatabaseName
  readonly code?: string
  readonly reason?: string
  readonly operation?: string
  readonly cause?: unknown
}> {
  override get message() {
    return `${this.dialect} error${this.code ? ` ${this.code}` : ""}${this.reason ? ` "${this.reason}"` : ""}${
      this.operation ? ` in ${this.operation}` : ""
    }`
  }
}

/** Another process holds the migration lock longer than the wait allows. */
export class MigrationLockTimeout extends Data.TaggedError("MigrationLockTimeout")<{
  readonly dialect: DatabaseName
}> {
  override get message() {
    return `timed out waiting for the migration lock on ${this.dialect}`
  }
}

/** A migration started but never finished; repair it before running more. */
export class DirtyMigration extends Data.TaggedError("DirtyMigration")<{
  readonly id: string
  readonly step?: string
}> {
  override get message() {
    return `migration ${this.id} is unfinished${this.step ? ` (failed at ${this.step})` : ""}`
  }
}

/** An applied migration's checksum differs from the one planned now. */
export class ChecksumMismatch extends Data.TaggedError("ChecksumMismatch")<{
  readonly id: string
}> {
  override get message() {
    return `migration ${this.id} was changed after it was applied`
  }
}

/** The plan drops or narrows something and `allowDestructive` was not given. */
export class DestructiveChangeRefused extends Data.TaggedError("DestructiveChangeRefused")<{
  readonly changes: ReadonlyArray<string>
}> {
  override get message() {
    return `destructive changes refused: ${this.changes.join("; ")}`
  }
}

/**
 * A model and an existing table disagree in a way autoMigrate will not paper over (a key or field
 * with no column, a column that keeps less than the model, a second table beside the one the
 * model obviously means). `reason` says what to do; names only, never values.
 */
export class SchemaMismatch extends Data.TaggedError("SchemaMismatch")<{
  readonly model: string
  readonly table: string
  readonly field?: string
  readonly column?: string
  readonly reason: string
}> {
  override get message() {
    const at = this.field !== undefined ? ` field ${this.field}` : ""
    const col = this.column !== undefined ? ` (column ${this.table}.${this.column})` : ""
    return `model ${this.model} over table ${this.table}${at || col ? `:${at}${col}` : ""}: ${this.reason}`
  }
}

/**
 * Existing rows would make a migration step fail (NULLs before SET NOT NULL, duplicates before a
 * unique key, values that do not fit a narrower type, an index a foreign key needs): found before
 * the first DDL statement, so nothing ran. Each problem is counted: `12 rows have NULL in genre.name`.
 */
export class MigrationPrecheckFailed extends Data.TaggedError("MigrationPrecheckFailed")<{
  readonly problems: ReadonlyArray<string>
}> {
  override get message() {
    return `the migration would fail on existing data, nothing was changed: ${this.problems.join("; ")}`
  }
}

/** A workflow definition is invalid; every problem is listed. */
export class WorkflowDefinitionError extends Data.TaggedError("WorkflowDefinitionError")<{
  readonly workflow: string
  readonly problems: ReadonlyArray<string>
}> {
  override get message() {
    return `workflow ${this.workflow}: ${this.problems.join("; ")}`
  }
}

/** A workflow node failed; `cause` is the node's own typed error. */
export class NodeFailed<E = unknown> extends Data.TaggedError("NodeFailed")<{
  readonly nodeId: string
  readonly cause: E
}> {
  override get message() {
    return `node ${this.nodeId} failed`
  }
}

/** The database's driver packages are not installed (they are optional peers): install `packages`. */
export class DriverNotInstalled extends Data.TaggedError("DriverNotInstalled")<{
  readonly dialect: DatabaseName
  readonly packages: ReadonlyArray<string>
}> {
  override get message() {
    return `${this.dialect}: the driver is not installed; run npm install ${this.packages.join(" ")}`
  }
}

/**
 * What any statement can fail with, whatever it does: the database unreachable or the connection
 * lost, no pooled connection in time, the statement timeout, a conflict worth retrying (a
 * deadlock, a serialization failure, a busy SQLite file), or any other database error.
 */
export type StatementFailure = ConnectionError | PoolTimeout | StatementTimeout | TransactionConflict | DatabaseError

/** What autoMigrate refuses with (on a layer's start or a model's first use), each under its own tag. */
export type AutoMigrateError =
  | SchemaMismatch
  | MigrationPrecheckFailed
  | MigrationLockTimeout
  | DirtyMigration
  | ChecksumMismatch
  | DestructiveChangeRefused

/**
 * What every operation can fail with: its input refused (or a NOT NULL / CHECK constraint), a
 * statement failure, or autoMigrate's refusal on the model's first use.
 */
export type OperationError = ValidationError | StatementFailure | AutoMigrateError

/** `create`: the stored record may not fit the model; a unique key or a foreign key may refuse it. */
export type CreateError = OperationError | InvalidRow | UniqueViolation | ForeignKeyViolation

/** `read`: no such record, or the stored row does not fit the model. */
export type ReadError = OperationError | NotFound | InvalidRow

/** `update`: no such record; a key refuses the change; the stored row does not fit the model. */
export type UpdateError = OperationError | NotFound | InvalidRow | UniqueViolation | ForeignKeyViolation

/** `delete`: a foreign key (another table's rows still refer to the record) refuses it. */
export type DeleteError = OperationError | ForeignKeyViolation

/** `list`: a stored row does not fit the model. */
export type ListError = OperationError | InvalidRow

/** `count`: only what every operation can fail with. */
export type CountError = OperationError

/** `upsert`: a conflict target that is not a key; another unique key or a foreign key refuses the write. */
export type UpsertError = OperationError | InvalidRow | UniqueViolation | ForeignKeyViolation | ConflictTargetError

/** `bulkCreate` (plus the input stream's own error): a unique key or a foreign key refuses a record. */
export type BulkCreateError = OperationError | UniqueViolation | ForeignKeyViolation | UnsupportedFeature

/** `bulkUpdate`: an empty filter without `confirmed: true`; a key refuses a change. */
export type BulkUpdateError = OperationError | EmptyFilterRefused | UniqueViolation | ForeignKeyViolation

/** `bulkDelete`: an empty filter without `confirmed: true`; a foreign key refuses a delete. */
export type BulkDeleteError = OperationError | EmptyFilterRefused | ForeignKeyViolation

/** `vectorSearch`, `textSearch`, `hybridSearch`: a database without the search (MariaDB) refuses it. */
export type SearchError = OperationError | InvalidRow | UnsupportedFeature

/** `bulkUpsert`: a conflict target that is not a key; another unique key or a foreign key refuses a write. */
export type BulkUpsertError =
  OperationError | ConflictTargetError | UniqueViolation | ForeignKeyViolation | UnsupportedFeature

/**
 * Whatever a classified statement can fail with (what a driver error becomes before an operation
 * narrows it): the operations' own types above say which of these each can really meet.
 */
export type QueryError = InvalidRow | UniqueViolation | ForeignKeyViolation | ValidationError | StatementFailure

/**
 * What building `Database.layer` can fail with: a URL or option refused (ValidationError), an
 * option or database not supported yet, the URL's driver package not installed, a statement's errors (connecting, autoMigrate's DDL), or
 * autoMigrate's refusal for the models given to it. Never a workflow's NodeFailed.
 */
export type LayerError = QueryError | UnsupportedFeature | DriverNotInstalled | AutoMigrateError

/** Every error of effect-dataflow. */
export type DataflowError =
  | QueryError
  | NotFound
  | ConflictTargetError
  | EmptyFilterRefused
  | UnsupportedFeature
  | DriverNotInstalled
  | AutoMigrateError
  | WorkflowDefinitionError
  | NodeFailed
