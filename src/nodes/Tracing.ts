/**
 * One span per operation — only when someone is listening. Effect's built-in tracer records spans
 * nobody exports, and on an embedded database a span costs more than the statement (DESIGN §8), so
 * with `tracing: "auto"` (the default) operations open a span only when the fiber's tracer is not
 * the built-in one (e.g. @effect/opentelemetry is installed). `"on"` always, `"off"` never.
 * Spans carry the model and operation, never values; no stack capture.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Database } from "../Database.js"
import type { ModelInfo } from "../model/Model.js"

const builtInTracer = Effect.runSync(Effect.tracer)

/** Wraps an operation in its span according to the Database's tracing mode. */
export const traced = (operation: string, model: ModelInfo) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Database> => {
  const name = `dataflow.${operation}`
  const options = { attributes: { "dataflow.model": model.name, "dataflow.operation": operation }, captureStackTrace: false } as const
  const spanned = Effect.withSpan(effect, name, options)
  return Effect.flatMap(Database, (db) =>
    db.tracing === "off" ? effect
    : db.tracing === "on" ? spanned
    : Effect.tracerWith((tracer) => (tracer === builtInTracer ? effect : spanned)))
}
