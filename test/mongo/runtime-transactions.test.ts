import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { makeMongoTransaction } from "../../src/mongo/Transactions.js"
import { labelled, methods, recorder } from "./runtime-recorder.js"

const snapshot = { readConcern: { level: "snapshot" }, writeConcern: { w: "majority" } }

const setup = (script: Parameters<typeof recorder>[0] = {}) => {
  const r = recorder(script)
  const transaction = makeMongoTransaction(r.handle)
  const write = (doc: Record<string, unknown>) =>
    r.handle.run({ operation: "create" }, (db, session) =>
      db.collection("t").insertOne(doc, session ? { session } : {})
    )
  return { ...r, transaction, write }
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromiseExit(effect)

const failure = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) throw new Error("succeeded")
  const e = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  return e as { _tag: string; feature?: string; code?: string }
}

describe("MongoDB transactions (driver calls recorded)", () => {
  it("starts a session, passes it to every call, commits and ends it", async () => {
    const { calls, transaction, write, handle } = setup()
    const exit = await run(
      transaction(
        Effect.gen(function* () {
          yield* write({ _id: 1 })
          return yield* handle.session
        })
      )
    )
    expect(Exit.isSuccess(exit) && exit.value !== undefined).toBe(true)
    expect(calls).toEqual([
      { method: "client.startSession", args: [] },
      { method: "session.startTransaction", args: [snapshot] },
      { method: "t.insertOne", args: [{ _id: 1 }, { session: "<session>" }] },
      { method: "session.commitTransaction", args: [] },
      { method: "session.endSession", args: [] }
    ])
    // outside the transaction: no session
    expect(await Effect.runPromise(handle.session)).toBeUndefined()
  })

  it("aborts when the effect fails, and the typed error passes through", async () => {
    const { calls, transaction, write } = setup()
    const exit = await run(transaction(Effect.zipRight(write({ _id: 1 }), Effect.fail({ _tag: "Mine" as const }))))
    expect(failure(exit)).toEqual({ _tag: "Mine" })
    expect(methods(calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "t.insertOne",
      "session.abortTransaction",
      "session.endSession"
    ])
  })

  it("TransientTransactionError: the whole effect is retried `retries` times, then TransactionConflict", async () => {
    const transient = () => labelled(112, "TransientTransactionError")
    const { calls, transaction, write } = setup({ throws: { "t.insertOne": [transient(), transient(), transient()] } })
    const exit = await run(transaction(write({ _id: 1 }), { retries: 2 }))
    expect(failure(exit)._tag).toBe("TransactionConflict")
    expect(methods(calls).filter((m) => m === "client.startSession")).toHaveLength(3)
    expect(methods(calls).filter((m) => m === "session.abortTransaction")).toHaveLength(3)
    expect(methods(calls).filter((m) => m === "session.commitTransaction")).toHaveLength(0)
  })

  it("TransientTransactionError then success: one retry commits", async () => {
    const { calls, transaction, write } = setup({
      throws: { "t.insertOne": [labelled(251, "TransientTransactionError")] }
    })
    const exit = await run(transaction(write({ _id: 1 }), { retries: 1 }))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(methods(calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "t.insertOne",
      "session.abortTransaction",
      "session.endSession",
      "client.startSession",
      "session.startTransaction",
      "t.insertOne",
      "session.commitTransaction",
      "session.endSession"
    ])
  })

  it("a commit's TransientTransactionError reruns the effect too", async () => {
    const { calls, transaction, write } = setup({
      throws: { "session.commitTransaction": [labelled(251, "TransientTransactionError")] }
    })
    const exit = await run(transaction(write({ _id: 1 }), { retries: 1 }))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(methods(calls).filter((m) => m === "t.insertOne")).toHaveLength(2)
  })

  it("UnknownTransactionCommitResult: the commit alone is retried", async () => {
    const unknown = () => labelled(50, "UnknownTransactionCommitResult")
    const { calls, transaction, write } = setup({ throws: { "session.commitTransaction": [unknown(), unknown()] } })
    const exit = await run(transaction(write({ _id: 1 })))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(methods(calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "t.insertOne",
      "session.commitTransaction",
      "session.commitTransaction",
      "session.commitTransaction",
      "session.endSession"
    ])
  })

  it("UnknownTransactionCommitResult beyond the bound fails (DatabaseError), not rerun", async () => {
    const unknown = () => labelled(50, "UnknownTransactionCommitResult")
    const { calls, transaction, write } = setup({
      throws: { "session.commitTransaction": [unknown(), unknown(), unknown(), unknown()] }
    })
    const exit = await run(transaction(write({ _id: 1 }), { retries: 3 }))
    expect(failure(exit)).toMatchObject({ _tag: "DatabaseError", code: "UnknownTransactionCommitResult" })
    expect(methods(calls).filter((m) => m === "session.commitTransaction")).toHaveLength(4)
    expect(methods(calls).filter((m) => m === "t.insertOne")).toHaveLength(1)
  })

  it("a standalone server: UnsupportedFeature, the effect never runs", async () => {
    const { calls, transaction, write } = setup({ transactions: false })
    const exit = await run(transaction(write({ _id: 1 })))
    expect(failure(exit)._tag).toBe("UnsupportedFeature")
    expect(failure(exit).feature).toContain("replica set")
    expect(calls).toEqual([])
  })

  it("isolation: weaker levels run at snapshot; serializable is UnsupportedFeature", async () => {
    const a = setup()
    expect(Exit.isSuccess(await run(a.transaction(a.write({}), { isolation: "read committed" })))).toBe(true)
    expect(a.calls[1]).toEqual({ method: "session.startTransaction", args: [snapshot] })
    const b = setup()
    const exit = await run(b.transaction(b.write({}), { isolation: "serializable" }))
    expect(failure(exit).feature).toContain("serializable")
    expect(b.calls).toEqual([])
  })

  it("nested calls join the outer transaction (one session, one commit)", async () => {
    const { calls, transaction, write } = setup()
    const exit = await run(transaction(Effect.zipRight(write({ _id: 1 }), transaction(write({ _id: 2 })))))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(methods(calls)).toEqual([
      "client.startSession",
      "session.startTransaction",
      "t.insertOne",
      "t.insertOne",
      "session.commitTransaction",
      "session.endSession"
    ])
  })

  it("a failed nested transaction dooms the outer one: recovered → aborted, UnsupportedFeature", async () => {
    const { calls, transaction, write } = setup()
    const inner = transaction(Effect.zipRight(write({ _id: 2 }), Effect.fail("inner" as const)))
    const exit = await run(transaction(Effect.zipRight(write({ _id: 1 }), Effect.ignore(inner))))
    expect(failure(exit)).toMatchObject({
      _tag: "UnsupportedFeature",
      feature: "recovering from a failed nested transaction (MongoDB has no savepoints)"
    })
    expect(methods(calls)).toContain("session.abortTransaction")
    expect(methods(calls)).not.toContain("session.commitTransaction")
  })

  it("a failed nested transaction not recovered: the outer fails with the inner's error", async () => {
    const { transaction, write } = setup()
    const inner = transaction(Effect.zipRight(write({ _id: 2 }), Effect.fail("inner" as const)))
    expect(failure(await run(transaction(inner)))).toBe("inner")
  })

  it("a nested transaction cannot set an isolation level", async () => {
    const { transaction, write } = setup()
    const exit = await run(transaction(transaction(write({}), { isolation: "repeatable read" })))
    expect(failure(exit)).toMatchObject({ _tag: "ValidationError", path: "isolation" })
  })
})
