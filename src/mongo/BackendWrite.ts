/**
 * The MongoDB backend's single writes (src/backend/Backend.ts `insert`, `updateById`, `updateWhere`,
 * `deleteWhere`, `upsert`) over the translations of src/mongo/Values.ts, Filter.ts and Updates.ts.
 * Every driver call takes the fiber's session, so a write joins the transaction around it.
 *
 * - insert: the key filled in (src/mongo/Counters.ts), `insertOne` of the whole document; the
 *   record is that document decoded (what was stored, without a second round trip).
 * - updateById: one `findOneAndUpdate` of the live record, the document after the update.
 * - updateWhere / deleteWhere: `updateMany` (soft delete: deleted_at = now) or `deleteMany` over
 *   the live records; the count is the matched (deleted) count, as SQL's affected rows.
 * - upsert: one `findOneAndUpdate` with `upsert: true` and the result's metadata: atomic, the
 *   record after the write, and `created` from `lastErrorObject.updatedExisting` (the server's
 *   word, as PostgreSQL's xmax). A collision on another unique key is the server's E11000 →
 *   UniqueViolation naming that key (src/mongo/Errors.ts).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend } from "../backend/Backend.js"
import type { ModelInfo } from "../model/Model.js"
import { callOptions, collectionOf, decodeAll, pure } from "./BackendShared.js"
import type { MongoHandle } from "./Client.js"
import { fillKeys } from "./Counters.js"
import { byIdQuery, whereQuery } from "./Filter.js"
import { softDeleteUpdate, updateDocument, upsertWrite } from "./Updates.js"
import { insertDocument } from "./Values.js"

/** `upsert` over `handle`: one atomic findOneAndUpdate (see the module comment). */
const upsert =
  (handle: MongoHandle): Backend["upsert"] =>
  (model, plan) =>
    Effect.gen(function* () {
      // the key filled in first (a counter value is spent even when the record exists, as a SQL sequence's)
      const [row] = yield* fillKeys(handle, model, [plan.row])
      const write = yield* pure(() => upsertWrite(handle.driver, model, plan, row!))
      const result = yield* handle.run({ operation: "upsert", model }, (db, session) =>
        collectionOf(db, model).findOneAndUpdate(write.filter, [...write.update], {
          ...callOptions(handle, session),
          upsert: true,
          returnDocument: "after",
          includeResultMetadata: true
        })
      )
      // with upsert, the server always returns the document after the write
      if (result.value === null) return yield* Effect.die(new Error("an upsert returned no document"))
      const [record] = yield* decodeAll(model, [result.value])
      return { record: record!, created: result.lastErrorObject?.["updatedExisting"] !== true }
    })

/** `insert`, `updateById`, `updateWhere`, `deleteWhere` and `upsert` over `handle`. */
export const makeWrites = (
  handle: MongoHandle
): Pick<Backend, "insert" | "updateById" | "updateWhere" | "deleteWhere" | "upsert"> => {
  const bson = handle.driver
  const readLive = (model: ModelInfo, id: unknown, operation: string) =>
    Effect.gen(function* () {
      const filter = yield* pure(() => byIdQuery(bson, model, id, false))
      const doc = yield* handle.run({ operation, model }, (db, session) =>
        collectionOf(db, model).findOne(filter, callOptions(handle, session))
      )
      return doc === null ? undefined : (yield* decodeAll(model, [doc]))[0]
    })
  return {
    insert: (model, input, now) =>
      Effect.gen(function* () {
        const [row] = yield* fillKeys(handle, model, [input])
        const doc = yield* pure(() => insertDocument(bson, model, row!, now))
        yield* handle.run({ operation: "create", model }, (db, session) =>
          collectionOf(db, model).insertOne(doc, callOptions(handle, session))
        )
        return (yield* decodeAll(model, [doc]))[0]!
      }),
    updateById: (model, id, changes) =>
      Effect.gen(function* () {
        const update = yield* pure(() => updateDocument(bson, model, changes))
        // nothing to set (no fields, no updated_at): the live record as it is
        if (update === undefined) return yield* readLive(model, id, "update")
        const filter = yield* pure(() => byIdQuery(bson, model, id, false))
        const doc = yield* handle.run({ operation: "update", model }, (db, session) =>
          collectionOf(db, model).findOneAndUpdate(filter, update, {
            ...callOptions(handle, session),
            returnDocument: "after"
          })
        )
        return doc === null ? undefined : (yield* decodeAll(model, [doc]))[0]
      }),
    updateWhere: (model, expr, changes) =>
      Effect.gen(function* () {
        const filter = yield* pure(() => whereQuery(bson, model, expr, false))
        const update = yield* pure(() => updateDocument(bson, model, changes))
        const context = { operation: "bulkUpdate", model }
        if (update === undefined) {
          return yield* handle.run(context, (db, session) =>
            collectionOf(db, model).countDocuments(filter, callOptions(handle, session))
          )
        }
        const result = yield* handle.run(context, (db, session) =>
          collectionOf(db, model).updateMany(filter, update, callOptions(handle, session))
        )
        return result.matchedCount
      }),
    deleteWhere: (model, expr, now, operation) =>
      Effect.gen(function* () {
        const filter = yield* pure(() => whereQuery(bson, model, expr, false))
        const context = { operation, model }
        if (model.deletedAt !== undefined) {
          const result = yield* handle.run(context, (db, session) =>
            collectionOf(db, model).updateMany(filter, softDeleteUpdate(model, now), callOptions(handle, session))
          )
          return result.matchedCount
        }
        const result = yield* handle.run(context, (db, session) =>
          collectionOf(db, model).deleteMany(filter, callOptions(handle, session))
        )
        return result.deletedCount
      }),
    upsert: upsert(handle)
  }
}
