import { Effect, Exit, Layer, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { DataFlow, Database } from "../../src/index.js"
import { makeMongoService } from "../../src/mongo/Service.js"
import { freshMongoUrl, mongoUrl } from "../support/Mongo.js"

const failure = async (url: string, options: Record<string, unknown> = {}) => {
  // through the public layer: proves that a mongodb: URL reaches the MongoDB family
  const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(Database.layer({ url, ...options }))))
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") throw new Error("did not fail")
  return exit.cause.error as { _tag: string; path?: string; phase?: string; message: string }
}

describe("Database.layer on a mongodb: URL, without a server", () => {
  it("refuses a URL without a database (ValidationError on url), never quoting it", async () => {
    const e = await failure("mongodb://root:hunter2@127.0.0.1:1/")
    expect(e).toMatchObject({ _tag: "ValidationError", path: "url" })
    expect(e.message).not.toContain("hunter2")
  })

  it("refuses a bad pool size", async () => {
    expect(await failure("mongodb://127.0.0.1:1/app", { poolSize: -1 })).toMatchObject({ path: "poolSize" })
  })

  it("the driver refusing the URL's options is a ValidationError that does not quote it", async () => {
    const e = await failure("mongodb://root:hunter2@127.0.0.1:1/app?tls=maybe")
    expect(e).toMatchObject({ _tag: "ValidationError", path: "url" })
    expect(e.message).not.toContain("hunter2")
  })

  it("no server listening: ConnectionError (connect) within connectTimeout", async () => {
    const started = Date.now()
    const e = await failure("mongodb://127.0.0.1:1/app", { connectTimeout: "300 millis" })
    expect(e).toMatchObject({ _tag: "ConnectionError", phase: "connect" })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it("refuses options of later issues", async () => {
    expect((await failure("mongodb://127.0.0.1:1/app", { cache: {} }))._tag).toBe("UnsupportedFeature")
  })
})

const Thing = DataFlow.model("Thing", { id: Schema.String, name: Schema.String }, { unique: [["name"]] })

// needs a real MongoDB replica set (DATAFLOW_TEST_MONGO); skipped otherwise (GlobalSetup prints why)
describe.skipIf(!mongoUrl)("makeMongoService on a real MongoDB", () => {
  it("connects, pings, counts its pool, writes in transactions that roll back", async () => {
    const url = await freshMongoUrl("df_runtime_service")
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const db = yield* makeMongoService(url, { url, models: [Thing] })
          expect(db.mongo.transactions).toBe(true)
          expect((yield* db.health).dialect).toBe("mongodb")
          expect(db.poolStats()!.total).toBeGreaterThan(0)
          const now = new Date()
          yield* db.backend.insert(Thing.info, { id: "a", name: "A" }, now)
          const dup = yield* Effect.flip(db.backend.insert(Thing.info, { id: "b", name: "A" }, now))
          expect(dup).toMatchObject({ _tag: "UniqueViolation", fields: ["name"] })
          const rolled = yield* Effect.exit(
            db.transaction(
              Effect.zipRight(db.backend.insert(Thing.info, { id: "c", name: "C" }, now), Effect.fail("x"))
            )
          )
          expect(Exit.isFailure(rolled)).toBe(true)
          expect(yield* db.backend.readById(Thing.info, "c", false, "read")).toBeUndefined()
          expect((yield* db.backend.readById(Thing.info, "a", false, "read"))?.["name"]).toBe("A")
        })
      )
    )
  })
})
