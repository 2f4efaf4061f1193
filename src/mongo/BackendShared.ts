/**
 * What the MongoDB backend's parts share (src/mongo/Backend.ts): the collection of a model, the
 * options every driver call takes (the fiber's session, `maxTimeMS`), pure steps (encoding,
 * decoding) whose ValidationError/InvalidRow are failures rather than defects, and the refusal of a
 * feature the server cannot give.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ClientSession, Collection, Db, Document } from "mongodb"
import type { Row } from "../backend/Backend.js"
import * as Errors from "../Errors.js"
import type { Field } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import type { MongoHandle } from "./Client.js"
import { type Doc, documentDecoder } from "./Values.js"

/** The collection of a model. */
export const collectionOf = (db: Db, model: ModelInfo): Collection<Document> => db.collection(model.table)

/** The options of a driver call: the session (when in a transaction) and `maxTimeMS` (when set). */
export const callOptions = (
  handle: MongoHandle,
  session: ClientSession | undefined
): { session?: ClientSession; maxTimeMS?: number } => ({
  ...(session !== undefined ? { session } : {}),
  ...(handle.maxTimeMS !== undefined ? { maxTimeMS: handle.maxTimeMS } : {})
})

/** Runs a pure step: its ValidationError or InvalidRow is a failure, anything else a defect. */
export const pure = <A>(f: () => A): Effect.Effect<A, Errors.ValidationError | Errors.InvalidRow> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (e instanceof Errors.ValidationError || e instanceof Errors.InvalidRow) return Effect.fail(e)
      throw e
    }
  })

/** Decodes stored documents into records of `fields` (default every column). */
export const decodeAll = (
  model: ModelInfo,
  docs: ReadonlyArray<Doc>,
  fields?: ReadonlyArray<Field>
): Effect.Effect<ReadonlyArray<Row>, Errors.InvalidRow | Errors.ValidationError> =>
  pure(() => {
    const decode = documentDecoder(model, fields)
    return docs.map((d) => decode(d))
  })

/** The refusal of bulk writes on a standalone server (all-or-nothing needs a transaction). */
export const bulkRefusal = () =>
  new Errors.UnsupportedFeature({
    dialect: "mongodb",
    feature: "all-or-nothing bulk writes (they need a replica set: transactions)"
  })

/**
 * Fails with `error` where the contract (src/backend/Backend.ts) types the failure as QueryError:
 * `bulkInsert`, `bulkUpsert` and `transaction` are refused with UnsupportedFeature on a standalone
 * server (never silently non-atomic; docs/mongodb.md), which the contract's types do not list yet.
 */
export const failOutsideContract = (error: Errors.UnsupportedFeature): Effect.Effect<never, Errors.QueryError> =>
  Effect.fail(error) as unknown as Effect.Effect<never, Errors.QueryError>
