/**
 * PostgreSQL's JSON hooks of the document API (src/documents/SqlHooks.ts): `doc JSONB`, paths as
 * `->` chains (a digit segment an array index, a key an object key), elements through
 * `jsonb_array_elements`, strings compared under `COLLATE "C"` (code point order).
 *
 * @since 0.1.0
 */
import { type DocumentHooks, rankCase } from "../../documents/SqlHooks.js"

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`
const quote = (id: string) => `"${id.replace(/"/g, '""')}"`

const at = (doc: string, path: ReadonlyArray<string>) =>
  `(${doc}${path.map((s) => (/^\d+$/.test(s) ? ` -> ${s}` : ` -> ${lit(s)}`)).join("")})`

const element = (e: string) => ({
  isNull: `jsonb_typeof(${e}) = 'null'`,
  isTrue: `${e} = 'true'::jsonb`,
  isFalse: `${e} = 'false'::jsonb`,
  text: `(CASE WHEN jsonb_typeof(${e}) = 'string' THEN ${e} #>> '{}' END) COLLATE "C"`,
  number: `(CASE WHEN jsonb_typeof(${e}) = 'number' THEN (${e})::numeric END)`
})

/** The document hooks of PostgreSQL. */
export const postgresDocuments: DocumentHooks = {
  createTable: (table) =>
    `CREATE TABLE IF NOT EXISTS ${table} (id VARCHAR(255) COLLATE "C" PRIMARY KEY, doc JSONB NOT NULL)`,
  columnsQuery:
    "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
  extraColumn: () => false,
  value: at,
  anyElement: (doc, path, test) => {
    const v = at(doc, path)
    return (
      `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${v}) = 'array' THEN ${v} ` +
      `ELSE jsonb_build_array(${v}) END) AS df_e(e) WHERE ${test(element("df_e.e"))})`
    )
  },
  present: (doc, path) => `(${at(doc, path)} IS NOT NULL)`,
  arrayLength: (doc, path) => {
    const v = at(doc, path)
    return `(CASE WHEN jsonb_typeof(${v}) = 'array' THEN jsonb_array_length(${v}) END)`
  },
  regex: (text, param) => `${text} ~ ${param}`,
  sortParts: (doc, path) => {
    const v = at(doc, path)
    const e = element(v)
    return [
      rankCase(`jsonb_typeof(${v})`, {
        number: ["number"],
        string: ["string"],
        object: ["object"],
        array: ["array"],
        boolean: ["boolean"]
      }),
      e.number,
      e.text,
      `(CASE WHEN jsonb_typeof(${v}) = 'boolean' THEN (${v})::boolean END)`
    ]
  },
  docParam: (p) => `${p}::jsonb`,
  readDoc: (raw) => (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>,
  indexKey: (doc, path) => `NULLIF(${at(doc, path)}, 'null'::jsonb)`,
  createIndex: (table, name, keys, unique) => [
    `CREATE ${unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${quote(name)} ON ${table} ` +
      `(${keys.map((k) => `(${k.expr})${k.descending ? " DESC" : ""}`).join(", ")})`
  ],
  primaryKeyName: (table) => `${table}_pkey`
}
