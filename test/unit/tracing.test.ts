import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { recordingTracer } from "../support/Tracing.js"

const Span = DataFlow.model("SpanRow", { id: Schema.String, secret: Schema.String })

const recording = recordingTracer

const work = Effect.gen(function* () {
  yield* Span.create({ id: "s1", secret: "hunter2" })
  yield* Span.read({ id: "s1" })
  yield* Span.list({ filter: { secret: "hunter2" } })
})

describe("tracing", () => {
  it.effect("auto: one span per operation when a tracer is installed, none of them carrying values", () =>
    Effect.gen(function* () {
      const { spans, layer } = recording()
      yield* work.pipe(Effect.provide(Database.layer({ url: "sqlite::memory:" })), Effect.provide(layer))
      const ours = spans.filter((s) => s.name.startsWith("dataflow."))
      expect(ours.map((s) => s.name)).toEqual(["dataflow.create", "dataflow.read", "dataflow.list"])
      expect(ours[1]!.attributes).toEqual({ "dataflow.model": "SpanRow", "dataflow.operation": "read" })
      expect(JSON.stringify(spans)).not.toContain("hunter2")
    })
  )

  it.effect("vectorSearch's span carries k, distance and the row count, never the vector", () =>
    Effect.gen(function* () {
      const Vec = DataFlow.model("SpanVec", { id: Schema.String, v: DataFlow.vector(2) })
      const { spans, layer } = recording()
      const parent = yield* Effect.gen(function* () {
        yield* Vec.create({ id: "a", v: [0.123456, 0.654321] })
        yield* Vec.vectorSearch({ vector: [0.987654, 0.456789], k: 3, distance: "l2" })
        return yield* Effect.currentSpan
      }).pipe(
        Effect.withSpan("mine"),
        Effect.provide(Database.layer({ url: "sqlite::memory:" })),
        Effect.provide(layer)
      )
      const search = spans.find((s) => s.name === "dataflow.vectorSearch")!
      expect(search.attributes).toEqual({
        "dataflow.model": "SpanVec",
        "dataflow.operation": "vectorSearch",
        "dataflow.k": 3,
        "dataflow.distance": "l2",
        "dataflow.rows": 1
      })
      expect(JSON.stringify(spans)).not.toMatch(/0\.98765|0\.12345/)
      expect(spans.find((s) => s.name === "mine")!.attributes).toEqual({})
      expect(parent.name).toBe("mine")
    })
  )

  it.effect("auto with Effect's built-in tracer: no operation spans (they would cost more than the statement)", () =>
    Effect.gen(function* () {
      const parent = yield* Effect.gen(function* () {
        yield* Span.create({ id: "s1", secret: "x" })
        return yield* Effect.currentSpan.pipe(Effect.option)
      }).pipe(Effect.withSpan("mine"), Effect.provide(Database.layer({ url: "sqlite::memory:" })))
      // the caller's own span is untouched and still current
      expect(Option.map(parent, (s) => s.name)).toEqual(Option.some("mine"))
    })
  )

  it.effect("off: no operation spans even when a tracer is installed", () =>
    Effect.gen(function* () {
      const off = recording()
      yield* work.pipe(
        Effect.provide(Database.layer({ url: "sqlite::memory:", tracing: "off" })),
        Effect.provide(off.layer)
      )
      expect(off.spans.filter((s) => s.name.startsWith("dataflow."))).toEqual([])
      const on = recording()
      yield* work.pipe(
        Effect.provide(Database.layer({ url: "sqlite::memory:", tracing: "on" })),
        Effect.provide(on.layer)
      )
      expect(on.spans.filter((s) => s.name.startsWith("dataflow.")).length).toBe(3)
    })
  )
})
