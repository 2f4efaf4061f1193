/**
 * A Database service with no database behind it, for workflow unit tests: it holds the models
 * (so node types resolve) and records every other use — a statement, a table creation, a health
 * check — which then dies. `transaction` runs the effect as it is and is recorded too.
 */
import { Effect, Layer } from "effect"
import { Database } from "../../src/index.js"
import type { DatabaseService, ModelLike } from "../../src/Database.js"

export const fakeDatabase = (models: ReadonlyArray<ModelLike>) => {
  const calls: Array<string> = []
  const known: Record<string, unknown> = {
    dialect: "sqlite",
    models: new Map(models.map((m) => [m.info.name, m] as const)),
    tracing: "off",
    transaction: (effect: Effect.Effect<unknown>) =>
      Effect.suspend(() => {
        calls.push("transaction")
        return effect
      })
  }
  const service = new Proxy(known, {
    get: (target, key) => {
      if (typeof key === "symbol" || key === "then") return undefined
      if (key in target) return target[key]
      return (..._args: ReadonlyArray<unknown>) => {
        calls.push(key)
        return Effect.dieMessage(`the fake database was asked for ${key}`)
      }
    }
  }) as unknown as DatabaseService
  return { layer: Layer.succeed(Database.Database, service), calls }
}
