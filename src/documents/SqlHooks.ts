/**
 * What one SQL database supplies to the one document compiler (src/documents/SqlFilter.ts,
 * src/documents/SqlCollection.ts): its JSON functions, as small hooks. Each dialect's live in
 * src/dialects/<db>/Documents.ts. Paths come checked (no quote, backslash or NUL in a segment) and
 * are written into the SQL as literals, so that an expression index matches the query's expression.
 *
 * @since 0.1.0
 */

/** One element a filter test looks at: SQL expressions over it (NULL where the type differs). */
export interface Element {
  /** The element is JSON null (or absent). */
  readonly isNull: string
  /** The element is the JSON boolean `true` / `false`. */
  readonly isTrue: string
  readonly isFalse: string
  /** The element's text when it is a JSON string, under a binary (code point) collation; else NULL. */
  readonly text: string
  /** The element's number when it is a JSON number; else NULL. */
  readonly number: string
}

/** The JSON hooks of one database. */
export interface DocumentHooks {
  /** The DDL of a collection's table (a quoted name): `id` primary key and `doc`. */
  readonly createTable: (table: string) => string
  /** A query listing the table's columns as rows with one column `c` (the table's name bound as the only parameter). */
  readonly columnsQuery: string
  /** Extra columns a document table may have (MariaDB's generated index columns). */
  readonly extraColumn: (name: string) => boolean
  /** The SQL of the JSON value at `path` of the JSON column `doc` (NULL when absent). */
  readonly value: (doc: string, path: ReadonlyArray<string>) => string
  /**
   * True when some element passes `test`: the value at `path` itself when it is not an array, else
   * each of its elements (one level, as MongoDB). An absent value is one JSON null element.
   */
  readonly anyElement: (doc: string, path: ReadonlyArray<string>, test: (e: Element) => string) => string
  /** The value at `path` is present (JSON null included). */
  readonly present: (doc: string, path: ReadonlyArray<string>) => string
  /** The length of the array at `path`; NULL when it is not an array. */
  readonly arrayLength: (doc: string, path: ReadonlyArray<string>) => string
  /** `text` matches the bound portable pattern `param` (src/query/Regex.ts). */
  readonly regex: (text: string, param: string) => string
  /** ORDER BY expressions of a path, in MongoDB's type order: type rank, number, text, boolean. */
  readonly sortParts: (doc: string, path: ReadonlyArray<string>) => ReadonlyArray<string>
  /** The placeholder of a bound document's JSON text as the column's type. */
  readonly docParam: (placeholder: string) => string
  /** The `doc` column as the driver returns it, parsed. */
  readonly readDoc: (raw: unknown) => Record<string, unknown>
  /** An index's key expression of a path (for CREATE INDEX). */
  readonly indexKey: (doc: string, path: ReadonlyArray<string>) => string
  /**
   * The statements creating an index over key expressions (`unique`), idempotent. MariaDB adds
   * generated columns (named `df_ix_<index>_<n>`) and indexes them.
   */
  readonly createIndex: (
    table: string,
    name: string,
    keys: ReadonlyArray<{ readonly expr: string; readonly descending: boolean }>,
    unique: boolean
  ) => ReadonlyArray<string>
  /** The constraint or index name the driver reports for a duplicate `_id`. */
  readonly primaryKeyName: (table: string) => string
}

/** ORDER BY rank of MongoDB's type order: null/missing 1, numbers 2, strings 3, objects 4, arrays 5, booleans 6. */
export const rankCase = (
  typeExpr: string,
  names: Record<"number" | "string" | "object" | "array" | "boolean", ReadonlyArray<string>>
): string => {
  const ranks = [names.number, names.string, names.object, names.array, names.boolean]
  const whens = ranks.flatMap((types, i) => types.map((t) => `WHEN '${t}' THEN ${[2, 3, 4, 5, 6][i]}`))
  return `CASE ${typeExpr} ${whens.join(" ")} ELSE 1 END`
}

/** The JSON path literal (`'$."key"[0]'`) of checked segments (SQLite and MariaDB/MySQL). */
export const dollarPath = (path: ReadonlyArray<string>): string =>
  `'$${path.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s.replace(/'/g, "''")}"`)).join("")}'`
