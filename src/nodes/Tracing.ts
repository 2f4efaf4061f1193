/**
 * One span per operation — only when someone is listening. Effect's built-in tracer records spans
 * nobody exports, and on an embedded database a span costs more than the statement, so
 * with `tracing: "auto"` (the default) operations open a span only when the fiber's tracer is not
 * the built-in one (e.g. @effect/opentelemetry is installed). `"on"` always, `"off"` never.
 * Spans carry the model and operation, never values; no stack capture.
 *
 * @since 0.1.0
 */
import { Context, Effect, Tracer } from "effect"
import { Database, type DatabaseService } from "../Database.js"
import type { ModelInfo } from "../model/Model.js"

const builtInTracer = Effect.runSync(Effect.tracer)

/**
 * Runs an operation's body with the current Database, inside its span when tracing asks for one.
 * One fiber-runtime step: the Database and the tracer are read from the fiber directly.
 */
export const operation = <A, E, R>(
  name: string,
  model: ModelInfo,
  body: (db: DatabaseService) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | Database> =>
  Effect.withFiberRuntime((fiber) => {
    const db = Context.unsafeGet(fiber.currentContext, Database)
    const effect = body(db)
    const tracer = Context.get(fiber.currentDefaultServices, Tracer.Tracer)
    if (db.tracing === "off" || (db.tracing === "auto" && tracer === builtInTracer)) return effect
    return Effect.withSpan(effect, `dataflow.${name}`, {
      attributes: { "dataflow.model": model.name, "dataflow.operation": name },
      captureStackTrace: false
    })
  })

/** Wraps an operation written as one Effect in its span (see `operation`). */
export const traced =
  (name: string, model: ModelInfo) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Database> =>
    operation(name, model, () => effect)

/**
 * Sets attributes on the operation's own span (`dataflow.<name>`), and on nothing else: without our
 * span (tracing off, or the built-in tracer) the caller's span stays untouched.
 */
export const annotateOwn = (name: string, attributes: Record<string, string | number | boolean>): Effect.Effect<void> =>
  Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
    Effect.sync(() => {
      if (span._tag === "Some" && span.value.name === `dataflow.${name}`) {
        for (const [k, v] of Object.entries(attributes)) span.value.attribute(k, v)
      }
    })
  )
