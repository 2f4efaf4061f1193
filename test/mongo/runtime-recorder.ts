/**
 * A recorder of driver calls for the MongoDB runtime tests: stubs standing in for the driver's
 * MongoClient, Db, Collection and ClientSession that record each method and its arguments (a
 * session passed in options is recorded as "<session>") and answer from a script. It proves which
 * commands are sent, never how a database behaves.
 */
import * as mongo from "mongodb"
import { makeHandle, type MongoHandle } from "../../src/mongo/Client.js"

export { mongo }

/** One recorded call: `users.insertOne`, `session.commitTransaction`, `client.startSession`, … */
export interface Call {
  readonly method: string
  readonly args: ReadonlyArray<unknown>
}

/** What the stub answers: per method (`users.findOne`), a value or a function of the arguments; errors thrown in order. */
export interface Script {
  readonly answers?: Readonly<Record<string, unknown>>
  /** Errors a method throws, one per call, in order (then it answers normally). */
  readonly throws?: Readonly<Record<string, ReadonlyArray<unknown>>>
  readonly transactions?: boolean
  readonly maxTimeMS?: number
}

const scrub = (arg: unknown): unknown =>
  typeof arg === "object" && arg !== null && !Array.isArray(arg) && "session" in arg
    ? { ...(arg as Record<string, unknown>), session: "<session>" }
    : arg

/** A driver error as the driver throws it, with labels. */
export const labelled = (code: number, ...labels: Array<string>) =>
  new mongo.MongoServerError({ message: "scripted", code, errorLabels: labels })

/** A handle over the stubs, and the calls made. */
export const recorder = (script: Script = {}) => {
  const calls: Array<Call> = []
  const thrown = new Map(Object.entries(script.throws ?? {}).map(([k, v]) => [k, [...v]]))
  const call = (method: string, args: ReadonlyArray<unknown>): unknown => {
    calls.push({ method, args: args.map(scrub) })
    const error = thrown.get(method)?.shift()
    if (error !== undefined) throw error
    const answer = script.answers?.[method]
    return typeof answer === "function" ? (answer as (...a: ReadonlyArray<unknown>) => unknown)(...args) : answer
  }
  const cursor = (method: string, args: ReadonlyArray<unknown>) => ({
    toArray: async () => (call(method, args) as Array<unknown> | undefined) ?? []
  })
  const collection = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: Array<unknown>) =>
            method === "find" || method === "aggregate"
              ? cursor(`${name}.${method}`, args)
              : (async () => call(`${name}.${method}`, args) ?? defaultAnswer(method, args))()
      }
    )
  const db = {
    collection,
    command: async (cmd: unknown) => call("db.command", [cmd]) ?? { ok: 1 }
  }
  const session = {
    startTransaction: (options: unknown) => void call("session.startTransaction", [options]),
    commitTransaction: async () => void call("session.commitTransaction", []),
    abortTransaction: async () => void call("session.abortTransaction", []),
    endSession: async () => void call("session.endSession", [])
  }
  const client = {
    startSession: () => {
      call("client.startSession", [])
      return session
    }
  }
  const handle: MongoHandle = makeHandle({
    client: client as never,
    db: db as never,
    driver: mongo,
    transactions: script.transactions ?? true,
    maxTimeMS: script.maxTimeMS
  })
  return { handle, calls, session }
}

const defaultAnswer = (method: string, args: ReadonlyArray<unknown>): unknown => {
  switch (method) {
    case "insertOne":
      return { acknowledged: true, insertedId: (args[0] as { _id?: unknown })._id }
    case "insertMany":
      return { acknowledged: true, insertedCount: (args[0] as Array<unknown>).length }
    case "updateOne":
    case "updateMany":
      return { matchedCount: 0, modifiedCount: 0 }
    case "deleteMany":
      return { deletedCount: 0 }
    case "countDocuments":
      return 0
    case "findOne":
    case "findOneAndUpdate":
      return null
    default:
      return { acknowledged: true }
  }
}

/** The calls' methods only. */
export const methods = (calls: ReadonlyArray<Call>) => calls.map((c) => c.method)
