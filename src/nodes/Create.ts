/**
 * `create`: validates with the model's Schema, inserts one row, returns the stored record.
 * The INSERT text is compiled once per model, dialect and column set.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import type { ModelInfo } from "../model/Model.js"
import { decodeRow } from "../sql/Codec.js"
import { encodeRows, insertSql } from "../sql/Compiler.js"
import { planned } from "./Plans.js"
import { contextOf, insertColumns, prepareInsert, readById } from "./Shared.js"
import { operation } from "./Tracing.js"

/** Inserts one record. */
export const create = (model: ModelInfo, input: unknown) => {
  const context = contextOf(model, "create")
  return operation("create", model, (db) => {
    const valid = model.validateCreate(input)
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const d = db.hooks
    const row = prepareInsert(model, valid.right, new Date())
    const columns = insertColumns(model, [row])
    const sql = planned(d, model, `create:${columns.map((c) => c.name).join(",")}`, () => insertSql(d, model, columns, 1, "", true))
    const insert = Effect.flatMap(db.write({ sql, params: encodeRows(d, columns, [row]) }, context), (result) => {
      if (d.returning) return Effect.succeed(decodeRow(d.codec, model.columns, result.rows[0]!))
      const id = model.idKind === "auto" ? result.insertId : row["id"]
      // the row was just written in this statement's transaction scope: absent would be a bug
      return readById(db, model, id, "create", true).pipe(Effect.catchTag("NotFound", Effect.die))
    })
    return db.isReady(model) ? insert : Effect.zipRight(db.ensureTable(model), insert)
  })
}

