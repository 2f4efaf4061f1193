/**
 * The DAG runner without a database: models whose operations are replaced by instrumented fakes
 * prove how concurrency is bounded, that dependencies order execution, which errors are retried,
 * and that `transactional({ retries })` re-runs the whole workflow on a conflict.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schedule, Schema } from "effect"
import { DataFlow, Errors, Workflow } from "../../src/index.js"
import { fakeDatabase } from "../support/FakeDatabase.js"

const Item = DataFlow.model("Item", { id: Schema.String, n: Schema.Int })

/** An Item model whose `read` sleeps, and records how many reads overlap and when each starts and ends. */
const slowItems = (ms = 15) => {
  const log: Array<string> = []
  let inFlight = 0
  const stats = { max: 0 }
  const model = {
    ...Item,
    read: (p: { readonly id: string }) =>
      Effect.gen(function* () {
        inFlight++
        stats.max = Math.max(stats.max, inFlight)
        log.push(`start ${p.id}`)
        yield* Effect.sleep(`${ms} millis`)
        log.push(`end ${p.id}`)
        inFlight--
        return { id: p.id, n: 1, created_at: new Date(0), updated_at: new Date(0) }
      })
  }
  return { model, log, stats }
}

const independent = (count: number) => {
  let wf = Workflow.make("fan-out")
  for (let i = 0; i < count; i++) wf = wf.addNode("ItemReadNode", `r${i}`, { id: `i${i}` })
  return wf
}

