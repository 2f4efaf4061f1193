/**
 * A recorder of driver calls for the MongoDB backend's tests: a stub `Db` whose collections record
 * each method called (collection, method, arguments) and answer with canned, driver-shaped results,
 * and a stub client whose sessions record the transaction calls. It proves which commands the
 * backend sends, never how a database behaves (no server exists here).
 */
import { Schema } from "effect"
import * as mongo from "mongodb"
import type { ClientSession, Db, MongoClient } from "mongodb"
import { DataFlow } from "../../src/index.js"
import { makeHandle, type MongoHandle } from "../../src/mongo/Client.js"

export { mongo }

/** One driver call. */
export interface Call {
  readonly collection: string
  readonly method: string
  readonly args: ReadonlyArray<unknown>
}

/** The answer to a call: a value (a cursor's documents for find/aggregate), or an error thrown. */
export type Answer = (call: Call) => unknown

/** What a test sees: the handle, the calls in order, the transaction calls, and the session. */
export interface Recorder {
  readonly handle: MongoHandle
  readonly calls: Array<Call>
  readonly txCalls: Array<string>
  readonly session: ClientSession
}

const cursorMethods = new Set(["find", "aggregate"])

/** A recorder answering each call with `answer` (default: undefined). */
export const recorder = (
  answer: Answer = () => undefined,
  options: { transactions?: boolean; maxTimeMS?: number } = {}
): Recorder => {
  const calls: Array<Call> = []
  const txCalls: Array<string> = []
  const respond = (call: Call): Promise<unknown> => {
    calls.push(call)
    try {
      const value = answer(call)
      return value instanceof Error ? Promise.reject(value) : Promise.resolve(value)
    } catch (e) {
      return Promise.reject(e)
    }
  }
  const collection = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_, method: string) =>
          (...args: Array<unknown>) => {
            const call = { collection: name, method, args }
            return cursorMethods.has(method) ? { toArray: () => respond(call) } : respond(call)
          }
      }
    )
  const db = { collection } as unknown as Db
  const session = {
    startTransaction: () => void txCalls.push("startTransaction"),
    commitTransaction: async () => void txCalls.push("commitTransaction"),
    abortTransaction: async () => void txCalls.push("abortTransaction"),
    endSession: async () => void txCalls.push("endSession")
  } as unknown as ClientSession
  const client = {
    startSession: () => {
      txCalls.push("startSession")
      return session
    }
  } as unknown as MongoClient
  const handle = makeHandle({
    client,
    db,
    driver: mongo,
    transactions: options.transactions ?? true,
    maxTimeMS: options.maxTimeMS
  })
  return { handle, calls, txCalls, session }
}

/** Soft delete, a unique email, a String key. */
export const User = DataFlow.model(
  "User",
  { id: Schema.String, email: Schema.String, name: Schema.String, age: Schema.optional(Schema.Int) },
  { unique: [["email"]], softDelete: true }
).info

/** An auto-increment key, no timestamps, hard delete. */
export const Counted = DataFlow.model("Counted", { id: Schema.Int, hits: Schema.Int }, { timestamps: false }).info

/** A generated UUID key. */
export const Doc = DataFlow.model("Doc", { id: Schema.UUID, title: Schema.String }, { timestamps: false }).info

/** A composite key (columns mapped). */
export const Member = DataFlow.model(
  "Member",
  {
    org: Schema.String,
    user: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("user_id")),
    role: Schema.String
  },
  { primaryKey: ["org", "user"], timestamps: false }
).info

/** An optional unique key, no timestamps. */
export const Profile = DataFlow.model(
  "Profile",
  { id: Schema.String, nick: Schema.optional(Schema.String) },
  { unique: [["nick"]], timestamps: false }
).info

export const now = new Date("2026-12-04T20:00:00.000Z")
export const later = new Date("2026-12-04T21:00:00.000Z")

/** A stored user document. */
export const userDoc = (id: string, email: string, extra: Record<string, unknown> = {}) => ({
  _id: id,
  email,
  name: `name-${id}`,
  age: null,
  created_at: now,
  updated_at: now,
  deleted_at: null,
  ...extra
})
