/**
 * A tracer that records every span it is asked to open and the attributes set on it, as an exporter
 * would receive them (for the tests that spans carry counts and never values).
 */
import { Effect, Layer, Tracer } from "effect"

export const recordingTracer = () => {
  const spans: Array<{ name: string; attributes: Record<string, unknown> }> = []
  const native = Effect.runSync(Effect.tracer)
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      const attributes: Record<string, unknown> = {}
      spans.push({ name, attributes })
      const set = span.attribute.bind(span)
      span.attribute = (k, v) => {
        attributes[k] = v
        set(k, v)
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, layer: Layer.setTracer(tracer) }
}