describe("concurrency", () => {
  it.live("independent nodes run concurrently, at most `concurrency` at once (default 4)", () =>
    Effect.gen(function* () {
      for (const [options, bound] of [
        [{}, 4],
        [{ concurrency: 2 }, 2],
        [{ concurrency: 1 }, 1],
        [{ concurrency: 16 }, 10]
      ] as const) {
        const { model, stats } = slowItems()
        const { results } = yield* Workflow.run(independent(10), {}, options).pipe(
          Effect.provide(fakeDatabase([model]).layer)
        )
        expect(Object.keys(results)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`))
        expect(stats.max).toBe(bound)
      }
    })
  )

  it.live("typed nodes without `after` are independent and run concurrently", () =>
    Effect.gen(function* () {
      const { model, stats } = slowItems()
      const wf = Workflow.typed("t", { models: [model as unknown as typeof Item] })
        .node("a", "ItemReadNode", { params: { id: "a" } })
        .node("b", "ItemReadNode", { params: () => ({ id: "b" }) })
        .node("c", "ItemReadNode", { params: { id: "c" } })
      yield* Workflow.run(wf, {}).pipe(Effect.provide(fakeDatabase([model]).layer))
      expect(stats.max).toBe(3)
    })
  )

  it.live("a node starts only after everything it depends on has finished", () =>
    Effect.gen(function* () {
      const { model, log } = slowItems(5)
      const wf = Workflow.make("chain")
        .addNode("ItemReadNode", "a", { id: "a" })
        .addNode("ItemReadNode", "b", { id: "b" })
        .addNode("ItemReadNode", "c", { id: "c" }, { after: ["a", "b"] })
        .addNode("ItemReadNode", "d", { id: "d" }, { after: ["c"] })
      yield* Workflow.run(wf, {}, { concurrency: 8 }).pipe(Effect.provide(fakeDatabase([model]).layer))
      const at = (e: string) => log.indexOf(e)
      expect(at("start a")).toBeLessThan(at("end b")) // a and b overlap
      expect(at("start b")).toBeLessThan(at("end a"))
      expect(at("start c")).toBeGreaterThan(Math.max(at("end a"), at("end b")))
      expect(at("start d")).toBeGreaterThan(at("end c"))
    })
  )

  it.live("a transactional workflow runs one node at a time, in dependency order", () =>
    Effect.gen(function* () {
      const { model, stats } = slowItems(5)
      const db = fakeDatabase([model])
      yield* Workflow.run(independent(6).transactional(), {}, { concurrency: 4 }).pipe(Effect.provide(db.layer))
      expect(stats.max).toBe(1)
      expect(db.calls).toEqual(["transaction"])
    })
  )

  it.live(
    "inside the caller's transaction (one shared connection) nodes run one at a time whatever `concurrency` says",
    () =>
      Effect.gen(function* () {
        const { model, stats } = slowItems(5)
        const inTransaction = Effect.provideService(SqlClient.TransactionConnection, [{} as never, 0] as const)
        yield* Workflow.run(independent(6), {}, { concurrency: 4 }).pipe(
          inTransaction,
          Effect.provide(fakeDatabase([model]).layer)
        )
        expect(stats.max).toBe(1)
      })
  )

  it.live("the first failure stops the run: nodes not yet started never start", () =>
    Effect.gen(function* () {
      const { model, log } = slowItems(5)
      const failing = { ...model, count: () => Effect.fail(new Errors.DatabaseError({ dialect: "sqlite", code: "X" })) }
      const wf = independent(6).addNode("ItemCountNode", "boom", {})
      const error = yield* Effect.flip(
        Workflow.run(wf, {}, { concurrency: 1 }).pipe(Effect.provide(fakeDatabase([failing]).layer))
      )
      expect(error).toMatchObject({ _tag: "NodeFailed", nodeId: "boom", cause: { _tag: "DatabaseError", code: "X" } })
      // dependency order among independent nodes is definition order: all six ran before boom
      expect(log.filter((l) => l.startsWith("start"))).toHaveLength(6)
      const early = Workflow.make("w")
        .addNode("ItemCountNode", "boom", {})
        .addNode("ItemReadNode", "after", { id: "x" }, { after: ["boom"] })
      const { model: m2, log: log2 } = slowItems()
      const failing2 = { ...m2, count: failing.count }
      yield* Effect.flip(Workflow.run(early, {}).pipe(Effect.provide(fakeDatabase([failing2]).layer)))
      expect(log2).toEqual([])
    })
  )
})

describe("retries", () => {
  const flaky = (failures: number, error: () => unknown) => {
    const state = { attempts: 0 }
    const model = {
      ...Item,
      read: (p: { readonly id: string }) =>
        Effect.suspend(() =>
          ++state.attempts <= failures ? Effect.fail(error()) : Effect.succeed({ id: p.id, n: state.attempts })
        )
    }
    return { model, state }
  }
  const conflict = () => new Errors.TransactionConflict({ dialect: "postgres", code: "40001" })

  it.live("a node retries with its Schedule on retryable errors (JSON policy or Schedule)", () =>
    Effect.gen(function* () {
      for (const retry of [{ times: 3 }, { times: 3, delay: 1, backoff: "exponential" as const }, Schedule.recurs(3)]) {
        const { model, state } = flaky(2, conflict)
        const wf = Workflow.make("w").addNode("ItemReadNode", "r", { id: "x" }, { retry })
        const { results } = yield* Workflow.run(wf).pipe(Effect.provide(fakeDatabase([model]).layer))
        expect(results["r"]).toEqual({ id: "x", n: 3 })
        expect(state.attempts).toBe(3)
      }
    })
  )

  it.live("retries stop at `times`; the last error comes out in NodeFailed", () =>
    Effect.gen(function* () {
      const { model, state } = flaky(10, conflict)
      const wf = Workflow.make("w").addNode("ItemReadNode", "r", { id: "x" }, { retry: { times: 2 } })
      const error = yield* Effect.flip(Workflow.run(wf).pipe(Effect.provide(fakeDatabase([model]).layer)))
      expect(error).toMatchObject({ _tag: "NodeFailed", nodeId: "r", cause: { _tag: "TransactionConflict" } })
      expect(state.attempts).toBe(3)
    })
  )

  it.live("only TransactionConflict, ConnectionError, PoolTimeout and StatementTimeout are retried", () =>
    Effect.gen(function* () {
      const retried = [
        () => new Errors.ConnectionError({ dialect: "mysql" }),
        () => new Errors.PoolTimeout({ dialect: "postgres" }),
        () => new Errors.StatementTimeout({ dialect: "postgres" })
      ]
      for (const error of retried) {
        const { model, state } = flaky(1, error)
        yield* Workflow.run(Workflow.make("w").addNode("ItemReadNode", "r", { id: "x" }, { retry: { times: 1 } })).pipe(
          Effect.provide(fakeDatabase([model]).layer)
        )
        expect(state.attempts).toBe(2)
      }
      const notRetried = [
        () => new Errors.NotFound({ model: "Item" }),
        () => new Errors.UniqueViolation({ model: "Item", fields: ["id"] }),
        () => new Errors.ValidationError({ path: "n", reason: "x" })
      ]
      for (const error of notRetried) {
        const { model, state } = flaky(1, error)
        const failed = yield* Effect.flip(
          Workflow.run(Workflow.make("w").addNode("ItemReadNode", "r", { id: "x" }, { retry: { times: 5 } })).pipe(
            Effect.provide(fakeDatabase([model]).layer)
          )
        )
        expect(failed).toMatchObject({ _tag: "NodeFailed", cause: { _tag: error()._tag } })
        expect(state.attempts).toBe(1)
      }
    })
  )

  it.live("transactional({ retries }) re-runs the whole workflow in a new transaction on a conflict", () =>
    Effect.gen(function* () {
      const { model, state } = flaky(2, conflict)
      const db = fakeDatabase([model])
      const wf = Workflow.make("w").addNode("ItemReadNode", "r", { id: "x" }).transactional({ retries: 3 })
      const { results } = yield* Workflow.run(wf).pipe(Effect.provide(db.layer))
      expect(results["r"]).toEqual({ id: "x", n: 3 })
      expect(db.calls).toEqual(["transaction", "transaction", "transaction"])
      const once = flaky(1, conflict)
      const error = yield* Effect.flip(
        Workflow.run(wf.transactional(true)).pipe(Effect.provide(fakeDatabase([once.model]).layer))
      )
      expect(error).toMatchObject({ _tag: "NodeFailed", cause: { _tag: "TransactionConflict" } })
    })
  )
})

describe("conditions", () => {
  it.effect("the branch not taken runs nothing; nodes that depend on a skipped node are skipped too", () =>
    Effect.gen(function* () {
      const reads: Array<string> = []
      const model = {
        ...Item,
        read: (p: { readonly id: string }) => Effect.sync(() => (reads.push(p.id), { id: p.id, n: p.id.length }))
      }
      const wf = Workflow.make("route")
        .addNode("ItemReadNode", "first", { id: "{id}" })
        .addCondition("long", { when: { path: "first.n", op: "$gt", value: 3 }, then: ["yes"], else: ["no"] })
        .addNode("ItemReadNode", "yes", { id: "yes" })
        .addNode("ItemReadNode", "no", { id: "no" })
        .addNode("ItemReadNode", "after_yes", {})
        .connect("yes", "id", "after_yes", "id")
        .addCompute("label", (r) => `${(r["first"] as { id: string }).id}!`)
      const run = (id: string) => Workflow.run(wf, { id }).pipe(Effect.provide(fakeDatabase([model]).layer))
      const short = yield* run("ab")
      expect(short.results).toEqual({
        first: { id: "ab", n: 2 },
        long: { value: false, branch: "else" },
        yes: new Workflow.Skipped({ by: "long" }),
        no: { id: "no", n: 2 },
        after_yes: new Workflow.Skipped({ by: "long" }),
        label: "ab!"
      })
      expect(reads).toEqual(["ab", "no"])
      const long = yield* run("abcdef")
      expect(long.results["no"]).toEqual(new Workflow.Skipped({ by: "long" }))
      expect(long.results["after_yes"]).toEqual({ id: "yes", n: 3 })
      expect(Workflow.isSkipped(long.results["no"])).toBe(true)
    })
  )

  it.effect("a predicate that cannot be evaluated fails the condition node with ValidationError", () =>
    Effect.gen(function* () {
      const model = { ...Item, read: (p: { readonly id: string }) => Effect.succeed({ id: p.id, n: 1 }) }
      const wf = Workflow.make("w")
        .addNode("ItemReadNode", "r", { id: "x" })
        .addCondition("c", { when: { path: "r.id", op: "$gt", value: 1 } })
      const error = yield* Effect.flip(Workflow.run(wf).pipe(Effect.provide(fakeDatabase([model]).layer)))
      expect(error).toMatchObject({
        _tag: "NodeFailed",
        nodeId: "c",
        cause: { _tag: "ValidationError", path: "when", reason: "cannot order string against number" }
      })
    })
  )
})
