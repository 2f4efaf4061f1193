/**
 * SQLite introspection: sqlite_master and the table_info / index_list pragmas.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Introspector, LiveColumn, LiveKey, LiveTable } from "../../migrations/LiveSchema.js"

/** `"status" TEXT NOT NULL CHECK ("status" IN ('a', 'b'))` inside the stored CREATE TABLE. */
const literalsIn = (sql: string, column: string): Array<string> | undefined => {
  const re = new RegExp(`CHECK \\("?${column}"? IN \\(((?:'(?:[^']|'')*'(?:, )?)+)\\)\\)`)
  const m = re.exec(sql)
  return m === null ? undefined : [...m[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'"))
}

/** SQLite introspection. */
export const sqliteIntrospector: Introspector = {
  // declared precisions are not kept here: decimals and dates are stored as given
  decimalScale: () => undefined,
  fractionalDigits: () => undefined,
  // our dates are ISO text here: a column declared as a date holds strings
  discoveredKind: (t) => (/^(timestamp|datetime|date)\b/.test(t) ? { kind: "string" } : undefined),
  normalizeType: (declared) => declared.trim().toLowerCase(),
  tables: (query, only) =>
    Effect.gen(function*() {
      const masters = yield* query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
      )
      const tables: Array<LiveTable> = []
      for (const m of masters) {
        const name = String(m["name"])
        if (only !== undefined && !only.includes(name)) continue
        const sql = String(m["sql"])
        const info = yield* query("SELECT name, type, \"notnull\" AS nn, pk FROM pragma_table_info(?) ORDER BY cid", [name])
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
        const list = yield* query("SELECT name, \"unique\" AS u, origin FROM pragma_index_list(?) ORDER BY name", [name])
        const unique: Array<LiveKey> = []
        const indexes: Array<LiveKey> = []
        for (const i of list) {
          const origin = String(i["origin"])
          if (origin === "pk") continue
          const cols = yield* query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [String(i["name"])])
          const key: LiveKey = { name: String(i["name"]), columns: cols.map((c) => String(c["name"])), constraint: origin === "u" }
          ;(Number(i["u"]) === 1 ? unique : indexes).push(key)
        }
        const indexSql = yield* query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [name])
        const fkRows = yield* query("SELECT id, \"table\" AS ref_table, \"from\" AS col, \"to\" AS ref_col, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", [name])
        const foreignKeys = new Map<number, { name: string; columns: Array<string>; refTable: string; refColumns: Array<string>; onUpdate: string; onDelete: string }>()
        for (const f of fkRows) {
          const id = Number(f["id"])
          let k = foreignKeys.get(id)
          if (k === undefined) foreignKeys.set(id, k = {
            name: `fk_${name}_${id}`,
            columns: [],
            refTable: String(f["ref_table"]),
            refColumns: [],
            onUpdate: String(f["on_update"]),
            onDelete: String(f["on_delete"])
          })
          k.columns.push(String(f["col"]))
          k.refColumns.push(f["ref_col"] === null ? "" : String(f["ref_col"]))
        }
        tables.push({ name, columns, unique, indexes, foreignKeys: [...foreignKeys.values()], sql, indexSql: indexSql.map((r) => String(r["sql"])) })
      }
      return tables
    })
}
