/**
 * The SQL backend's bulk inserts: multi-row VALUES (or the dialect's columnar form) batched under the
 * parameter limit, COPY where the driver has it and no row may be skipped, and the dialect's skip clause.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, BulkInsertOptions, Row } from "../../backend/Backend.js"
import type { ModelInfo } from "../../model/Model.js"
import { rowsPerStatement } from "../Compiler.js"
import { contextOf } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { batchInsert, encodeInserts, insertColumns } from "./Inserts.js"
import { planned } from "./Plans.js"

/** MySQL's info line's count of rows that met an existing row. */
export const duplicatesOf = (info: string | undefined) => {
  const m = info ? /Duplicates:\s*(\d+)/.exec(info) : null
  return m ? Number(m[1]) : undefined
}

/** Splits rows into statement-sized batches. */
export const chunk = <A>(rows: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/** `Backend.batchRows`: the columnar form has no parameter limit; VALUES lists fit under it. */
export const batchRows =
  (db: SqlDeps): Backend["batchRows"] =>
  (model, batchSize) =>
    db.hooks.insertColumnar !== undefined ? batchSize : rowsPerStatement(db.hooks, model.columns.length, batchSize)

/** `Backend.insertBatch`: one batch; returns how many were inserted. */
export const insertBatch =
  (db: SqlDeps): Backend["insertBatch"] =>
  (model: ModelInfo, batch: ReadonlyArray<Row>, { now, onConflict }: BulkInsertOptions) => {
    const d = db.hooks
    const ctx = contextOf(model, "bulkCreate")
    const columns = insertColumns(model, batch)
    const key = columns.map((c) => c.name).join(",")
    const statement = (suffix: string) => batchInsert(d, model, columns, batch, suffix, now)
    if (onConflict === "error") {
      if (d.copy !== undefined && db.copyIn !== undefined) {
        // COPY: the fastest way in; nothing to skip, so nothing it cannot do
        const sql = planned(d, model, `copy:${key}`, () => d.copy!.statement(model, columns))
        return db.copyIn(sql, [d.copy.data(encodeInserts(d, model, columns, batch, now), columns.length)], ctx)
      }
      return Effect.map(db.write(statement(""), ctx), (r) => r.affected)
    }
    if (d.skipCountNeedsManyRows && batch.length === 1) {
      // duplicates are reported only for multi-row inserts: try the row alone under a savepoint
      return db.transaction(db.write(statement(""), ctx)).pipe(
        Effect.map((r) => r.affected),
        Effect.catchTag("UniqueViolation", () => Effect.succeed(0))
      )
    }
    return Effect.map(db.write(statement(d.skipClause(model.key[0]!.column)), ctx), (result) => {
      const dups = duplicatesOf(result.info)
      return dups !== undefined ? batch.length - dups : result.affected
    })
  }

/**
 * `Backend.bulkInsert`: every row, all or nothing. Where COPY applies, one COPY for every row (atomic
 * on its own), its data sent batch by batch as it is encoded; else the batches in one transaction.
 */
export const bulkInsert = (db: SqlDeps): Backend["bulkInsert"] => {
  const one = insertBatch(db)
  const per = batchRows(db)
  return (model, rows, options) => {
    const d = db.hooks
    const batches = chunk(rows, per(model, options.batchSize))
    if (options.onConflict === "error" && d.copy !== undefined && db.copyIn !== undefined) {
      const columns = insertColumns(model, rows)
      const sql = planned(d, model, `copy:${columns.map((c) => c.name).join(",")}`, () =>
        d.copy!.statement(model, columns)
      )
      const copy = d.copy
      const pieces = function* () {
        for (const batch of batches)
          yield copy.data(encodeInserts(d, model, columns, batch, options.now), columns.length)
      }
      return db.copyIn(sql, pieces(), contextOf(model, "bulkCreate"))
    }
    return db.transaction(
      Effect.reduce(batches, 0, (sum, batch) => Effect.map(one(model, batch, options), (n) => sum + n))
    )
  }
}
