/**
 * A recorder of driver calls for the MongoDB schema and document API tests: a stub standing in for
 * the driver's Db / Collection / ClientSession that records each method and its arguments and
 * answers from fixed, scripted state (the collections, their indexes, the ledger's documents). It
 * proves which commands are sent, never how a database behaves.
 */
import { Effect } from "effect"
import type { ClientSession, Db, MongoClient } from "mongodb"
import type { MongoSchemaHandle } from "../../src/mongo/MigrateDb.js"
import { classifyMongoError } from "../../src/mongo/Errors.js"

/** One recorded call: `db.command`, `users.createIndex`, `session.withTransaction`, … */
export interface Call {
  readonly method: string
  readonly args: ReadonlyArray<unknown>
}

/** The scripted state the stub answers from. */
export interface Script {
  /** listCollections' answer (each `{ name, type?, options? }`). */
  readonly collections?: ReadonlyArray<Record<string, unknown>>
  /** listIndexes' answer by collection. */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>
  /** What `find(...).toArray()` answers, by collection. */
  readonly found?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>
  /** An error a method throws (by `collection.method` or `command.<name>`). */
  readonly throws?: Readonly<Record<string, unknown>>
  /** Answers of other methods, by `collection.method`. */
  readonly answers?: Readonly<Record<string, unknown>>
  /** Whether the server has transactions (default true). */
  readonly transactions?: boolean
  /** The caller's transaction session, if any. */
  readonly inTransaction?: boolean
}

const cursor = (docs: ReadonlyArray<unknown>, calls: Array<Call>, name: string) => {
  const c = {
    sort: (s: unknown) => {
      calls.push({ method: `${name}.sort`, args: [s] })
      return c
    },
    toArray: async () => [...docs]
  }
  return c
}

/** A handle over the recording stub, and its calls. */
export const recorder = (script: Script = {}) => {
  const calls: Array<Call> = []
  const record = (method: string, args: ReadonlyArray<unknown>) => {
    calls.push({ method, args })
    const thrown = script.throws?.[method]
    if (thrown !== undefined) throw thrown
  }
  const collection = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: Array<unknown>) => {
            if (method === "find" || method === "aggregate") {
              calls.push({ method: `${name}.${method}`, args })
              return cursor(script.found?.[name] ?? [], calls, name)
            }
            if (method === "listIndexes") return cursor(script.indexes?.[name] ?? [], calls, name)
            return (async () => {
              record(`${name}.${method}`, args)
              const answer = script.answers?.[`${name}.${method}`]
              return answer !== undefined ? answer : defaultAnswer(method, args)
            })()
          }
      }
    )
  const db = {
    listCollections: (filter: Record<string, unknown>, options?: unknown) => {
      calls.push({ method: "db.listCollections", args: options === undefined ? [filter] : [filter, options] })
      const wanted = filter["name"]
      const names =
        typeof wanted === "string"
          ? [wanted]
          : typeof wanted === "object" && wanted !== null
            ? ((wanted as { $in: Array<string> }).$in ?? [])
            : undefined
      const all = script.collections ?? []
      return cursor(names === undefined ? all : all.filter((c) => names.includes(c["name"] as string)), calls, "db")
    },
    collection,
    command: async (cmd: Record<string, unknown>) => {
      record("db.command", [cmd])
      const thrown = script.throws?.[`command.${Object.keys(cmd)[0]}`]
      if (thrown !== undefined) throw thrown
      return { ok: 1 }
    }
  }
  const session = {
    withTransaction: async (f: () => Promise<unknown>) => {
      calls.push({ method: "session.withTransaction", args: [] })
      return f()
    }
  }
  const client = {
    withSession: async (f: (s: unknown) => Promise<unknown>) => {
      calls.push({ method: "client.withSession", args: [] })
      return f(session)
    }
  }
  const current = script.inTransaction === true ? (session as unknown as ClientSession) : undefined
  const handle: MongoSchemaHandle = {
    db: db as unknown as Db,
    client: client as unknown as MongoClient,
    session: Effect.succeed(current),
    transactions: script.transactions ?? true,
    run: (context, f) =>
      Effect.tryPromise({
        try: () => f(db as unknown as Db, current),
        catch: (e) => classifyMongoError(e, { operation: context.operation })
      })
  }
  return { handle, calls, session }
}

const defaultAnswer = (method: string, args: ReadonlyArray<unknown>): unknown => {
  switch (method) {
    case "insertOne":
      return { acknowledged: true, insertedId: (args[0] as { _id?: unknown })._id }
    case "updateOne":
    case "updateMany":
      return { matchedCount: 0, modifiedCount: 0 }
    case "deleteOne":
    case "deleteMany":
      return { deletedCount: 0 }
    case "countDocuments":
      return 0
    case "findOne":
    case "findOneAndDelete":
      return null
    case "createIndex":
      return "index"
    default:
      return { acknowledged: true }
  }
}

/** The calls' methods only. */
export const methods = (calls: ReadonlyArray<Call>) => calls.map((c) => c.method)

/** A duplicate key error as the driver throws it. */
export const duplicateKey = (keyPattern: Record<string, number>) =>
  Object.assign(new Error("E11000 duplicate key error"), { name: "MongoServerError", code: 11000, keyPattern })
