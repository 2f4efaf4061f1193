/**
 * The document API on MongoDB (src/documents/Collection.ts): every filter, update, pipeline,
 * document and find option is first checked by the same checker as on SQL (src/documents/Check*.ts),
 * so the same subset is accepted — and refused with the same ValidationError / UnsupportedFeature —
 * on every database; what passes is sent to the driver (the filter as the checker's normalized query).
 *
 * - `_id` is a string; a UUID is generated when an insert gives none.
 * - `find` sorts ties by `_id` ascending; `updateOne` updates the first match by `_id`.
 * - `insertMany` is all or nothing: inside the caller's transaction, or one of its own. A standalone
 *   server has no transactions: several documents fail `UnsupportedFeature` there rather than risk
 *   a half-done insert (one document is one atomic insert).
 * - E11000 → UniqueViolation{model: the collection's name, fields: the index's key paths}.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import type { ClientSession, Db } from "mongodb"
import * as Errors from "../Errors.js"
import type * as Api from "../documents/Collection.js"
import { checkFilter } from "../documents/CheckFilter.js"
import { checkFindOptions, checkPipeline } from "../documents/CheckPipeline.js"
import { checkUpdate } from "../documents/CheckUpdate.js"
import { checkDocument } from "../documents/CheckValues.js"
import { type MongoSchemaHandle } from "./MigrateDb.js"
import type { Doc } from "./Values.js"

const dialect = "mongodb" as const

/** A collection name the document API accepts: a letter or `_`, then letters, digits, `_` (at most 63), not `dataflow_…`. */
export const checkCollectionName = (name: unknown): Effect.Effect<string, Errors.ValidationError> =>
  typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)
    ? Effect.fail(
        new Errors.ValidationError({
          path: "name",
          reason: "a collection name is a letter or _ followed by at most 62 letters, digits or _"
        })
      )
    : name.startsWith("dataflow_")
      ? Effect.fail(new Errors.ValidationError({ path: "name", reason: "dataflow_ names are the library's own" }))
      : Effect.succeed(name)

/** Update failures of a stored value (the checker cannot see documents), by server code. */
const refusedUpdateCodes: Record<string, string> = {
  "2": "$push or $pull applies to an array",
  "14": "$inc applies to a number",
  "28": "the path cannot be created through a value that is not an object"
}

/**
 * An update the server refused for a stored value ($inc of a non-number, $push to a non-array, a
 * path through a scalar) as ValidationError, as on SQL (docs/documents.md): the path is the field the
 * server names; its message (which holds the document's values) is never copied.
 */
export const refusedUpdate = (e: Errors.DatabaseError): Errors.ValidationError | undefined => {
  const reason = e.code !== undefined ? refusedUpdateCodes[e.code] : undefined
  if (reason === undefined) return undefined
  const text = String((e.cause as { errmsg?: unknown; message?: unknown } | undefined)?.errmsg ?? "")
  const field = /field '([^']{1,200})'/.exec(text)?.[1]
  return new Errors.ValidationError({ path: field ?? "update", reason })
}

/** The key pattern an index name stands for: `_id_` and MongoDB's default names (`a_1_b.c_-1`). */
export const keyOfIndexName = (name: string): Doc | undefined => {
  if (name === "_id_") return { _id: 1 }
  const m = name.match(/(.+?)_(-?1)(?:_|$)/g)
  if (m === null || m.join("") !== name) return undefined
  return Object.fromEntries(m.map((part) => /^(.+?)_(-?1)_?$/.exec(part)!).map((x) => [x[1]!, Number(x[2])]))
}

/**
 * A duplicate key inside a bulk write (insertMany) as the plain duplicate key error the classifier
 * reads its fields from (`keyPattern`: the server's, else read from the index name).
 */
export const duplicateOfBulk = (e: unknown): unknown => {
  const bulk = e as {
    name?: string
    writeErrors?: ReadonlyArray<{ code?: number; errmsg?: string; err?: { keyPattern?: Doc } }>
  }
  if (bulk?.name !== "MongoBulkWriteError" || !Array.isArray(bulk.writeErrors)) return e
  const first = bulk.writeErrors[0]
  if (first?.code !== 11000) return e
  const index = /index: (\S+) dup key/.exec(first.errmsg ?? "")?.[1]
  const keyPattern = first.err?.keyPattern ?? (index !== undefined ? keyOfIndexName(index) : undefined)
  return Object.assign(new Error("duplicate key"), { name: "MongoServerError", code: 11000, keyPattern })
}

