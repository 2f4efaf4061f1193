/**
 * The MongoDB backend's writes of one record or a filter's records (src/backend/Backend.ts
 * `insert`, `updateById`, `updateWhere`, `deleteWhere`, `upsert`) over A1's translations
 * (src/mongo/Values.ts, Updates.ts). Keys are filled by src/mongo/Counters.ts; every call joins the
 * fiber's transaction (its session).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Backend } from "../backend/Backend.js"
import type { MongoHandle } from "./Client.js"
import { fillKeys } from "./Counters.js"
import { byIdQuery, whereQuery } from "./Filter.js"
import { softDeleteUpdate, updateDocument, upsertWrite } from "./Updates.js"
import { insertDocument } from "./Values.js"
import { callOptions, collectionOf, decodeAll, pure } from "./BackendShared.js"

type Writes = Pick<Backend, "insert" | "updateById" | "updateWhere" | "deleteWhere" | "upsert">

/** The single-record and filtered writes over `handle`. */
export const makeWrites = (handle: MongoHandle): Writes => {
  const bson = handle.driver
  const updateById: Writes["updateById"] = (model, id, changes) =>
    Effect.gen(function* () {
      const [filter, update] = yield* pure(
        () => [byIdQuery(bson, model, id, false), updateDocument(bson, model, changes)] as const
      )
      const doc = yield* handle.run({ operation: "update", model }, (db, session) => {
        const coll = collectionOf(db, model)
        const options = callOptions(handle, session)
        // nothing to set: the live record as it is
        return update === undefined
          ? coll.findOne(filter, options)
          : coll.findOneAndUpdate(filter, update, { ...options, returnDocument: "after" })
      })
      return doc === null ? undefined : (yield* decodeAll(model, [doc]))[0]
    })
  return {
    insert: (model, row, now) =>
      Effect.gen(function* () {
        const [filled] = yield* fillKeys(handle, model, [row])
        const doc = yield* pure(() => insertDocument(bson, model, filled!, now))
        yield* handle.run({ operation: "create", model }, (db, session) =>
          collectionOf(db, model).insertOne(doc, callOptions(handle, session))
        )
        // the stored record is the document written, decoded (the driver added nothing: `_id` is ours)
        return (yield* decodeAll(model, [doc]))[0]!
      }),
    updateById,
    updateWhere: (model, expr, changes) =>
      Effect.gen(function* () {
        const [filter, update] = yield* pure(
          () => [whereQuery(bson, model, expr, false), updateDocument(bson, model, changes)] as const
        )
        return yield* handle.run({ operation: "updateMany", model }, async (db, session) => {
          const coll = collectionOf(db, model)
          const options = callOptions(handle, session)
          if (update === undefined) return coll.countDocuments(filter, options)
          return (await coll.updateMany(filter, update, options)).matchedCount
        })
      }),
    deleteWhere: (model, expr, now, operation) =>
      Effect.gen(function* () {
        const filter = yield* pure(() => whereQuery(bson, model, expr, false))
        return yield* handle.run({ operation, model }, async (db, session) => {
          const coll = collectionOf(db, model)
          const options = callOptions(handle, session)
          if (model.deletedAt !== undefined) {
            return (await coll.updateMany(filter, softDeleteUpdate(model, now), options)).matchedCount
          }
          return (await coll.deleteMany(filter, options)).deletedCount
        })
      }),
    upsert: (model, plan) =>
      Effect.gen(function* () {
        const [row] = yield* fillKeys(handle, model, [plan.row])
        const write = yield* pure(() => upsertWrite(bson, model, plan, row!))
        const result = yield* handle.run({ operation: "upsert", model }, (db, session) =>
          collectionOf(db, model).findOneAndUpdate(write.filter, [...write.update], {
            ...callOptions(handle, session),
            upsert: true,
            returnDocument: "after",
            includeResultMetadata: true
          })
        )
        const created = result.lastErrorObject?.["updatedExisting"] !== true
        const record = (yield* decodeAll(model, [result.value!]))[0]!
        return { record, created }
      })
  }
}
