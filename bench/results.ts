/** What a run produces, per dialect: one row per contender and scenario, and the stream runs. */
import type { DialectName, ScenarioId } from "./config.js"
import type { Family } from "./contender.js"
import type { Measurement } from "./runner.js"
import type { StreamResult } from "./stream.js"

export interface Cell {
  readonly contender: string
  readonly family: Family
  readonly status: "ok" | "n/a" | "did not run"
  readonly reason?: string
  /** Units per second, median over rounds. */
  readonly rate?: number
  /** Median of per-round time ratios to the baseline (> 1: slower than the baseline). */
  readonly ratio?: number
  readonly note?: string
  readonly measurement?: Measurement
}

export interface ScenarioResult {
  readonly id: ScenarioId
  readonly title: string
  readonly unit: "ops/s" | "rows/s"
  readonly baseline?: string
  readonly rounds: number
  readonly cells: ReadonlyArray<Cell>
}

export interface StreamRun extends Partial<StreamResult> {
  readonly contender: "ours" | "raw"
  readonly error?: string
}

export interface DialectResult {
  readonly dialect: DialectName
  readonly server: string
  /** Contender names in report order (including those that did not run). */
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly family: Family }>
  readonly scenarios: Array<ScenarioResult>
  stream?: ReadonlyArray<StreamRun>
  /** A failure that stopped the whole dialect. */
  fatal?: string
}