/** A driver failure as a DocumentError: the collection named on a unique violation. */
const toDocumentError =
  (name: string) =>
  (e: Errors.QueryError): Api.DocumentError => {
    switch (e._tag) {
      case "UniqueViolation":
        return new Errors.UniqueViolation({ model: name, fields: e.fields })
      case "DatabaseError":
        return refusedUpdate(e) ?? e
      case "InvalidRow":
      case "ForeignKeyViolation":
        return new Errors.DatabaseError({ dialect, operation: `${name}.${e._tag}`, cause: e })
      default:
        return e
    }
  }

/** The `find` options sent to the driver: the sort ends with `_id` ascending. */
export const findOptionsOf = (options: Api.FindOptions | undefined): Doc => {
  const sort = { ...(options?.sort ?? {}) }
  if (!("_id" in sort)) sort["_id"] = 1
  return {
    sort,
    ...(options?.skip !== undefined && options.skip > 0 ? { skip: options.skip } : {}),
    ...(options?.limit !== undefined && options.limit > 0 ? { limit: options.limit } : {}),
    ...(options?.projection !== undefined ? { projection: options.projection } : {})
  }
}

/** The documents to insert, checked, each with its `_id` (generated when absent). */
const prepare = (docs: ReadonlyArray<Api.NewDocument>, many: boolean) =>
  Effect.forEach(docs, (d, i) =>
    Effect.map(checkDocument(d, many ? String(i) : undefined), (clean) => ({
      ...clean,
      _id: clean._id ?? randomUUID()
    }))
  )

type Run = <A>(
  operation: string,
  f: (db: Db, session: ClientSession | undefined) => Promise<A>
) => Effect.Effect<A, Api.DocumentError>

const collectionOf = (db: Db, name: string) => db.collection<Doc>(name)
const withSession = (session: ClientSession | undefined) => (session !== undefined ? { session } : {})
const queryOf = (filter: Api.DocumentFilter | undefined) => Effect.map(checkFilter(filter, dialect), (c) => c.query)

/** insertMany: in the caller's transaction, else one of its own; several documents on a standalone server are refused. */
const insertManyOf =
  (h: MongoSchemaHandle, name: string, run: Run, many: boolean): Api.Collection["insertMany"] =>
  (docs) =>
    Effect.gen(function* () {
      const prepared = (yield* prepare(docs, many)) as unknown as Array<Doc>
      const ids = prepared.map((d) => d["_id"] as string)
      if (prepared.length === 0) return { insertedIds: [] }
      const current = yield* h.session
      if (prepared.length > 1 && current === undefined && !h.transactions) {
        return yield* new Errors.UnsupportedFeature({
          dialect,
          feature: "insertMany of several documents on a standalone server (all or nothing needs a replica set)"
        })
      }
      yield* run("insertMany", async (db, session) => {
        try {
          await insertAll(h, collectionOf(db, name), prepared, session)
        } catch (e) {
          throw duplicateOfBulk(e)
        }
      })
      return { insertedIds: ids }
    })

const insertAll = async (
  h: MongoSchemaHandle,
  coll: ReturnType<typeof collectionOf>,
  prepared: Array<Doc>,
  session: ClientSession | undefined
) => {
  if (session !== undefined || prepared.length === 1) {
    await coll.insertMany(prepared, { ordered: true, ...withSession(session) })
    return
  }
  await h.client.withSession((s) =>
    s.withTransaction(async () => {
      await coll.insertMany(prepared, { ordered: true, session: s })
    })
  )
}

/** updateOne (the first match by `_id`) and updateMany. */
const updateOf = (name: string, run: Run, many: boolean) => (filter: Api.DocumentFilter, u: Api.DocumentUpdate) =>
  Effect.gen(function* () {
    const q = yield* queryOf(filter)
    yield* checkUpdate(u, dialect)
    const r = yield* run(many ? "updateMany" : "updateOne", async (db, session) => {
      const coll = collectionOf(db, name)
      if (many) return coll.updateMany(q, u as Doc, withSession(session))
      const first = await coll.findOne(q, { sort: { _id: 1 }, projection: { _id: 1 }, ...withSession(session) })
      if (first === null) return { matchedCount: 0, modifiedCount: 0 }
      return coll.updateOne({ $and: [q, { _id: first["_id"] }] }, u as Doc, withSession(session))
    })
    return { matched: r.matchedCount, modified: r.modifiedCount }
  })

