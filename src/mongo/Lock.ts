/**
 * The MongoDB migration lock: a document `{ _id: "migrate", owner, expiresAt }` in `dataflow_lock`.
 * Inserting it acquires the lock (the unique `_id` lets one process in); a duplicate key means
 * another process holds it, and we poll until `timeoutMs` has passed (MigrationLockTimeout). A
 * lock whose holder died is taken over once its lease (`leaseMs`, default 15 minutes) expired.
 * Release deletes the document only when we still own it.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import { lockCollection, type MongoSchemaHandle } from "./MigrateDb.js"

/** The lock document's `_id`. */
export const lockId = "migrate"

/** How long a held lock stays valid without its holder (a migration longer than this may be entered). */
export const defaultLeaseMs = 15 * 60_000

const pollMs = 200
const context = { operation: "migration lock", model: lockCollection }

const isDuplicate = (e: unknown) => typeof e === "object" && e !== null && (e as { code?: unknown }).code === 11000

/** One attempt: true when the lock was taken (an expired holder's document is removed first). */
export const tryAcquire = (
  h: MongoSchemaHandle,
  owner: string,
  leaseMs: number = defaultLeaseMs,
  now: () => Date = () => new Date()
): Effect.Effect<boolean, Errors.QueryError> =>
  h.run(context, async (db) => {
    const locks = db.collection<{ _id: string; owner: string; expiresAt: Date }>(lockCollection)
    await locks.deleteOne({ _id: lockId, expiresAt: { $lt: now() } })
    try {
      await locks.insertOne({ _id: lockId, owner, expiresAt: new Date(now().getTime() + leaseMs) })
      return true
    } catch (e) {
      if (isDuplicate(e)) return false
      throw e
    }
  })

/** Releases the lock when `owner` still holds it. */
export const release = (h: MongoSchemaHandle, owner: string): Effect.Effect<void, Errors.QueryError> =>
  Effect.asVoid(
    h.run(context, (db) =>
      db.collection<{ _id: string; owner: string }>(lockCollection).deleteOne({ _id: lockId, owner })
    )
  )

/** Runs `effect` holding the lock; waits up to `timeoutMs` for it (MigrationLockTimeout). */
export const withMongoLock = <A, E>(
  h: MongoSchemaHandle,
  timeoutMs: number,
  effect: Effect.Effect<A, E>
): Effect.Effect<A, E | Errors.QueryError | Errors.MigrationLockTimeout> => {
  const owner = randomUUID()
  const acquire = Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (yield* tryAcquire(h, owner)) return
      if (Date.now() >= deadline) {
        return yield* new Errors.MigrationLockTimeout({ dialect: "mongodb" })
      }
      yield* Effect.sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())))
    }
  })
  return Effect.acquireUseRelease(
    acquire,
    () => effect,
    () => Effect.ignore(release(h, owner))
  )
}
