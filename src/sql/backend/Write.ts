/**
 * The SQL backend's single writes: insert (compiled once per column set), update by id (compiled
 * once per field set), update and delete under a filter.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend, Changes } from "../../backend/Backend.js"
import { idOf } from "../../backend/Keys.js"
import type { ModelInfo } from "../../model/Model.js"
import { encodeValue } from "../Codec.js"
import { insertSql, Params, selectList, whereClause } from "../Compiler.js"
import { contextOf } from "./Context.js"
import type { SqlDeps } from "./Deps.js"
import { encodeInserts, insertColumns } from "./Inserts.js"
import { keyCondition, keyParams } from "./Selects.js"
import { planned } from "./Plans.js"
import { readById } from "./Read.js"

/** `Backend.insert`: the stored record comes back with the INSERT where the database can (MariaDB too), else by id. */
export const insert = (db: SqlDeps): Backend["insert"] => {
  const d = db.hooks
  const returning = db.insertReturning
  const read = readById(db)
  return (model, input, now) => {
    const context = contextOf(model, "create")
    const rows = [input]
    const columns = insertColumns(model, rows)
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
    const params = encodeInserts(d, model, columns, rows, now)
    return returning
      ? Effect.flatMap(db.queryOne({ sql, params }, model.columns, context), (record) =>
          record === undefined ? Effect.die(new Error("INSERT … RETURNING returned no row")) : Effect.succeed(record)
        )
      : Effect.flatMap(db.write({ sql, params }, context), (result) => {
          const id =
            model.idKind === "auto"
              ? result.insertId
              : model.key.length > 1
                ? idOf(model, input)
                : params[columns.findIndex((c) => c.name === "id")]
          // the row was just written in this statement's transaction scope: absent would be a bug
          return Effect.flatMap(read(model, id, true, "create"), (record) =>
            record === undefined ? Effect.die(new Error("a created row was not found")) : Effect.succeed(record)
          )
        })
  }
}

/** `Backend.updateById`: the UPDATE text is compiled once per model, dialect and field set. */
export const updateById = (db: SqlDeps): Backend["updateById"] => {
  const d = db.hooks
  const read = readById(db)
  return (model, id, { fields, names, now }) => {
    const context = contextOf(model, "update")
    const sql = planned(d, model, `update:${names.join(",")}`, () => {
      const set = names.map((k, i) => `${d.quote(model.columnMap.get(k)!.column)} = ${d.placeholder(i + 1)}`).join(", ")
      const hidden = model.deletedAt !== undefined ? ` AND ${d.quote(model.deletedAt.column)} IS NULL` : ""
      const ret = d.returning ? ` RETURNING ${selectList(d, model.columns)}` : ""
      return `UPDATE ${d.quote(model.table)} SET ${set} WHERE ${keyCondition(d, model, names.length + 1)}${hidden}${ret}`
    })
    const values = names.map((k) => encodeValue(d.codec, model.columnMap.get(k)!, k === "updated_at" ? now : fields[k]))
    values.push(...keyParams(d, model, id))
    return d.returning
      ? db.queryOne({ sql, params: values }, model.columns, context)
      : Effect.flatMap(db.write({ sql, params: values }, context), (result) =>
          result.affected === 0 ? Effect.succeed(undefined) : read(model, id, false, "update")
        )
  }
}

/** SET list for the changes. */
const setList = (model: ModelInfo, p: Params, { fields, names, now }: Changes): string =>
  names
    .map((k) => {
      const field = model.columnMap.get(k)!
      return `${p.dialect.quote(field.column)} = ${p.field(field, k === "updated_at" ? now : fields[k])}`
    })
    .join(", ")

/** `Backend.updateWhere`. */
export const updateWhere =
  (db: SqlDeps): Backend["updateWhere"] =>
  (model, expr, changes) => {
    const d = db.hooks
    const p = new Params(d)
    const set = setList(model, p, changes)
    const sql = `UPDATE ${d.quote(model.table)} SET ${set}${whereClause(d, p, model, expr, false)}`
    return Effect.map(db.write({ sql, params: p.values }, contextOf(model, "bulkUpdate")), (r) => r.affected)
  }

/** `Backend.deleteWhere`: DELETE, or on a soft-delete model an UPDATE of deleted_at. */
export const deleteWhere =
  (db: SqlDeps): Backend["deleteWhere"] =>
  (model, expr, now, operation) => {
    const d = db.hooks
    const p = new Params(d)
    const sql =
      model.deletedAt !== undefined
        ? `UPDATE ${d.quote(model.table)} SET ${d.quote(model.deletedAt.column)} = ${p.field(model.deletedAt, now)}${whereClause(d, p, model, expr, false)}`
        : `DELETE FROM ${d.quote(model.table)}${whereClause(d, p, model, expr, false)}`
    return Effect.map(db.write({ sql, params: p.values }, contextOf(model, operation)), (r) => r.affected)
  }
