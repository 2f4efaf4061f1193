/**
 * SQLite's JSON1 hooks of the document API (src/documents/SqlHooks.ts): `doc TEXT` holding JSON,
 * paths as `$."key"[0]`, elements through `json_each`, text compared by SQLite's BINARY collation
 * (UTF-8 bytes: code point order).
 *
 * @since 0.1.0
 */
import { type DocumentHooks, dollarPath as sqlitePath, rankCase } from "../../documents/SqlHooks.js"

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`

const element = (t: string, v: string) => ({
  isNull: `(${t} IS NULL OR ${t} = 'null')`,
  isTrue: `${t} = 'true'`,
  isFalse: `${t} = 'false'`,
  text: `(CASE WHEN ${t} = 'text' THEN ${v} END)`,
  number: `(CASE WHEN ${t} IN ('integer', 'real') THEN ${v} END)`
})

/** The document hooks of SQLite. */
export const sqliteDocuments: DocumentHooks = {
  createTable: (table) =>
    `CREATE TABLE IF NOT EXISTS ${table} (id TEXT NOT NULL PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)))`,
  columnsQuery: "SELECT name AS c FROM pragma_table_info(?)",
  extraColumn: () => false,
  value: (doc, path) => `json_extract(${doc}, ${sqlitePath(path)})`,
  anyElement: (doc, path, test) => {
    const p = sqlitePath(path)
    const type = `json_type(${doc}, ${p})`
    return (
      `EXISTS (SELECT 1 FROM (SELECT ${type} AS t, json_extract(${doc}, ${p}) AS v WHERE ${type} IS NOT 'array' ` +
      `UNION ALL SELECT type, value FROM json_each(${doc}, ${p}) WHERE ${type} = 'array') AS df_e ` +
      `WHERE ${test(element("df_e.t", "df_e.v"))})`
    )
  },
  present: (doc, path) => `(json_type(${doc}, ${sqlitePath(path)}) IS NOT NULL)`,
  arrayLength: (doc, path) =>
    `(CASE WHEN json_type(${doc}, ${sqlitePath(path)}) = 'array' THEN json_array_length(${doc}, ${sqlitePath(path)}) END)`,
  regex: (text, param) => `${text} REGEXP ${param}`,
  sortParts: (doc, path) => {
    const t = `json_type(${doc}, ${sqlitePath(path)})`
    const e = element(t, `json_extract(${doc}, ${sqlitePath(path)})`)
    return [
      rankCase(t, {
        number: ["integer", "real"],
        string: ["text"],
        object: ["object"],
        array: ["array"],
        boolean: ["true", "false"]
      }),
      e.number,
      e.text,
      `(CASE ${t} WHEN 'false' THEN 0 WHEN 'true' THEN 1 END)`
    ]
  },
  docParam: (p) => p,
  readDoc: (raw) => JSON.parse(String(raw)) as Record<string, unknown>,
  indexKey: (doc, path) => `json_extract(${doc}, ${sqlitePath(path)})`,
  createIndex: (table, name, keys, unique) => [
    `CREATE ${unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${quote(name)} ON ${table} ` +
      `(${keys.map((k) => `${k.expr}${k.descending ? " DESC" : ""}`).join(", ")})`
  ],
  primaryKeyName: () => "id"
}
