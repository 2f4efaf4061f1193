/**
 * The columns and bound parameters of inserts of validated inputs.
 *
 * @since 0.1.0
 */
import type { Field } from "../../model/Field.js"
import type { ModelInfo } from "../../model/Model.js"
import { encodeValue } from "../Codec.js"
import { type Compiled, insertSql } from "../Compiler.js"
import type { Dialect } from "../Dialect.js"
import { planned } from "./Plans.js"

/** The columns an insert writes: every column any row mentions, plus the timestamps. */
export const insertColumns = (model: ModelInfo, rows: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<Field> => {
  const seen = new Set<string>()
  if (model.createdAt !== undefined) seen.add("created_at").add("updated_at")
  if (model.idKind === "uuid") seen.add("id")
  for (const row of rows) for (const key in row) if (row[key] !== undefined) seen.add(key)
  return model.columns.filter((c) => seen.has(c.name))
}

/**
 * Bound parameters of a multi-row insert of validated inputs, row by row, without copying rows:
 * the timestamps are `now` (encoded once), a missing UUID id is generated.
 */
export const encodeInserts = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>,
  now: Date
): Array<unknown> => {
  const stamp = model.createdAt === undefined ? undefined : encodeValue(d.codec, model.createdAt, now)
  const out = new Array<unknown>(rows.length * columns.length)
  let i = 0
  for (const row of rows) {
    for (const c of columns) {
      const name = c.name
      out[i++] =
        name === "created_at" || name === "updated_at"
          ? stamp
          : name === "id" && model.idKind === "uuid" && row["id"] === undefined
            ? crypto.randomUUID()
            : encodeValue(d.codec, c, row[name])
    }
  }
  return out
}

/** The same values column by column (one array parameter per column, for columnar inserts). */
export const encodeInsertColumns = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  rows: ReadonlyArray<Record<string, unknown>>,
  now: Date
): Array<Array<unknown>> => {
  const flat = encodeInserts(d, model, columns, rows, now)
  const width = columns.length
  return columns.map((_, c) => {
    const col = new Array<unknown>(rows.length)
    for (let r = 0; r < rows.length; r++) col[r] = flat[r * width + c]
    return col
  })
}

/** Fills a validated create input: generated UUID, timestamps. */
export const prepareInsert = (model: ModelInfo, input: Record<string, unknown>, now: Date): Record<string, unknown> => {
  const row: Record<string, unknown> =
    model.createdAt === undefined ? { ...input } : { ...input, created_at: now, updated_at: now }
  if (model.idKind === "uuid" && row["id"] === undefined) row["id"] = crypto.randomUUID()
  return row
}

/**
 * One batch's INSERT (columnar where the dialect takes one array per column, else multi-row VALUES)
 * followed by `suffix` (a conflict clause). The text depends only on the columns, the row count
 * (multi-row only) and the suffix: compiled once per shape; only the parameters change.
 */
export const batchInsert = (
  d: Dialect,
  model: ModelInfo,
  columns: ReadonlyArray<Field>,
  batch: ReadonlyArray<Record<string, unknown>>,
  suffix: string,
  now: Date
): Compiled => {
  const names = columns.map((c) => c.name).join(",")
  return d.insertColumnar !== undefined
    ? {
        sql: planned(d, model, `insert:${names}:columnar:${suffix}`, () => d.insertColumnar!(model, columns, suffix)),
        params: encodeInsertColumns(d, model, columns, batch, now)
      }
    : {
        sql: planned(d, model, `insert:${names}:${batch.length}:${suffix}`, () =>
          insertSql(d, model, columns, batch.length, suffix, false)
        ),
        params: encodeInserts(d, model, columns, batch, now)
      }
}