/** One collection of the database. */
export const makeMongoCollection = (h: MongoSchemaHandle, name: string): Api.Collection => {
  const run: Run = (operation, f) => Effect.mapError(h.run({ operation, model: name }, f), toDocumentError(name))
  const coll = (db: Db) => collectionOf(db, name)
  const query = queryOf
  const insertMany = insertManyOf(h, name, run, true)
  const insertOne = insertManyOf(h, name, run, false)
  const find: Api.Collection["find"] = (filter, options) =>
    Effect.gen(function* () {
      const q = yield* query(filter)
      yield* checkFindOptions(options)
      const docs = yield* run("find", (db, session) =>
        coll(db)
          .find(q, { ...findOptionsOf(options), ...withSession(session) })
          .toArray()
      )
      return docs as unknown as ReadonlyArray<Api.Document>
    })
  return {
    name,
    insertOne: (doc) => Effect.map(insertOne([doc]), (r) => ({ insertedId: r.insertedIds[0]! })),
    insertMany,
    find,
    findOne: (filter) => Effect.map(find(filter, { limit: 1 }), (docs) => docs[0]),
    updateOne: updateOf(name, run, false),
    updateMany: updateOf(name, run, true),
    deleteOne: (filter) =>
      Effect.flatMap(query(filter), (q) =>
        run("deleteOne", async (db, session) => {
          const gone = await coll(db).findOneAndDelete(q, { sort: { _id: 1 }, ...withSession(session) })
          return { deleted: gone === null ? 0 : 1 }
        })
      ),
    deleteMany: (filter) =>
      Effect.flatMap(query(filter), (q) =>
        run("deleteMany", async (db, session) => ({
          deleted: (await coll(db).deleteMany(q, withSession(session))).deletedCount
        }))
      ),
    count: (filter) =>
      Effect.flatMap(query(filter), (q) =>
        run("count", (db, session) => coll(db).countDocuments(q, withSession(session)))
      ),
    aggregate: (pipeline) =>
      Effect.flatMap(checkPipeline(pipeline, dialect), () =>
        run(
          "aggregate",
          (db, session) =>
            coll(db)
              .aggregate([...pipeline] as Array<Doc>, withSession(session))
              .toArray() as Promise<Array<Api.Document>>
        )
      ),
    createIndex: (keys, options) =>
      Effect.map(
        run("createIndex", (db) =>
          coll(db).createIndex(keys, {
            // documents lacking a key path never collide, as on SQL (docs/documents.md); MongoDB's own
            // unique index would count a missing value as null and allow only one such document
            ...(options?.unique === true
              ? {
                  unique: true,
                  partialFilterExpression: Object.fromEntries(Object.keys(keys).map((k) => [k, { $exists: true }]))
                }
              : {}),
            ...(options?.name !== undefined ? { name: options.name } : {})
          })
        ),
        (n) => ({ name: n })
      ),
    drop: () =>
      Effect.asVoid(
        run("drop", async (db, session) => {
          const exists = await db.listCollections({ name }, { nameOnly: true }).toArray()
          if (exists.length > 0) await coll(db).drop(withSession(session))
        })
      )
  }
}

/** `Database.collection(name)` on MongoDB. */
export const makeMongoCollections =
  (h: MongoSchemaHandle, isModelCollection: (name: string) => boolean = () => false): Api.Collections =>
  (name) =>
    Effect.map(checkCollectionName(name), (n) =>
      isModelCollection(n) ? refusing(n, makeMongoCollection(h, n)) : makeMongoCollection(h, n)
    )

// a model's collection is not a document collection (as on SQL, src/documents/SqlTable.ts): every
// operation refused, the collection left unchanged (never dropped through the document API)
const refusing = (name: string, c: Api.Collection): Api.Collection => {
  const refusal = new Errors.ValidationError({
    path: "collection",
    model: name,
    reason: "names a model's collection, not a document collection; it is left unchanged"
  })
  return Object.fromEntries(
    Object.entries(c).map(([k, v]) => [k, typeof v === "function" ? () => Effect.fail(refusal) : v])
  ) as unknown as Api.Collection
}
