/**
 * PostgreSQL introspection: the current schema's tables from pg_catalog.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import {
  type Introspector,
  type LiveColumn,
  type LiveForeignKey,
  type LiveKey,
  type LiveSearchIndex,
  type LiveTable,
  referencesByTable,
  tablePartsMap
} from "../../migrations/LiveSchema.js"
import { liveSearchIndex, searchIndexesSql } from "./SearchIndexes.js"

const columnsSql = `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  NOT a.attnotnull AS nullable, a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) AS auto
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`

const indexesSql = `SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
  con.contype AS contype,
  array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS columns
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = t.oid AND con.contype IN ('u', 'p')
WHERE n.nspname = current_schema() AND ix.indpred IS NULL AND ix.indexprs IS NULL
  AND i.relam NOT IN (SELECT oid FROM pg_am WHERE amname IN ('hnsw', 'ivfflat'))
ORDER BY t.relname, i.relname`

// column lists as JSON arrays: a column name may hold a comma
const foreignKeysSql = `SELECT t.relname AS table_name, con.conname AS name, rt.relname AS ref_table,
  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord))::text AS columns,
  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord))::text AS ref_columns
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class rt ON rt.oid = con.confrelid
WHERE n.nspname = current_schema() AND con.contype = 'f'
ORDER BY t.relname, con.conname`

const checksSql = `SELECT t.relname AS table_name, pg_get_constraintdef(con.oid) AS def
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND con.contype = 'c'`

/** `CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))` → ["status", ["a", "b"]] */
const parseCheck = (def: string): readonly [string, Array<string>] | undefined => {
  const m = /^CHECK \(\(?"?([A-Za-z_][A-Za-z0-9_]*)"?\)? = ANY \(\(?ARRAY\[(.*)\]\)?(?:::text\[\])?\)\)$/.exec(def)
  if (m === null) return undefined
  const values = [...m[2]!.matchAll(/'((?:[^']|'')*)'::(?:text|character varying)/g)].map((v) =>
    v[1]!.replace(/''/g, "'")
  )
  return [m[1]!, values]
}

const typeNames: Record<string, string> = {
  varchar: "character varying",
  timestamptz: "timestamp with time zone",
  int: "integer"
}

const decimalScale = (type: string): number | undefined => {
  const m = /^(?:numeric|decimal)\s*\((\d+)\s*(?:,\s*(\d+))?\)/.exec(type)
  return m === null ? undefined : Number(m[2] ?? 0)
}

/** PostgreSQL introspection. */
export const postgresIntrospector: Introspector = {
  decimalScale,
  keepsDayOnly: (t) => t === "date",
  fractionalDigits: (t) => {
    const m = /^timestamp(?:\((\d+)\))?/.exec(t)
    return m === null ? undefined : Number(m[1] ?? 6)
  },
  // our own DDL writes dates as timestamptz (microseconds): a plain Date; pgvector's vector(n) a DataFlow.vector(n)
  discoveredKind: (t) => {
    if (t === "timestamp with time zone") return { kind: "date", timeZone: true }
    const v = /^vector\((\d+)\)$/.exec(t)
    return v !== null ? { kind: "vector", dimensions: Number(v[1]) } : undefined
  },
  normalizeType: (declared) => {
    const t = declared
      .replace(/\s+COLLATE\s+("[^"]*"|\S+)/i, "")
      .trim()
      .toLowerCase()
    const m = /^([a-z ]+?)(\(.*\))?$/.exec(t)
    if (m === null) return t
    // TIMESTAMPTZ(3) reads back as "timestamp(3) with time zone"
    if (m[1] === "timestamptz" && m[2] !== undefined) return `timestamp${m[2]} with time zone`
    return `${typeNames[m[1]!] ?? m[1]}${m[2] ?? ""}`
  },
  tables: (query, only) =>
    Effect.gen(function* () {
      const columns = yield* query(columnsSql)
      const indexes = yield* query(indexesSql)
      const checks = yield* query(checksSql)
      const foreign = yield* query(foreignKeysSql)
      const search = yield* query(searchIndexesSql)
      const { byTable, entry } = tablePartsMap()
      const literals = new Map<string, Array<string>>()
      for (const c of checks) {
        const parsed = parseCheck(String(c["def"]))
        if (parsed !== undefined) literals.set(`${c["table_name"]}.${parsed[0]}`, parsed[1])
      }
      const primary = new Set<string>()
      for (const i of indexes) {
        if (i["is_primary"] === true)
          for (const col of String(i["columns"]).split(",")) primary.add(`${i["table_name"]}.${col}`)
      }
      for (const c of columns) {
        const table = String(c["table_name"])
        const name = String(c["name"])
        const lits = literals.get(`${table}.${name}`)
        entry(table).columns.push({
          name,
          type: String(c["type"]),
          nullable: c["nullable"] === true,
          primaryKey: primary.has(`${table}.${name}`),
          autoIncrement: c["auto"] === true,
          ...(lits !== undefined ? { literals: lits } : {})
        })
      }
      for (const f of foreign) {
        entry(String(f["table_name"])).foreignKeys.push({
          name: String(f["name"]),
          columns: JSON.parse(String(f["columns"])) as Array<string>,
          references: { table: String(f["ref_table"]), columns: JSON.parse(String(f["ref_columns"])) as Array<string> }
        })
      }
      for (const i of indexes) {
        if (i["is_primary"] === true) {
          entry(String(i["table_name"])).primaryKey.push(...String(i["columns"]).split(","))
          continue
        }
        const key: LiveKey = {
          name: String(i["name"]),
          columns: String(i["columns"]).split(","),
          constraint: i["contype"] === "u"
        }
        const e = entry(String(i["table_name"]))
        if (i["is_unique"] === true) e.unique.push(key)
        else e.indexes.push(key)
      }
      const searchOf = new Map<string, Array<LiveSearchIndex>>()
      for (const r of search) {
        const t = String(r["table_name"])
        searchOf.set(t, [...(searchOf.get(t) ?? []), liveSearchIndex(r)])
      }
      const referencing = referencesByTable(byTable)
      const tables: Array<LiveTable> = []
      for (const [name, e] of byTable) {
        const refs = referencing.get(name)
        if (only === undefined || only.includes(name))
          tables.push({
            name,
            ...e,
            searchIndexes: searchOf.get(name) ?? [],
            ...(refs ? { referencingKeys: refs } : {})
          })
      }
      return tables
    })
}
