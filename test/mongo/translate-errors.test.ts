/**
 * Driver failures → typed errors (src/mongo/Errors.ts), with errors built as the driver builds them
 * (the installed mongodb module's classes, the fields a server sends). No value reaches a message.
 */
import { createRequire } from "node:module"
import { describe, expect, it } from "@effect/vitest"
import * as Errors from "../../src/Errors.js"
import {
  classifyMongoError,
  isTransientTransactionError,
  isUnknownCommitResult,
  onlyDuplicateKeys
} from "../../src/mongo/Errors.js"
import { Item, Member, mongo } from "./translate-fixtures.js"

// the driver's internal classes (not exported from the package root), for errors exactly as it throws them
const internal = createRequire(import.meta.url)
const { WriteError } = internal("mongodb/lib/bulk/common.js") as {
  WriteError: new (err: Record<string, unknown>) => unknown
}
const { WaitQueueTimeoutError } = internal("mongodb/lib/cmap/errors.js") as {
  WaitQueueTimeoutError: new (message: string, address: string) => Error
}

const ctx = { operation: "create", model: Item }
const server = (fields: Record<string, unknown>) => new mongo.MongoServerError(fields as never)
const secret = "Ann-secret-value"
const dup = (index: string) =>
  `E11000 duplicate key error collection: test.items index: ${index} dup key: { name: "${secret}" }`

describe("duplicate keys", () => {
  it("E11000 with keyPattern → UniqueViolation naming fields by column", () => {
    const e = classifyMongoError(
      server({
        errmsg: dup("df_items_nick_name_age_uniq"),
        code: 11000,
        codeName: "DuplicateKey",
        keyPattern: { nick_name: 1, age: 1 },
        keyValue: { nick_name: secret, age: 3 }
      }),
      ctx
    )
    expect(e).toEqual(new Errors.UniqueViolation({ model: "Item", fields: ["nick", "age"] }))
    expect(e.message).not.toContain(secret)
  })
  it("_id → the key field(s)", () => {
    const e = (model = Item) =>
      classifyMongoError(
        server({ errmsg: dup("_id_"), code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: secret } }),
        { operation: "create", model }
      )
    expect(e()).toEqual(new Errors.UniqueViolation({ model: "Item", fields: ["id"] }))
    expect(e(Member)).toEqual(new Errors.UniqueViolation({ model: "Member", fields: ["org", "user"] }))
  })
  it("without keyPattern, the index named in the message", () => {
    expect(classifyMongoError(server({ errmsg: dup("df_items_name_uniq"), code: 11000 }), ctx)).toEqual(
      new Errors.UniqueViolation({ model: "Item", fields: ["name"] })
    )
  })
  it("inside a bulk write (the driver keeps only code and errmsg per write error)", () => {
    const writeError = new WriteError({ index: 3, code: 11000, errmsg: dup("df_items_name_uniq"), op: {} })
    const e = new mongo.MongoBulkWriteError(
      { message: dup("df_items_name_uniq"), code: 11000, writeErrors: [writeError] } as never,
      {} as never
    )
    const classified = classifyMongoError(e, { operation: "bulkInsert", model: Item })
    expect(classified).toEqual(new Errors.UniqueViolation({ model: "Item", fields: ["name"] }))
    expect(onlyDuplicateKeys(e)).toBe(true)
  })
  it("onlyDuplicateKeys is false when another write error is among them", () => {
    const writeErrors = [
      new WriteError({ index: 0, code: 11000, errmsg: dup("_id_"), op: {} }),
      new WriteError({ index: 1, code: 121, errmsg: "Document failed validation", op: {} })
    ]
    const e = new mongo.MongoBulkWriteError({ message: "x", code: 11000, writeErrors } as never, {} as never)
    expect(onlyDuplicateKeys(e)).toBe(false)
    expect(onlyDuplicateKeys(new Error("x"))).toBe(false)
  })
})

