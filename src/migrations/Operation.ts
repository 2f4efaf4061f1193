/**
 * A migration plan: operations, each with the statements that apply it and the statements that
 * undo it (the backend's, src/migrations/Backend.ts; SQL on the SQL databases).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

/** What an operation does. */
export type OperationKind =
  | "createTable"
  | "dropTable"
  | "addColumn"
  | "dropColumn"
  | "alterColumn"
  | "addIndex"
  | "dropIndex"
  | "addUnique"
  | "dropUnique"
  | "rebuildTable"
  | "createExtension"

/**
 * A question about existing rows asked before the first DDL statement of a plan runs: the rows it
 * counts would make a step fail half-way.
 */
export type Precheck =
  | { readonly kind: "notNull"; readonly table: string; readonly column: string }
  | { readonly kind: "unique"; readonly table: string; readonly columns: ReadonlyArray<string> }
  /**
   * `condition` (the backend's, over the column: SQL on the SQL databases) finds the values that do
   * not fit `type`; `unchecked`: it finds every stored value, none of which can be checked portably.
   */
  | {
      readonly kind: "fits"
      readonly table: string
      readonly column: string
      readonly type: string
      readonly condition: string
      readonly unchecked?: boolean
    }
  /** Known from the catalog alone (an index a foreign key needs). */
  | { readonly kind: "problem"; readonly table: string; readonly problem: string }

/** One step of a plan. */
export interface Operation {
  readonly kind: OperationKind
  readonly table: string
  /** `add column users.age (INTEGER, nullable)` — also what DestructiveChangeRefused names. */
  readonly description: string
  readonly up: ReadonlyArray<string>
  readonly down: ReadonlyArray<string>
  /** Loses data (drop column/table, narrowing a type): refused unless `allowDestructive`. */
  readonly destructive: boolean
  /** The destructive parts of a table rebuild, each named (else `description`). */
  readonly destructiveChanges?: ReadonlyArray<string>
  /** The key an addUnique creates (names the fields when existing rows violate it). */
  readonly key?: { readonly name: string; readonly columns: ReadonlyArray<string> }
  /** Only adds (tables, columns, keys): what autoMigrate applies on its own. */
  readonly additive: boolean
  /** Makes a vector index: the backend's vector support is asked first (src/migrations/Prerequisites.ts). */
  readonly vectorIndex?: boolean
  /** What existing rows must satisfy for the step to succeed, checked before any DDL. */
  readonly prechecks?: ReadonlyArray<Precheck>
}

/** A plan: what `migrate` would do, in order. */
export interface Plan {
  readonly dialect: string
  readonly operations: ReadonlyArray<Operation>
  /** sha256 of the up and down statements. */
  readonly checksum: string
  /** Things a person should know that the plan does not change (a case-insensitive collation, …). */
  readonly notes?: ReadonlyArray<string>
}

/** The checksum the ledger stores for these statements. */
export const checksumOf = (up: ReadonlyArray<string>, down: ReadonlyArray<string>): string =>
  createHash("sha256").update(JSON.stringify({ up, down })).digest("hex")

/** What DestructiveChangeRefused names: each destructive change of the plan. */
export const destructiveChanges = (plan: Plan): ReadonlyArray<string> =>
  plan.operations.flatMap((o) => (o.destructive ? (o.destructiveChanges ?? [o.description]) : []))

/** Every up statement of the plan, in order. */
export const upStatements = (plan: Plan): ReadonlyArray<string> => plan.operations.flatMap((o) => o.up)

/** Every down statement of the plan, in the order that undoes it (last operation first). */
export const downStatements = (plan: Plan): ReadonlyArray<string> =>
  [...plan.operations].reverse().flatMap((o) => o.down)

/** Builds a plan from its operations. */
export const makePlan = (
  dialect: string,
  operations: ReadonlyArray<Operation>,
  notes: ReadonlyArray<string> = []
): Plan => ({
  dialect,
  operations,
  ...(notes.length > 0 ? { notes } : {}),
  checksum: checksumOf(
    operations.flatMap((o) => o.up),
    [...operations].reverse().flatMap((o) => o.down)
  )
})

/** The plan as text: one operation a line, its statements indented under it. */
export const render = (plan: Plan, withDown = true): string =>
  (plan.notes ?? []).map((n) => `note: ${n}\n`).join("") + renderOperations(plan, withDown)

const renderOperations = (plan: Plan, withDown: boolean): string =>
  plan.operations.length === 0
    ? "schema is up to date: nothing to do\n"
    : plan.operations
        .map(
          (o, i) =>
            `${i + 1}. ${o.description}${o.destructive ? "  [destructive]" : ""}\n` +
            o.up.map((s) => `   up:   ${s.replace(/\n\s*/g, " ")}\n`).join("") +
            (withDown ? o.down.map((s) => `   down: ${s.replace(/\n\s*/g, " ")}\n`).join("") : "")
        )
        .join("")
