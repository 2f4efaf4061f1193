/**
 * MySQL/MariaDB introspection: the current database's tables from information_schema.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import {
  type Introspector,
  type LiveColumn,
  type LiveForeignKey,
  type LiveKey,
  type LiveTable,
  referencesByTable,
  tablePartsMap
} from "../../migrations/LiveSchema.js"

const columnsSql = `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS type, DATA_TYPE AS data_type,
  IS_NULLABLE AS nullable, COLUMN_KEY AS column_key, EXTRA AS extra, COLLATION_NAME AS collation
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`

const indexesSql = `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`

const foreignKeysSql = `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, COLUMN_NAME AS col,
  REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_col
FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`

// MariaDB stores JSON as LONGTEXT with CHECK (json_valid(col)); literal unions as CHECK (col in (...))
const checksSql = `SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS clause
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v))

const decimalScale = (type: string): number | undefined => {
  const m = /^(?:numeric|decimal)\s*\((\d+)\s*(?:,\s*(\d+))?\)/.exec(type)
  return m === null ? undefined : Number(m[2] ?? 0)
}

/** Columns (`table.column`) whose CHECK makes them JSON (json_valid) or a literal union (IN (…)). */
const checkedColumns = (checks: ReadonlyArray<Record<string, unknown>>) => {
  const json = new Set<string>()
  const literals = new Map<string, Array<string>>()
  for (const c of checks) {
    const clause = text(c["clause"])
    const j = /^json_valid\(`([^`]+)`\)$/i.exec(clause)
    if (j !== null) json.add(`${text(c["table_name"])}.${j[1]}`)
    const l = /^`([^`]+)` in \((.*)\)$/i.exec(clause)
    if (l !== null) {
      literals.set(
        `${text(c["table_name"])}.${l[1]}`,
        [...l[2]!.matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map((v) => v[1]!.replace(/''/g, "'").replace(/\\(.)/g, "$1"))
      )
    }
  }
  return { json, literals }
}

/** MySQL/MariaDB introspection. */
export const mysqlIntrospector: Introspector = {
  decimalScale,
  keepsDayOnly: (t) => t === "date",
  fractionalDigits: (t) => {
    const m = /^(?:datetime|timestamp)(?:\((\d+)\))?/.exec(t)
    return m === null ? undefined : Number(m[1] ?? 0)
  },
  // tinyint(1), char(36), datetime(6) and decimal(65,30) are how our own DDL writes booleans, UUIDs,
  // dates and decimals here; varchar(255) is our keyed string without a declared bound
  discoveredKind: (t) =>
    t === "tinyint(1)"
      ? { kind: "boolean" }
      : t === "char(36)"
        ? { kind: "uuid" }
        : t === "datetime(6)"
          ? { kind: "date" }
          : t === "decimal(65,30)"
            ? { kind: "decimal" }
            : /^(character varying|varchar)\(255\)/.test(t)
              ? { kind: "string" }
              : /^timestamp\b/.test(t)
                ? // TIMESTAMP is stored in UTC and read in the session's zone: an instant
                  { kind: "date", precision: Number(/\((\d+)\)/.exec(t)?.[1] ?? 0), timeZone: true }
                : undefined,
  normalizeType: (declared) =>
    declared
      .trim()
      .toLowerCase()
      .replace(/^(smallint|mediumint|int|integer|bigint)\(\d+\)/, "$1")
      .replace(/^integer\b/, "int")
      .replace(/\s+unsigned$/, " unsigned")
      .replace(/^datetime\(0\)$/, "datetime"),
  tables: (query, only) =>
    Effect.gen(function* () {
      const columns = yield* query(columnsSql)
      const indexes = yield* query(indexesSql)
      const checks = yield* query(checksSql)
      const foreign = yield* query(foreignKeysSql)
      const { json, literals } = checkedColumns(checks)
      const { byTable, entry } = tablePartsMap()
      for (const c of columns) {
        const table = text(c["table_name"])
        const name = text(c["name"])
        const isJson = json.has(`${table}.${name}`) || text(c["data_type"]).toLowerCase() === "json"
        const lits = literals.get(`${table}.${name}`)
        entry(table).columns.push({
          name,
          type: isJson ? "json" : mysqlIntrospector.normalizeType(text(c["type"])),
          nullable: text(c["nullable"]) === "YES",
          primaryKey: text(c["column_key"]) === "PRI",
          autoIncrement: /auto_increment/i.test(text(c["extra"])),
          ...(isJson ? { json: true } : {}),
          ...(c["collation"] !== null && c["collation"] !== undefined ? { collation: text(c["collation"]) } : {}),
          ...(lits !== undefined ? { literals: lits } : {})
        })
      }
      const keys = new Map<string, { table: string; name: string; unique: boolean; columns: Array<string> }>()
      for (const i of indexes) {
        const table = text(i["table_name"])
        const name = text(i["name"])
        if (name === "PRIMARY") {
          entry(table).primaryKey.push(text(i["col"]))
          continue
        }
        const id = `${table}\u0000${name}`
        let k = keys.get(id)
        if (k === undefined) keys.set(id, (k = { table, name, unique: Number(i["non_unique"]) === 0, columns: [] }))
        k.columns.push(text(i["col"]))
      }
      const fks = new Map<
        string,
        { table: string; name: string; columns: Array<string>; refTable: string; refColumns: Array<string> }
      >()
      for (const f of foreign) {
        const table = text(f["table_name"])
        const id = `${table}\u0000${text(f["name"])}`
        let k = fks.get(id)
        if (k === undefined)
          fks.set(
            id,
            (k = { table, name: text(f["name"]), columns: [], refTable: text(f["ref_table"]), refColumns: [] })
          )
        k.columns.push(text(f["col"]))
        k.refColumns.push(text(f["ref_col"]))
      }
      for (const k of fks.values()) {
        entry(k.table).foreignKeys.push({
          name: k.name,
          columns: k.columns,
          references: { table: k.refTable, columns: k.refColumns }
        })
      }
      for (const k of keys.values()) {
        const e = entry(k.table)
        ;(k.unique ? e.unique : e.indexes).push({ name: k.name, columns: k.columns })
      }
      const referencing = referencesByTable(byTable)
      const tables: Array<LiveTable> = []
      for (const [name, e] of byTable) {
        const refs = referencing.get(name)
        if (only === undefined || only.includes(name))
          tables.push({ name, ...e, ...(refs ? { referencingKeys: refs } : {}) })
      }
      return tables
    })
}
