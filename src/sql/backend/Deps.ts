/**
 * What the SQL backend runs its statements with: the layer's executor (src/Executor.ts), its
 * transactions and its dialect's hooks.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as Errors from "../../Errors.js"
import type { Field } from "../../model/Field.js"
import type { Compiled } from "../Compiler.js"
import type { Dialect, ErrorContext } from "../Dialect.js"
import type { Runner } from "../Runner.js"

/** The statement runners beyond `Runner`'s query and write. */
export interface Statements {
  /**
   * Runs queries side by side, each on its own pooled connection (one after another inside a
   * transaction, or on a one-connection database); rows in the order given. No fiber is forked.
   */
  readonly queryAll: (
    statements: ReadonlyArray<Compiled>,
    context?: ErrorContext
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<Record<string, unknown>>>, Errors.QueryError>
  /**
   * Runs a statement whose select list is exactly `fields` (a SELECT, or a write with RETURNING) and
   * decodes its first row; undefined when there is none.
   */
  readonly queryOne: (
    statement: Compiled,
    fields: ReadonlyArray<Field>,
    context?: ErrorContext
  ) => Effect.Effect<Record<string, unknown> | undefined, Errors.QueryError>
  /**
   * `COPY … FROM STDIN` (PostgreSQL; absent elsewhere): `data` into the table of `sql`, inside the
   * current transaction when there is one. Succeeds with the rows copied.
   */
  readonly copyIn?: (
    sql: string,
    data: Iterable<string>,
    context?: ErrorContext
  ) => Effect.Effect<number, Errors.QueryError>
}

/** The SQL backend's dependencies. */
export interface SqlDeps extends Omit<Statements, "copyIn">, Pick<Runner, "query" | "write" | "transaction"> {
  readonly copyIn?: Statements["copyIn"] | undefined
  readonly hooks: Dialect
  /** INSERT … RETURNING works here (every dialect with RETURNING, and MariaDB ≥ 10.5). */
  readonly insertReturning: boolean
}
