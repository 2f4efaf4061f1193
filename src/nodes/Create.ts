/**
 * `create`: validates with the model's Schema, inserts one row, returns the stored record.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { traced } from "./Tracing.js"
import type { ModelInfo } from "../model/Model.js"
import { insertRows } from "../sql/Compiler.js"
import { contextOf, databaseFor, decodeAll, insertColumns, prepareInsert, readById, validated } from "./Shared.js"

/** Inserts one record. */
export const create = (model: ModelInfo, input: unknown) =>
  Effect.gen(function*() {
    const valid = yield* validated(model.validateCreate(input))
    const db = yield* databaseFor(model)
    const row = prepareInsert(model, valid, new Date())
    const columns = insertColumns(model, [row])
    const statement = insertRows(db.hooks, model, columns, [columns.map((c) => row[c.name])], "", true)
    const result = yield* db.write(statement, contextOf(model, "create"))
    if (db.hooks.returning) return decodeAll(db, model, result.rows)[0]!
    const id = model.idKind === "auto" ? result.insertId : row["id"]
    // the row was just written in this statement's transaction scope: absent would be a bug
    return yield* readById(db, model, id, "create", true).pipe(Effect.catchTag("NotFound", Effect.die))
  }).pipe(traced("create", model))
