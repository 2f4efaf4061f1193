/**
 * A reference row, not a contender: the raw driver's fastest form, each call wrapped in
 * `Effect.runPromise(Effect.promise(…))`. It measures what running any Effect per call costs on top
 * of the driver (fiber start, scheduling, promise), the floor for a library whose operations are
 * Effects run one per call — ours included.
 */
import { Effect } from "effect"
import type { Contender, Ops } from "../contender.js"

const single = ["read", "list", "count", "insert", "update", "transaction"] as const

export const effectFloor = (raw: Contender): Contender => {
  const ops: Record<string, unknown> = {}
  for (const op of single) {
    const f = raw.ops[op] as ((...args: Array<unknown>) => Promise<unknown>) | undefined
    if (f !== undefined) ops[op] = (...args: Array<unknown>) => Effect.runPromise(Effect.promise(() => f(...args)))
  }
  return {
    name: `${raw.name} in Effect.runPromise`,
    family: "reference",
    ops: ops as Ops,
    close: async () => {}
  }
}
