/**
 * The measuring loop: every contender warms up first, then runs round by round, interleaved
 * (A B C …, the order rotated each round so no contender always follows the same one), in one
 * process. A round of a single-row scenario runs as many operations as fit in `roundMs`
 * (calibrated in the warm-up); a bulk round is one timed call after an untimed reset.
 * Results are medians: of ops/s over rounds, and of per-round ratios to the baseline.
 */
import { performance } from "node:perf_hooks"
import type { Contender, Family } from "./contender.js"
import { errorText } from "./contender.js"

export type Phase = "warmup" | "timed"

/** One contender's part in one scenario. */
export interface Task {
  readonly contender: Contender
  /** Untimed, before each warm-up and timed call (bulk scenarios: empty or seed the table). */
  readonly prepare?: (phase: Phase) => Promise<void>
  /** One operation. `i` counts this task's calls (fresh ids for inserts). */
  readonly run: (phase: Phase, i: number) => Promise<unknown>
  /** Untimed check of a warm-up result (proves the contender did the work). */
  readonly check?: (result: unknown) => Promise<void> | void
}

export interface Plan {
  /** "micro": many calls per round; "bulk": one call per round. */
  readonly mode: "micro" | "bulk"
  readonly rounds: number
  readonly warmupMs: number
  readonly roundMs: number
  /** Units per call (rows for bulk scenarios, 1 for single-row ones). */
  readonly units: number
}

export type Status =
  | { readonly _tag: "ok" }
  | { readonly _tag: "n/a"; readonly reason: string }
  | { readonly _tag: "did not run"; readonly reason: string }

export interface Measurement {
  readonly contender: string
  readonly family: Family
  readonly status: Status
  /** Seconds per call, one entry per round (NaN where a round failed). */
  readonly secondsPerCall: ReadonlyArray<number>
  readonly units: number
  readonly note?: string
}

const now = () => performance.now() / 1000

/** Yields to the event loop so that timers and I/O callbacks of the previous contender settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

export const rotate = <A>(items: ReadonlyArray<A>, by: number): Array<A> =>
  items.length === 0 ? [] : items.map((_, i) => items[(i + by) % items.length]!)

export const median = (xs: ReadonlyArray<number>): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

interface State {
  readonly task: Task
  calls: number
  perRound: number
  readonly seconds: Array<number>
  failure?: string
}

const warmUp = async (s: State, plan: Plan, log: (line: string) => void) => {
  const { task } = s
  try {
    await task.prepare?.("warmup")
    const first = await task.run("warmup", s.calls++)
    await task.check?.(first)
    if (plan.mode === "bulk") return
    const start = now()
    let n = 0
    while (n < 5 || (now() - start) * 1000 < plan.warmupMs) {
      await task.run("warmup", s.calls++)
      n++
    }
    const rate = n / Math.max(now() - start, 1e-6)
    s.perRound = Math.max(3, Math.round((rate * plan.roundMs) / 1000))
  } catch (e) {
    s.failure = `failed in warm-up: ${errorText(e)}`
    log(`    ${task.contender.name}: ${s.failure}`)
  }
}

const timedRound = async (s: State, plan: Plan, log: (line: string) => void) => {
  const { task } = s
  try {
    if (plan.mode === "bulk") {
      await task.prepare?.("timed")
      await settle()
      const start = now()
      await task.run("timed", s.calls++)
      s.seconds.push(now() - start)
      return
    }
    await settle()
    const start = now()
    for (let k = 0; k < s.perRound; k++) await task.run("timed", s.calls++)
    s.seconds.push((now() - start) / s.perRound)
  } catch (e) {
    s.failure = `failed: ${errorText(e)}`
    s.seconds.push(NaN)
    log(`    ${task.contender.name}: ${s.failure}`)
  }
}

/** Warms up, then runs `plan.rounds` interleaved rounds of every task. */
export const measure = async (
  tasks: ReadonlyArray<Task>,
  plan: Plan,
  log: (line: string) => void
): Promise<Array<Measurement>> => {
  const states: Array<State> = tasks.map((task) => ({ task, calls: 0, perRound: 1, seconds: [] }))
  for (const s of states) await warmUp(s, plan, log)
  for (let r = 0; r < plan.rounds; r++) {
    for (const s of rotate(states, r)) {
      if (s.failure === undefined) await timedRound(s, plan, log)
    }
  }
  return states.map((s) => ({
    contender: s.task.contender.name,
    family: s.task.contender.family,
    status: s.failure === undefined ? { _tag: "ok" } : { _tag: "did not run", reason: s.failure },
    secondsPerCall: s.seconds,
    units: plan.units
  }))
}

/** Median of per-round ratios a/b of seconds per unit (> 1: `a` is slower). */
export const ratioOf = (a: Measurement, b: Measurement): number => {
  const n = Math.min(a.secondsPerCall.length, b.secondsPerCall.length)
  const ratios: Array<number> = []
  for (let r = 0; r < n; r++) {
    ratios.push(a.secondsPerCall[r]! / a.units / (b.secondsPerCall[r]! / b.units))
  }
  return median(ratios)
}

/** Units per second: median over rounds. */
export const rateOf = (m: Measurement): number => median(m.secondsPerCall.map((s) => m.units / s))

/**
 * The baseline: the named raw contender when given (PostgreSQL bulk inserts: COPY), else the raw
 * driver's fastest form among those that ran: the one whose worst median per-round ratio against
 * the other raw forms is lowest (so no raw form shows a ratio below 1.00x against it).
 */
export const baselineOf = (ms: ReadonlyArray<Measurement>, preferred?: string): Measurement | undefined => {
  const ran = ms.filter((m) => m.family === "raw" && m.status._tag === "ok" && m.secondsPerCall.some(Number.isFinite))
  const named = preferred === undefined ? undefined : ran.find((m) => m.contender === preferred)
  if (named !== undefined) return named
  const worst = (a: Measurement) => Math.max(1, ...ran.filter((b) => b !== a).map((b) => ratioOf(a, b)))
  return ran.map((m) => ({ m, score: worst(m) })).sort((a, b) => a.score - b.score)[0]?.m
}
