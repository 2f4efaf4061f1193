/**
 * A collection's table on SQL: created on first use (`CREATE TABLE IF NOT EXISTS`), then checked
 * to be a document table (`id`, `doc`, and on MariaDB generated index columns only) — a table of
 * that name with other columns is never altered or dropped (docs/documents.md, "The table on SQL").
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ErrorContext } from "../sql/Dialect.js"
import type { Runner } from "../sql/Runner.js"
import type { DocumentError } from "./Collection.js"
import type { DocumentDialect } from "./SqlStatements.js"

type Deps = DocumentDialect & Pick<Runner, "query" | "write">

/** The error context naming `_id` for a duplicate key, and a MongoDB-named index's paths. */
export const uniqueContext = (
  deps: DocumentDialect,
  table: string,
  operation: string,
  indexes: ReadonlyMap<string, ReadonlyArray<string>> = new Map()
): ErrorContext => ({
  model: table,
  table,
  constraints: new Map([...indexes, [deps.docs.primaryKeyName(table), ["_id"]]]),
  fieldOfColumn: new Map([["id", "_id"]]),
  key: ["_id"],
  operation
})

/** A MongoDB-style index name (`a.b_1_c_-1`) back to its paths. */
export const pathsOfIndex = (name: string): ReadonlyArray<string> | undefined => {
  const parts = name.split("_")
  const paths: Array<string> = []
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i + 1] !== "1" && parts[i + 1] !== "-1") return undefined
    paths.push(parts[i]!)
  }
  return parts.length % 2 === 0 && paths.length > 0 ? paths : undefined
}

/**
 * Narrows a statement's errors to the document API's (a row or foreign key error cannot happen on
 * a document table: a defect), and names a unique index's paths from its MongoDB-style name.
 */
export const narrow = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, DocumentError, R> =>
  (effect as Effect.Effect<A, DocumentError | Errors.InvalidRow | Errors.ForeignKeyViolation, R>).pipe(
    Effect.catchTags({
      InvalidRow: (e) => Effect.die(e),
      ForeignKeyViolation: (e) => Effect.die(e),
      UniqueViolation: (e) => {
        if (e.fields.length === 1 && e.fields[0] !== "_id" && e.fields[0] !== "id") {
          const raw = e.fields[0]!.replace(/^index '(.*)'$/, "$1")
            .split("__")
            .pop()!
            .replace(/^df_ix_/, "")
          const paths = pathsOfIndex(raw) ?? pathsOfIndex(raw.replace(/_\d+$/, ""))
          if (paths !== undefined) return Effect.fail(new Errors.UniqueViolation({ model: e.model, fields: paths }))
        }
        return Effect.fail(
          e.fields.includes("id") ? new Errors.UniqueViolation({ model: e.model, fields: ["_id"] }) : e
        )
      }
    })
  )

/** Creates the table when `create` (else only inspects an existing one) and checks its columns, once per layer. */
export const ensureDocumentTable = (
  deps: Deps,
  table: string,
  ready: Set<string>,
  create = true
): Effect.Effect<void, DocumentError> =>
  Effect.suspend(() => {
    if (ready.has(table) && create) return Effect.void
    return Effect.gen(function* () {
      if (create) yield* deps.write({ sql: deps.docs.createTable(deps.sql.quote(table)), params: [] })
      const rows = yield* deps.query({ sql: deps.docs.columnsQuery, params: [table] })
      const columns = rows.map((r) => String(r["c"]))
      const other = columns.filter((c) => c !== "id" && c !== "doc" && !deps.docs.extraColumn(c))
      if (columns.length > 0 && (other.length > 0 || !columns.includes("id") || !columns.includes("doc"))) {
        return yield* new Errors.ValidationError({
          path: "collection",
          model: table,
          reason: "names a table that is not a document table (it has other columns); it is left unchanged"
        })
      }
      if (create) ready.add(table)
    }).pipe(narrow)
  })
