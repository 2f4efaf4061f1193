/**
 * The options of `Database.layer` (src/Database.ts), shared by the SQL family and MongoDB
 * (src/mongo/Service.ts).
 *
 * @since 0.1.0
 */
import type { Duration, Redacted } from "effect"
import type { JournalMode } from "./sql/Driver.js"
import type { ModelLike } from "./sql/Runner.js"

/** Options of `Database.layer`. */
export interface LayerOptions {
  /** `postgres://…`, `mysql://…`, `mariadb://…`, `sqlite:./file.db`, `sqlite::memory:` (a Redacted URL is fine). */
  readonly url: string | Redacted.Redacted<string>
  /** Models whose tables are created when the layer starts, and whose nodes workflows may use. */
  readonly models?: ReadonlyArray<ModelLike>
  readonly poolSize?: number
  /**
   * Bound on opening a connection and on waiting for a free one (default 10 s). May be given in the
   * URL instead, `?connectTimeout=<milliseconds>` (on every SQL database); not both.
   */
  readonly connectTimeout?: Duration.DurationInput
  readonly idleTimeout?: Duration.DurationInput
  /**
   * Bound on every statement (unset: none). PostgreSQL `statement_timeout` and MariaDB
   * `max_statement_time` (MySQL 8 `max_execution_time`, SELECT only) on every session: the server
   * cancels, `StatementTimeout`. A server that stays silent (a dead network path) is given up by
   * the client one second later: `StatementTimeout` with code `CLIENT_TIMEOUT`, the connection
   * discarded. SQLite cannot interrupt a running statement: there it bounds the wait for another
   * process's lock (docs/dialects.md).
   */
  readonly statementTimeout?: Duration.DurationInput
  /** Create missing tables (at start for `models`, else on first use). Default true. */
  readonly autoMigrate?: boolean
  /**
   * One span per operation: "auto" (default) opens them only when a tracer other than Effect's
   * built-in one is installed (an exporter is listening); "on" always; "off" never.
   */
  readonly tracing?: "auto" | "on" | "off"
  /**
   * SQLite only (other databases have nothing to set): `journalMode` sets `PRAGMA journal_mode` when
   * the layer opens the file, e.g. `"wal"` (readers never wait for the writer; the file stays in WAL
   * mode, as SQLite keeps it). Absent: the file keeps the mode it has (a new file: rollback journal).
   */
  readonly sqlite?: { readonly journalMode?: JournalMode }
  /** Query cache (a later issue): refused until it exists rather than ignored. */
  readonly cache?: unknown
  /** Read replicas (a later issue): refused until they exist rather than ignored. */
  readonly replicas?: unknown
}
