/**
 * SQLite introspection: sqlite_master and the table_info / index_list pragmas.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type {
  Introspector,
  LiveColumn,
  LiveForeignKey,
  LiveKey,
  LiveTable,
  Query
} from "../../migrations/LiveSchema.js"
import { liveSearchTable, triggerSuffixes } from "./SearchTables.js"

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`

const isVirtual = (sql: string) => /^CREATE\s+VIRTUAL\s+TABLE\b/i.test(sql)

/**
 * The table's search indexes (its vec0 and FTS5 tables with their triggers) and its other triggers,
 * from the virtual tables and triggers in sqlite_master.
 */
const searchOf = (
  table: string,
  virtuals: ReadonlyArray<{ readonly name: string; readonly sql: string }>,
  triggerRows: ReadonlyArray<Record<string, unknown>>
) => {
  const triggers = new Map(
    triggerRows
      .filter((r) => String(r["tbl_name"]) === table)
      .map((r) => [String(r["name"]), String(r["sql"])] as const)
  )
  const searchIndexes = virtuals.flatMap((v) => liveSearchTable(quote, table, v.name, v.sql, triggers) ?? [])
  const owned = new Set(searchIndexes.flatMap((i) => triggerSuffixes.map((s) => `${i.name}${s}`)))
  const triggerSql = [...triggers].filter(([name]) => !owned.has(name)).map(([, sql]) => sql)
  return { searchIndexes, triggerSql }
}

