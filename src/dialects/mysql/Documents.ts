/**
 * MariaDB/MySQL's JSON hooks of the document API (src/documents/SqlHooks.ts): `doc JSON` (LONGTEXT
 * checked by JSON_VALID on MariaDB), paths as `$."key"[0]`, elements through `JSON_TABLE`, text
 * under the server's binary NO PAD collation (code point order, trailing spaces significant).
 * Indexes are generated columns `df_ix_<index>_<n>` over `JSON_EXTRACT`, indexed.
 *
 * @since 0.1.0
 */
import { type DocumentHooks, dollarPath as jsonPath, rankCase } from "../../documents/SqlHooks.js"

const quote = (id: string) => `\`${id.replace(/`/g, "``")}\``

/** The document hooks of MariaDB/MySQL for a server whose binary NO PAD collation is `collation`. */
export const makeMysqlDocuments = (collation: string): DocumentHooks => {
  const element = (e: string) => ({
    isNull: `(${e} IS NULL OR JSON_TYPE(${e}) = 'NULL')`,
    isTrue: `(JSON_TYPE(${e}) = 'BOOLEAN' AND ${e} = 'true')`,
    isFalse: `(JSON_TYPE(${e}) = 'BOOLEAN' AND ${e} = 'false')`,
    text: `CONVERT((CASE WHEN JSON_TYPE(${e}) = 'STRING' THEN JSON_UNQUOTE(${e}) END) USING utf8mb4) COLLATE ${collation}`,
    number: `(CASE WHEN JSON_TYPE(${e}) IN ('INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(${e} AS DOUBLE) END)`
  })
  const value = (doc: string, path: ReadonlyArray<string>) => `JSON_EXTRACT(${doc}, ${jsonPath(path)})`
  return {
    createTable: (table) =>
      `CREATE TABLE IF NOT EXISTS ${table} (id VARCHAR(255) NOT NULL PRIMARY KEY, doc JSON NOT NULL) ` +
      `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
    columnsQuery:
      "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    extraColumn: (name) => name.startsWith("df_ix_"),
    value,
    anyElement: (doc, path, test) => {
      const v = value(doc, path)
      const list = `(CASE WHEN JSON_TYPE(${v}) = 'ARRAY' THEN ${v} ELSE JSON_ARRAY(${v}) END)`
      return (
        `EXISTS (SELECT 1 FROM JSON_TABLE(${list}, '$[*]' COLUMNS (i FOR ORDINALITY)) AS df_e ` +
        `WHERE ${test(element(`JSON_EXTRACT(${list}, CONCAT('$[', df_e.i - 1, ']'))`))})`
      )
    },
    present: (doc, path) => `(${value(doc, path)} IS NOT NULL)`,
    arrayLength: (doc, path) =>
      `(CASE WHEN JSON_TYPE(${value(doc, path)}) = 'ARRAY' THEN JSON_LENGTH(${value(doc, path)}) END)`,
    regex: (text, param) => `${text} REGEXP ${param} COLLATE ${collation}`,
    sortParts: (doc, path) => {
      const v = value(doc, path)
      const e = element(v)
      return [
        rankCase(`JSON_TYPE(${v})`, {
          number: ["INTEGER", "DOUBLE", "DECIMAL"],
          string: ["STRING"],
          object: ["OBJECT"],
          array: ["ARRAY"],
          boolean: ["BOOLEAN"]
        }),
        e.number,
        e.text,
        `(CASE WHEN JSON_TYPE(${v}) = 'BOOLEAN' THEN ${v} = 'true' END)`
      ]
    },
    docParam: (p) => p,
    readDoc: (raw) =>
      (typeof raw === "string"
        ? JSON.parse(raw)
        : Buffer.isBuffer(raw)
          ? JSON.parse(raw.toString("utf8"))
          : raw) as Record<string, unknown>,
    indexKey: (doc, path) => `NULLIF(${value(doc, path)}, 'null')`,
    createIndex: (table, name, keys, unique) => {
      const columns = keys.map((_, n) => quote(`df_ix_${name}_${n}`.slice(0, 64)))
      return [
        `ALTER TABLE ${table} ${keys
          .map(
            (k, n) =>
              `ADD COLUMN IF NOT EXISTS ${columns[n]} VARCHAR(${Math.floor(768 / keys.length)}) AS (${k.expr}) VIRTUAL`
          )
          .join(", ")}`,
        `CREATE ${unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${quote(name)} ON ${table} ` +
          `(${columns.map((c, n) => `${c}${keys[n]!.descending ? " DESC" : ""}`).join(", ")})`
      ]
    },
    primaryKeyName: () => "PRIMARY"
  }
}
