/**
 * The issue's targets, judged on the same run: single-row operations ≤ 1.15x the raw driver's
 * fastest form and faster than every peer; bulk insert 100k ≥ 0.5x COPY (PostgreSQL) or ≥ 0.8x
 * the raw multi-row insert (MariaDB, SQLite) and faster than every peer; bulk upsert faster than
 * every peer. Ratios are medians of per-round ratios.
 */
import type { DialectName, ScenarioId } from "./config.js"
import { oursName } from "./contenders/ours.js"
import type { DialectResult, ScenarioResult } from "./results.js"
import { ratioOf } from "./runner.js"

export interface Verdict {
  readonly dialect: DialectName
  readonly scenario: ScenarioId
  readonly target: string
  readonly measured: string
  readonly met: boolean | undefined
}

const x = (r: number) => `${r.toFixed(2)}x`

const single: ReadonlyArray<ScenarioId> = ["read", "list", "count", "insert", "update", "transaction"]

const versusPeers = (d: DialectResult, s: ScenarioResult): Verdict | undefined => {
  const ours = s.cells.find((c) => c.contender === oursName)
  if (ours?.status !== "ok" || ours.measurement === undefined) return undefined
  const peers = s.cells.filter((c) => c.family === "peer" && c.status === "ok" && c.measurement !== undefined)
  const absent = s.cells.filter((c) => c.family === "peer" && c.status === "did not run").map((c) => c.contender)
  if (peers.length === 0)
    return {
      dialect: d.dialect,
      scenario: s.id,
      target: "faster than every peer",
      measured: "no peer ran",
      met: undefined
    }
  const vs = peers
    .map((p) => ({ name: p.contender, r: ratioOf(ours.measurement!, p.measurement!) }))
    .sort((a, b) => b.r - a.r)
  const worst = vs[0]!
  return {
    dialect: d.dialect,
    scenario: s.id,
    target: "faster than every peer",
    measured: `ours / ${worst.name} = ${x(worst.r)} (closest peer)${absent.length > 0 ? `; did not run: ${absent.join(", ")}` : ""}`,
    met: worst.r < 1
  }
}

export const judge = (results: ReadonlyArray<DialectResult>): Array<Verdict> => {
  const out: Array<Verdict> = []
  for (const d of results) {
    for (const s of d.scenarios) {
      const ours = s.cells.find((c) => c.contender === oursName)
      const base = s.baseline
      const ran = ours?.status === "ok" && ours.ratio !== undefined && Number.isFinite(ours.ratio)
      if (single.includes(s.id)) {
        out.push({
          dialect: d.dialect,
          scenario: s.id,
          target: `≤ 1.15x the raw driver (${base ?? "none ran"})`,
          measured: ran ? x(ours.ratio!) : "did not run",
          met: ran ? ours.ratio! <= 1.15 : false
        })
      }
      if (s.id === "bulk-insert-100k") {
        const need = d.dialect === "postgres" ? 0.5 : 0.8
        const speed = ran ? 1 / ours.ratio! : NaN
        out.push({
          dialect: d.dialect,
          scenario: s.id,
          target: `≥ ${need}x the speed of ${base ?? "the raw driver"}`,
          measured: ran ? `${speed.toFixed(2)}x the speed (time ${x(ours.ratio!)})` : "did not run",
          met: ran ? speed >= need : false
        })
      }
      if (single.includes(s.id) || s.id === "bulk-insert-100k" || s.id === "bulk-upsert-10k") {
        const v = versusPeers(d, s)
        if (v !== undefined) out.push(v)
      }
    }
  }
  return out
}
