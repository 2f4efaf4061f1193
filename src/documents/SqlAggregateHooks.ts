/**
 * What one SQL database supplies to the pipeline compiler (src/documents/SqlPipeline.ts) beyond its
 * document hooks (src/documents/SqlHooks.ts): building JSON values. A "JSON expression" is the
 * dialect's JSON value (PostgreSQL `jsonb`, MariaDB/MySQL JSON text, SQLite JSON text); SQL NULL
 * means absent. Each dialect's live in src/dialects/<db>/DocumentAggregates.ts.
 *
 * @since 0.1.0
 */

/** One entry of a built JSON object. */
export interface ObjectEntry {
  readonly key: string
  /** A JSON expression, or an SQL number when `number`. */
  readonly value: string
  readonly number?: boolean
  /** Left out when the value is SQL NULL (else it becomes JSON null). */
  readonly optional?: boolean
}

/** The JSON-building hooks of one database. */
export interface AggregateHooks {
  /** A table row's `doc` with `_id` (the `id` column) added. */
  readonly withId: (doc: string, id: string) => string
  /** The JSON expression at `path` of a JSON document expression; NULL when absent (JSON null stays JSON null). */
  readonly at: (doc: string, path: ReadonlyArray<string>) => string
  /** A JSON object of entries (keys checked: no quote, backslash or NUL). */
  readonly object: (entries: ReadonlyArray<ObjectEntry>) => string
  /** The document without the object keys at `paths` (no digit segments). */
  readonly remove: (doc: string, paths: ReadonlyArray<ReadonlyArray<string>>) => string
  /** The document with `path` set to the JSON expression `value`. */
  readonly set: (doc: string, path: ReadonlyArray<string>, value: string) => string
  /** Aggregate: the JSON array of the non-NULL JSON expressions `value`, in the order of `order`. */
  readonly arrayAgg: (value: string, order: string) => string
  /** A JSON constant (its JSON text, written into the SQL as a literal). */
  readonly literal: (json: string) => string
  /** A number constant as an SQL number (integers stay integers, others double precision). */
  readonly numberLiteral: (n: number) => string
  /** The double-precision (SQLite: integer or real) number at `path` when it is a JSON number; else NULL. */
  readonly number: (doc: string, path: ReadonlyArray<string>) => string
  /** The canonical JSON text of the object or array at `path`; else NULL (a part of a `$group` key). */
  readonly composite: (doc: string, path: ReadonlyArray<string>) => string
  /** FROM fragment joining each element of the JSON array expression `list` (alias `df_u`): its value and index. */
  readonly elements: (list: string) => { readonly from: string; readonly value: string; readonly index: string }
}

/** A JSON object key or path segment as an SQL string literal's content (checked segments; `'` doubled). */
export const segment = (s: string): string => s.replace(/'/g, "''")
