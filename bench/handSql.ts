/**
 * Hand-written SQL for the raw drivers: the same statements for every raw contender of a dialect,
 * every value bound as a parameter (as ours binds them).
 */
import type { DialectName } from "./config.js"
import { boolFor, nowFor } from "./contender.js"
import { bulkTable, columns, type ItemInput, itemsTable, listLimit, selectColumns } from "./model.js"

const updatable = ["name", "email", "age", "active", "score", "updated_at"] as const

export const handSql = (dialect: DialectName) => {
  const ph = dialect === "postgres" ? (i: number) => `$${i}` : () => "?"
  const width = columns.length
  const tuple = (from: number) => `(${columns.map((_, k) => ph(from + k)).join(", ")})`
  const tuples = (n: number) => Array.from({ length: n }, (_, r) => tuple(1 + r * width)).join(", ")
  const where = `active = ${ph(1)} AND age >= ${ph(2)} AND age < ${ph(3)}`
  const upsertTail =
    dialect === "mysql"
      ? ` ON DUPLICATE KEY UPDATE ${updatable.map((c) => `${c} = VALUES(${c})`).join(", ")}`
      : ` ON CONFLICT (id) DO UPDATE SET ${updatable.map((c) => `${c} = excluded.${c}`).join(", ")}`
  const bool = (b: boolean) => boolFor(dialect, b)
  return {
    read: `SELECT ${selectColumns} FROM ${itemsTable} WHERE id = ${ph(1)}`,
    listPage: `SELECT ${selectColumns} FROM ${itemsTable} WHERE ${where} ORDER BY age, id LIMIT ${listLimit}`,
    listCount: `SELECT COUNT(*) AS n FROM ${itemsTable} WHERE ${where}`,
    listParams: [bool(true), 40, 42] as ReadonlyArray<unknown>,
    insert: `INSERT INTO ${itemsTable} (${selectColumns}) VALUES ${tuple(1)}`,
    update: `UPDATE ${itemsTable} SET score = ${ph(1)}, updated_at = ${ph(2)} WHERE id = ${ph(3)}`,
    insertMany: (n: number) => `INSERT INTO ${bulkTable} (${selectColumns}) VALUES ${tuples(n)}`,
    upsertMany: (n: number) => `INSERT INTO ${bulkTable} (${selectColumns}) VALUES ${tuples(n)}${upsertTail}`,
    bulkUpdate: `UPDATE ${bulkTable} SET score = ${ph(1)}, updated_at = ${ph(2)} WHERE age >= ${ph(3)} AND age < ${ph(4)}`,
    bulkUpdateParams: (score: number): Array<unknown> => [score, nowFor(dialect), 40, 50],
    /** A row's parameters in column order, stamped `now`. */
    values: (row: ItemInput, now: unknown): Array<unknown> => [
      row.id,
      row.name,
      row.email,
      row.age,
      bool(row.active),
      row.score,
      now,
      now
    ],
    /** Many rows' parameters, flat. */
    flatValues: (rows: ReadonlyArray<ItemInput>, now: unknown): Array<unknown> => {
      const out = new Array<unknown>(rows.length * width)
      let k = 0
      for (const r of rows) {
        out[k++] = r.id
        out[k++] = r.name
        out[k++] = r.email
        out[k++] = r.age
        out[k++] = bool(r.active)
        out[k++] = r.score
        out[k++] = now
        out[k++] = now
      }
      return out
    }
  }
}

export type HandSql = ReturnType<typeof handSql>
