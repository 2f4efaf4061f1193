/** What the vector scenario measured (the report renders it; bench/.out/vector.json keeps it). */
import type { Measured } from "./measure.js"
import type { VectorSizes } from "./run.js"

export interface VectorRow {
  readonly dialect: "postgres" | "sqlite"
  readonly index: string
  readonly setting: string
  readonly filtered: boolean
  readonly measured: Measured
}

export interface BuildRow {
  readonly dialect: "postgres" | "sqlite"
  readonly what: string
  /** Build time; undefined for what is not an index build. */
  readonly seconds: number | undefined
  readonly bytes: number
}

export interface VectorResult {
  readonly sizes: VectorSizes
  readonly startedAt: string
  readonly seconds: number
  readonly servers: ReadonlyArray<string>
  readonly rows: ReadonlyArray<VectorRow>
  readonly builds: ReadonlyArray<BuildRow>
}
