/**
 * `create`: validates with the model's Schema, inserts one row, returns the stored record.
 * The INSERT text is compiled once per model, dialect and column set.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import type { ModelInfo } from "../model/Model.js"
import { insertSql, selectList } from "../sql/Compiler.js"
import { planned } from "./Plans.js"
import { contextOf, encodeInserts, idOf, insertColumns, readById } from "./Shared.js"
import { operation } from "./Tracing.js"

/** Inserts one record. */
export const create = (model: ModelInfo, input: unknown) => {
  const context = contextOf(model, "create")
  return operation("create", model, (db) => {
    const valid = model.validateCreate(input)
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const d = db.hooks
    const rows = [valid.right]
    const columns = insertColumns(model, rows)
    // the stored record comes back with the INSERT where the database can (MariaDB too), else by id
    const returning = db.insertReturning
    const sql = planned(
      d,
      model,
      `create:${returning ? "returning:" : ""}${columns.map((c) => c.name).join(",")}`,
      () =>
        d.returning || !returning
          ? insertSql(d, model, columns, 1, "", true)
          : `${insertSql(d, model, columns, 1, "", false)} RETURNING ${selectList(d, model.columns)}`
    )
    // timestamps encoded once, a missing UUID generated, no copy of the input
    const params = encodeInserts(d, model, columns, rows, new Date())
    const insert = returning
      ? Effect.flatMap(db.queryOne({ sql, params }, model.columns, context), (record) =>
          record === undefined ? Effect.die(new Error("INSERT … RETURNING returned no row")) : Effect.succeed(record)
        )
      : Effect.flatMap(db.write({ sql, params }, context), (result) => {
          const id =
            model.idKind === "auto"
              ? result.insertId
              : model.key.length > 1
                ? idOf(model, rows[0]!)
                : params[columns.findIndex((c) => c.name === "id")]
          // the row was just written in this statement's transaction scope: absent would be a bug
          return readById(db, model, id, "create", true).pipe(Effect.catchTag("NotFound", Effect.die))
        })
    return db.isReady(model) ? insert : Effect.zipRight(db.ensureTable(model), insert)
  })
}
