/**
 * `discover` on MongoDB: every collection (not `system.*`, not the library's `dataflow_*`), up to
 * 200 documents sampled from each (`$sample`, BSON numbers kept as their types) and its indexes,
 * described as models by src/mongo/DiscoverInfer.ts — the same descriptions the SQL discover
 * returns, so `renderModels` prints them.
 *
 * @since 0.1.0
 */
import { type Effect } from "effect"
import type * as Errors from "../Errors.js"
import type { ModelDescription } from "../migrations/Discover.js"
import { uniqueModelNames } from "../migrations/Discover.js"
import { describeCollection } from "./DiscoverInfer.js"
import type { MongoSchemaHandle } from "./MigrateDb.js"
import type { LiveIndex } from "./MigratePlan.js"
import type { Doc } from "./Values.js"

/** How many documents of each collection are sampled. */
export const sampleSize = 200

/** Whether discovery skips a collection: system collections and the library's own. */
export const skipped = (name: string): boolean => name.startsWith("system.") || name.startsWith("dataflow_")

/** Every collection of the database described as a model. */
export const discover = (h: MongoSchemaHandle): Effect.Effect<ReadonlyArray<ModelDescription>, Errors.QueryError> =>
  h.run({ operation: "discover" }, async (db) => {
    const infos = await db.listCollections({}, { nameOnly: true }).toArray()
    const names = infos
      .filter((i) => !("type" in i) || i.type === undefined || i.type === "collection")
      .map((i) => i.name)
      .filter((n) => !skipped(n))
      .sort()
    const out: Array<ModelDescription> = []
    for (const name of names) {
      const c = db.collection<Doc>(name)
      const docs = await c.aggregate<Doc>([{ $sample: { size: sampleSize } }], { promoteValues: false }).toArray()
      const indexes = (await c.listIndexes().toArray()) as unknown as Array<LiveIndex>
      out.push(describeCollection(name, docs, indexes))
    }
    return uniqueModelNames(out)
  })
