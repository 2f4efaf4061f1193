/**
 * How the `dataflow` command ends: messages on stderr, and an exit code per kind of failure.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | done (or nothing to do) |
 * | 1 | the database failed (connection, SQL error, a workflow node failed) |
 * | 2 | usage: bad arguments, no --url, a --models module that does not load, an invalid workflow |
 * | 3 | refused: DestructiveChangeRefused, DirtyMigration, ChecksumMismatch, SchemaMismatch, MigrationPrecheckFailed |
 * | 4 | MigrationLockTimeout: another process is migrating |
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** A usage problem found by the command itself (exit code 2). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** The exit code of a failure. */
export const exitCodeOf = (e: unknown): number => {
  const tag = (e as { _tag?: string } | undefined)?._tag
  switch (tag) {
    case "UsageError":
    case "ValidationError":
    case "WorkflowDefinitionError":
    case "MissingValue":
    case "MissingFlag":
    case "MissingSubcommand":
    case "InvalidValue":
    case "InvalidArgument":
    case "CommandMismatch":
    case "CorrectedFlag":
    case "MultipleValuesDetected":
    case "NoBuiltInMatch":
    case "UnclusteredFlag":
    case "HelpRequested":
      return 2
    case "DestructiveChangeRefused":
    case "DirtyMigration":
    case "ChecksumMismatch":
    case "SchemaMismatch":
    case "MigrationPrecheckFailed":
      return 3
    case "MigrationLockTimeout":
      return 4
    default:
      return 1
  }
}

/** One line (or a few) for stderr: the error's tag and message, never a URL or a parameter value. */
export const describeError = (e: unknown): string => {
  const err = e as { _tag?: string; message?: string; changes?: ReadonlyArray<string> }
  if (err?._tag === "DestructiveChangeRefused" && err.changes) {
    return (
      `DestructiveChangeRefused: these changes lose data:\n${err.changes.map((c) => `  - ${c}`).join("\n")}\n` +
      "run again with --allow-destructive to apply them"
    )
  }
  if (err?._tag === "UsageError") return err.message ?? "usage error"
  return `${err?._tag ?? "Error"}: ${err?.message ?? String(e)}`
}
