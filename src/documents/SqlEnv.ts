/**
 * What every operation of one SQL collection shares: its table, statements, error context and the
 * checked-input helpers (src/documents/SqlCollection.ts builds it).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Dialect } from "../sql/Dialect.js"
import type { Runner } from "../sql/Runner.js"
import type { Document, DocumentError } from "./Collection.js"
import { checkFilterSync } from "./CheckFilter.js"
import { run, withId } from "./CheckValues.js"
import type { FilterIR } from "./FilterIR.js"
import { ensureDocumentTable, uniqueContext } from "./SqlTable.js"
import * as S from "./SqlStatements.js"

/** What the SQL collections run on: the SQL service's statements and dialect. */
export interface SqlCollectionDeps {
  readonly hooks: Dialect
  readonly query: Runner["query"]
  readonly write: Runner["write"]
  readonly transaction: Runner["transaction"]
}

/** The statements' runner with the dialect's quoting and document hooks. */
export type Deps = S.DocumentDialect & Omit<SqlCollectionDeps, "hooks">

/** One collection's shared helpers. */
export interface Env {
  readonly deps: Deps
  readonly name: string
  readonly ready: Set<string>
  /** SQL index name → the paths it keys (createIndex of this layer), to name a unique violation's fields. */
  readonly indexes: Map<string, ReadonlyArray<string>>
  /** Creates the table on first use and checks it is a document table. */
  readonly ensure: Effect.Effect<void, DocumentError>
  readonly ctx: (operation: string) => ReturnType<typeof uniqueContext>
  readonly filterOf: (filter: unknown) => ReturnType<typeof run<FilterIR>>
  /** SELECT id, doc, decoded. */
  readonly select: (
    filter: FilterIR,
    options?: Parameters<typeof S.selectDocs>[3]
  ) => Effect.Effect<ReadonlyArray<Document>, Effect.Effect.Error<ReturnType<Runner["query"]>>>
}

/** The helpers of collection `name`. */
export const makeEnv = (
  deps: Deps,
  name: string,
  ready: Set<string>,
  indexes: Map<string, ReadonlyArray<string>>
): Env => {
  const ctx = (operation: string) => uniqueContext(deps, name, operation, indexes)
  return {
    deps,
    name,
    ready,
    indexes,
    ensure: ensureDocumentTable(deps, name, ready),
    ctx,
    filterOf: (filter) => run(() => checkFilterSync(filter, deps.sql.name)),
    select: (filter, options = {}) =>
      Effect.map(deps.query(S.selectDocs(deps, name, filter, options), ctx("find")), (rows) =>
        rows.map((r) => withId(String(r["id"]), deps.docs.readDoc(r["doc"]) as never))
      )
  }
}
