/**
 * The MongoDB backend's reads (src/backend/Backend.ts `readById`, `find`, `count`) over A1's
 * translations: src/mongo/Filter.ts (query documents) and src/mongo/Sort.ts (the page's plan).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Sort } from "mongodb"
import type { Backend } from "../backend/Backend.js"
import { callOptions, collectionOf, decodeAll, pure } from "./BackendShared.js"
import type { MongoHandle } from "./Client.js"
import { byIdQuery, whereQuery } from "./Filter.js"
import { findPlan } from "./Sort.js"

/** `readById`, `find` and `count` over `handle`. */
export const makeReads = (handle: MongoHandle): Pick<Backend, "readById" | "find" | "count"> => {
  const bson = handle.driver
  return {
    readById: (model, id, includeDeleted, operation) =>
      Effect.gen(function* () {
        const filter = yield* pure(() => byIdQuery(bson, model, id, includeDeleted))
        const doc = yield* handle.run({ operation, model }, (db, session) =>
          collectionOf(db, model).findOne(filter, callOptions(handle, session))
        )
        if (doc === null) return undefined
        return (yield* decodeAll(model, [doc]))[0]
      }),
    find: (model, query) =>
      Effect.gen(function* () {
        const plan = yield* pure(() => findPlan(bson, model, query))
        const context = { operation: "list", model }
        // one after the other: a transaction's session takes one operation at a time
        const docs = yield* handle.run(context, (db, session) => {
          const coll = collectionOf(db, model)
          const options = callOptions(handle, session)
          return plan.kind === "find"
            ? coll
                .find(plan.filter, {
                  ...options,
                  sort: plan.sort as Sort,
                  skip: plan.skip,
                  limit: plan.limit,
                  projection: plan.projection
                })
                .toArray()
            : coll.aggregate([...plan.pipeline], options).toArray()
        })
        const total = yield* handle.run(context, (db, session) =>
          collectionOf(db, model).countDocuments(plan.countFilter, callOptions(handle, session))
        )
        const records = yield* decodeAll(model, docs.slice(0, query.limit), query.fields)
        return { records, more: docs.length > query.limit, total }
      }),
    count: (model, expr, includeDeleted, operation) =>
      Effect.flatMap(
        pure(() => whereQuery(bson, model, expr, includeDeleted)),
        (filter) =>
          handle.run({ operation, model }, (db, session) =>
            collectionOf(db, model).countDocuments(filter, callOptions(handle, session))
          )
      )
  }
}