/** `"status" TEXT NOT NULL CHECK ("status" IN ('a', 'b'))` inside the stored CREATE TABLE. */
const literalsIn = (sql: string, column: string): Array<string> | undefined => {
  const re = new RegExp(`CHECK \\("?${column}"? IN \\(((?:'(?:[^']|'')*'(?:, )?)+)\\)\\)`)
  const m = re.exec(sql)
  return m === null ? undefined : [...m[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'"))
}

interface PendingKey {
  name: string
  columns: Array<string>
  references: { table: string; columns: Array<string | null> }
  onUpdate: string
  onDelete: string
}

/** A table's foreign keys, their referenced columns unresolved (null: the parent's primary key). */
const foreignKeysOf = (query: Query, name: string) =>
  Effect.map(
    query(
      'SELECT id, "table" AS ref_table, "from" AS col, "to" AS ref_col, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
      [name]
    ),
    (foreign) => {
      const foreignKeys = new Map<string, PendingKey>()
      for (const f of foreign) {
        const id = `fk_${String(f["id"])}`
        let k = foreignKeys.get(id)
        if (k === undefined)
          foreignKeys.set(
            id,
            (k = {
              name: id,
              columns: [],
              references: { table: String(f["ref_table"]), columns: [] },
              onUpdate: String(f["on_update"]),
              onDelete: String(f["on_delete"])
            })
          )
        k.columns.push(String(f["col"]))
        k.references.columns.push(f["ref_col"] === null ? null : String(f["ref_col"]))
      }
      return [...foreignKeys.values()]
    }
  )

/** A table's unique keys and other indexes (the primary key's own index left out). */
const keysOf = (query: Query, name: string) =>
  Effect.gen(function* () {
    const list = yield* query('SELECT name, "unique" AS u, origin FROM pragma_index_list(?) ORDER BY name', [name])
    const unique: Array<LiveKey> = []
    const indexes: Array<LiveKey> = []
    for (const i of list) {
      const origin = String(i["origin"])
      if (origin === "pk") continue
      const cols = yield* query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [String(i["name"])])
      const key: LiveKey = {
        name: String(i["name"]),
        columns: cols.map((c) => String(c["name"])),
        constraint: origin === "u"
      }
      ;(Number(i["u"]) === 1 ? unique : indexes).push(key)
    }
    return { unique, indexes }
  })

/** One table as introspected, its foreign keys apart (resolved once every table is known). */
const tableOf = (query: Query, name: string, sql: string) =>
  Effect.gen(function* () {
    const info = yield* query('SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?) ORDER BY cid', [name])
    const primaryKey = info
      .filter((c) => Number(c["pk"]) > 0)
      .sort((a, b) => Number(a["pk"]) - Number(b["pk"]))
      .map((c) => String(c["name"]))
    const pending = yield* foreignKeysOf(query, name)
    const autoinc = /\bAUTOINCREMENT\b/i.test(sql)
    const columns: Array<LiveColumn> = info.map((c) => {
      const pk = Number(c["pk"]) > 0
      const lits = literalsIn(sql, String(c["name"]))
      return {
        name: String(c["name"]),
        type: String(c["type"]).toLowerCase(),
        nullable: !pk && Number(c["nn"]) === 0,
        primaryKey: pk,
        autoIncrement: pk && autoinc && String(c["type"]).toUpperCase() === "INTEGER",
        ...(lits !== undefined ? { literals: lits } : {})
      }
    })
    const { indexes, unique } = yield* keysOf(query, name)
    const indexSql = yield* query(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      [name]
    )
    // every foreign key on this table, its own too; `to` NULL: the primary key, which is never dropped
    const children = yield* query(
      'SELECT m.name AS child, f.id AS id, f."to" AS ref_col FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f ' +
        "WHERE m.type = 'table' AND f.\"table\" = ? ORDER BY m.name, f.id, f.seq",
      [name]
    )
    const referencing = new Map<string, { table: string; name: string; columns: Array<string> }>()
    for (const r of children) {
      if (r["ref_col"] === null) continue
      const id = `${String(r["child"])}\u0000${String(r["id"])}`
      const ref = referencing.get(id) ?? { table: String(r["child"]), name: `fk_${String(r["id"])}`, columns: [] }
      ref.columns.push(String(r["ref_col"]))
      referencing.set(id, ref)
    }
    const table: LiveTable = {
      name,
      columns,
      unique,
      indexes,
      primaryKey,
      sql,
      indexSql: indexSql.map((r) => String(r["sql"])),
      referencedBy: [...new Set(children.map((r) => String(r["child"])).filter((c) => c !== name))],
      ...(referencing.size > 0 ? { referencingKeys: [...referencing.values()] } : {})
    }
    return { table, pending }
  })

const triggersSql = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"

/** SQLite introspection. */
export const sqliteIntrospector: Introspector = {
  // declared precisions are not kept here: decimals and dates are stored as given
  decimalScale: () => undefined,
  fractionalDigits: () => undefined,
  // a column declared DATE keeps the text it is given, a time of day included
  keepsDayOnly: () => false,
  // our dates are TEXT here (and read as strings); a column declared DATETIME was written by someone
  // else, as text in SQLite's "YYYY-MM-DD HH:MM:SS" form: a Date, with no declared precision
  discoveredKind: (t) => (/^(timestamp|datetime|date)\b/.test(t) ? { kind: "date" } : undefined),
  normalizeType: (declared) => declared.trim().toLowerCase(),
  tables: (query, only) =>
    Effect.gen(function* () {
      const masters = yield* query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
      )
      // virtual tables (vec0, FTS5) and their shadow tables are not tables of a model
      const virtuals = masters
        .filter((m) => isVirtual(String(m["sql"])))
        .map((m) => ({ name: String(m["name"]), sql: String(m["sql"]) }))
      const shadow = (name: string) => virtuals.some((v) => name === v.name || name.startsWith(`${v.name}_`))
      const triggerRows = yield* query(triggersSql)
      const tables: Array<LiveTable> = []
      const pendingKeys = new Map<string, ReadonlyArray<PendingKey>>()
      for (const m of masters) {
        const name = String(m["name"])
        if ((only !== undefined && !only.includes(name)) || shadow(name)) continue
        const { pending, table } = yield* tableOf(query, name, String(m["sql"]))
        pendingKeys.set(name, pending)
        tables.push({ ...table, ...searchOf(name, virtuals, triggerRows) })
      }
      // `REFERENCES parent` without columns means the parent's primary key
      const keyOf = new Map(tables.map((t) => [t.name, t.primaryKey ?? []]))
      return tables.map((t): LiveTable => ({
        ...t,
        foreignKeys: (pendingKeys.get(t.name) ?? []).map((k): LiveForeignKey => ({
          name: k.name,
          columns: k.columns,
          onUpdate: k.onUpdate,
          onDelete: k.onDelete,
          references: {
            table: k.references.table,
            columns: k.references.columns.map((c, i) => c ?? keyOf.get(k.references.table)?.[i] ?? "")
          }
        }))
      }))
    })
}
