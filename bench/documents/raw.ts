/**
 * The raw side: the JSON SQL a user writes by hand on the driver at its fastest (prepared
 * statements), over the same table: PostgreSQL `doc->>'status' = $1` on JSONB, MariaDB
 * `JSON_VALUE(doc, '$.status') = ?` (MariaDB has no `->>`), SQLite `doc ->> '$.status' = ?` (JSON1).
 * Rows come back as `{ _id, ...doc }`, as the document API returns them.
 */
import Sqlite from "better-sqlite3"
import mysql from "mysql2/promise"
import pg from "pg"
import { connection, type DialectName } from "../config.js"
import { chosenStatus, collectionName as t, type Doc, type DocOps, findLimit } from "./ops.js"

const body = (doc: Doc) => {
  const { _id: _, ...rest } = doc
  return JSON.stringify(rest)
}
const asDoc = (id: unknown, doc: unknown) => ({
  _id: id,
  ...((typeof doc === "string" ? JSON.parse(doc) : doc) as object)
})

const postgres = async (): Promise<DocOps> => {
  const pool = new pg.Pool({ connectionString: connection.pgUrl, max: 4 })
  const q = (name: string, text: string, values: Array<unknown>) => pool.query({ name, text, values })
  return {
    insertOne: (doc) => q("d_ins", `INSERT INTO ${t} (id, doc) VALUES ($1, $2::jsonb)`, [doc._id, body(doc)]),
    find: async () =>
      (
        await q("d_find", `SELECT id, doc FROM ${t} WHERE doc->>'status' = $1 ORDER BY id LIMIT $2`, [
          chosenStatus,
          findLimit
        ])
      ).rows.map((r) => asDoc(r.id, r.doc)),
    updateOne: (id, n) =>
      q("d_upd", `UPDATE ${t} SET doc = jsonb_set(doc, '{n}', to_jsonb($2::int)) WHERE id = $1`, [id, n]),
    count: async () =>
      Number(
        (await q("d_count", `SELECT COUNT(*) AS n FROM ${t} WHERE doc->>'status' = $1`, [chosenStatus])).rows[0].n
      ),
    aggregate: async () =>
      (
        await q(
          "d_agg",
          `SELECT doc->>'category' AS _id, SUM((doc->>'amount')::numeric) AS total FROM ${t} WHERE doc->>'status' = $1 GROUP BY 1 ORDER BY 1`,
          [chosenStatus]
        )
      ).rows.map((r) => ({ _id: r._id, total: Number(r.total) })),
    close: () => pool.end()
  }
}

const mariadb = async (): Promise<DocOps> => {
  const { host, port, user, password, database } = connection.mysql
  const pool = mysql.createPool({ host, port, user, ...(password ? { password } : {}), database, connectionLimit: 4 })
  const rows = async (sql: string, values: Array<unknown>) =>
    (await pool.execute(sql, values as Array<string | number>))[0] as Array<Record<string, unknown>>
  const status = "JSON_VALUE(doc, '$.status')"
  return {
    insertOne: (doc) => pool.execute(`INSERT INTO ${t} (id, doc) VALUES (?, ?)`, [doc._id, body(doc)]),
    find: async () =>
      (await rows(`SELECT id, doc FROM ${t} WHERE ${status} = ? ORDER BY id LIMIT ${findLimit}`, [chosenStatus])).map(
        (r) => asDoc(r["id"], r["doc"])
      ),
    updateOne: (id, n) => pool.execute(`UPDATE ${t} SET doc = JSON_SET(doc, '$.n', ?) WHERE id = ?`, [n, id]),
    count: async () =>
      Number((await rows(`SELECT COUNT(*) AS n FROM ${t} WHERE ${status} = ?`, [chosenStatus]))[0]!["n"]),
    aggregate: async () =>
      (
        await rows(
          `SELECT JSON_VALUE(doc, '$.category') AS _id, SUM(JSON_VALUE(doc, '$.amount')) AS total FROM ${t} WHERE ${status} = ? GROUP BY 1 ORDER BY 1`,
          [chosenStatus]
        )
      ).map((r) => ({ _id: r["_id"], total: Number(r["total"]) })),
    close: () => pool.end()
  }
}

const sqlite = async (): Promise<DocOps> => {
  const db = new Sqlite(connection.sqliteFile)
  db.pragma("journal_mode = WAL")
  db.pragma("busy_timeout = 10000")
  const ins = db.prepare(`INSERT INTO ${t} (id, doc) VALUES (?, ?)`)
  const find = db.prepare(`SELECT id, doc FROM ${t} WHERE doc ->> '$.status' = ? ORDER BY id LIMIT ${findLimit}`)
  const upd = db.prepare(`UPDATE ${t} SET doc = json_set(doc, '$.n', ?) WHERE id = ?`)
  const count = db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE doc ->> '$.status' = ?`)
  const agg = db.prepare(
    `SELECT doc ->> '$.category' AS _id, SUM(doc ->> '$.amount') AS total FROM ${t} WHERE doc ->> '$.status' = ? GROUP BY 1 ORDER BY 1`
  )
  return {
    insertOne: async (doc) => ins.run(doc._id, body(doc)),
    find: async () => (find.all(chosenStatus) as Array<{ id: string; doc: string }>).map((r) => asDoc(r.id, r.doc)),
    updateOne: async (id, n) => upd.run(n, id),
    count: async () => (count.get(chosenStatus) as { n: number }).n,
    aggregate: async () => agg.all(chosenStatus) as Array<{ _id: string; total: number }>,
    close: async () => void db.close()
  }
}

/** The raw driver's hand-written JSON SQL over the collection's table (which must exist). */
export const openRaw = (dialect: DialectName): Promise<DocOps> =>
  dialect === "postgres" ? postgres() : dialect === "mysql" ? mariadb() : sqlite()
