/**
 * Interleaved measuring of one vector configuration: ours and the raw driver answer the same
 * queries one after the other (which goes first alternates query by query), after an untimed
 * warm-up; per contender p50/p95 latency, recall@k against the exact answers and how many rows
 * came back; and how often both returned the same ids in the same order.
 */
import { performance } from "node:perf_hooks"
import { mean, percentile, recall } from "./data.js"

export type Search = (query: number) => Promise<ReadonlyArray<number>>

export interface Stats {
  /** Milliseconds. */
  readonly p50: number
  readonly p95: number
  readonly recall: number
  readonly minRows: number
  readonly maxRows: number
}

export interface Measured {
  readonly queries: number
  readonly ours: Stats
  readonly raw: Stats
  /** Queries where both returned the same ids in the same order. */
  readonly same: number
}

const stats = (
  ms: Array<number>,
  answers: Array<ReadonlyArray<number>>,
  exact: ReadonlyArray<ReadonlyArray<number>>
) => ({
  p50: percentile(ms, 50),
  p95: percentile(ms, 95),
  recall: mean(answers.map((a, i) => recall(a, exact[i]!))),
  minRows: Math.min(...answers.map((a) => a.length)),
  maxRows: Math.max(...answers.map((a) => a.length))
})

/** Runs `queries` queries (indexes into `exact`) through both contenders. */
export const measurePair = async (
  ours: Search,
  raw: Search,
  exact: ReadonlyArray<ReadonlyArray<number>>,
  queries: number,
  warmup: number
): Promise<Measured> => {
  for (let i = 0; i < Math.min(warmup, queries); i++) {
    await ours(i)
    await raw(i)
  }
  const times = { ours: [] as Array<number>, raw: [] as Array<number> }
  const answers = { ours: [] as Array<ReadonlyArray<number>>, raw: [] as Array<ReadonlyArray<number>> }
  for (let i = 0; i < queries; i++) {
    for (const who of i % 2 === 0 ? (["ours", "raw"] as const) : (["raw", "ours"] as const)) {
      const t0 = performance.now()
      const ids = await (who === "ours" ? ours : raw)(i)
      times[who].push(performance.now() - t0)
      answers[who].push(ids)
    }
  }
  const same = answers.ours.filter(
    (a, i) => a.length === answers.raw[i]!.length && a.every((id, j) => id === answers.raw[i]![j])
  ).length
  return {
    queries,
    ours: stats(times.ours, answers.ours, exact),
    raw: stats(times.raw, answers.raw, exact),
    same
  }
}