describe("transactions", () => {
  it("TransientTransactionError label → TransactionConflict (retryable)", () => {
    const e = server({
      errmsg: "Transaction 7 has been aborted.",
      code: 251,
      codeName: "NoSuchTransaction",
      errorLabels: ["TransientTransactionError"]
    })
    const c = classifyMongoError(e, ctx)
    expect(c._tag).toBe("TransactionConflict")
    expect(c).toMatchObject({ dialect: "mongodb", code: "TransientTransactionError", retryable: true })
    expect(isTransientTransactionError(e)).toBe(true)
  })
  it("WriteConflict (112) → TransactionConflict", () => {
    const c = classifyMongoError(server({ errmsg: "WriteConflict error", code: 112, codeName: "WriteConflict" }), ctx)
    expect(c).toMatchObject({ _tag: "TransactionConflict", code: "112" })
  })
  it("UnknownTransactionCommitResult → DatabaseError (never rerun: it may have committed); detectable for a commit retry", () => {
    const e = server({
      errmsg: "timeout",
      code: 50,
      codeName: "MaxTimeMSExpired",
      errorLabels: ["UnknownTransactionCommitResult"]
    })
    expect(isUnknownCommitResult(e)).toBe(true)
    expect(classifyMongoError(e, { operation: "commit" })).toMatchObject({
      _tag: "DatabaseError",
      code: "UnknownTransactionCommitResult"
    })
  })
})

describe("validation, timeouts, connections, the rest", () => {
  it("document validation failure (121) → ValidationError naming the field, not the value", () => {
    const e = server({
      errmsg: "Document failed validation",
      code: 121,
      errInfo: {
        failingDocumentId: secret,
        details: {
          operatorName: "$jsonSchema",
          schemaRulesNotSatisfied: [
            {
              operatorName: "properties",
              propertiesNotSatisfied: [{ propertyName: "nick_name", details: [{ consideredValue: secret }] }]
            }
          ]
        }
      }
    })
    const c = classifyMongoError(e, ctx)
    expect(c).toEqual(
      new Errors.ValidationError({
        model: "Item",
        path: "nick",
        reason: "the document does not pass the collection's validator"
      })
    )
    expect(c.message).not.toContain(secret)
  })
  it("a missing required property is named too", () => {
    const e = server({
      errmsg: "Document failed validation",
      code: 121,
      errInfo: { details: { schemaRulesNotSatisfied: [{ operatorName: "required", missingProperties: ["name"] }] } }
    })
    expect(classifyMongoError(e, ctx)).toMatchObject({ _tag: "ValidationError", path: "name" })
  })
  it("MaxTimeMSExpired (50) and CSOT → StatementTimeout", () => {
    expect(classifyMongoError(server({ errmsg: "operation exceeded time limit", code: 50 }), ctx)).toMatchObject({
      _tag: "StatementTimeout",
      code: "50"
    })
    expect(classifyMongoError(new mongo.MongoOperationTimeoutError("Timed out"), ctx)._tag).toBe("StatementTimeout")
  })
  it("server selection, not connected, network (before/after handshake), closed client, stepdown → ConnectionError", () => {
    const phase = (e: unknown) => {
      const c = classifyMongoError(e, ctx)
      return c._tag === "ConnectionError" ? c.phase : c._tag
    }
    expect(phase(new mongo.MongoServerSelectionError("Server selection timed out", {} as never))).toBe("connect")
    expect(phase(new mongo.MongoNotConnectedError("not connected"))).toBe("connect")
    expect(phase(new mongo.MongoNetworkError("connect ECONNREFUSED", { beforeHandshake: true }))).toBe("connect")
    expect(phase(new mongo.MongoNetworkError("connection closed"))).toBe("lost")
    expect(phase(new mongo.MongoNetworkTimeoutError("timed out"))).toBe("lost")
    expect(phase(new mongo.MongoTopologyClosedError())).toBe("lost")
    expect(phase(server({ errmsg: "not primary", code: 10107, codeName: "NotWritablePrimary" }))).toBe("lost")
    expect(phase(server({ errmsg: "Authentication failed.", code: 18, codeName: "AuthenticationFailed" }))).toBe(
      "connect"
    )
  })
  it("a full pool's wait queue → PoolTimeout", () => {
    expect(classifyMongoError(new WaitQueueTimeoutError("Timed out", "h:27017"), ctx)._tag).toBe("PoolTimeout")
  })
  it("other server errors → DatabaseError with code and codeName only", () => {
    const c = classifyMongoError(server({ errmsg: `bad value ${secret}`, code: 2, codeName: "BadValue" }), ctx)
    expect(c).toMatchObject({ _tag: "DatabaseError", code: "2", reason: "BadValue", operation: "Item.create" })
    expect(c.message).not.toContain(secret)
    expect(classifyMongoError("boom", { operation: "find" })._tag).toBe("DatabaseError")
  })
})
