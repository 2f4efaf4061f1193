/**
 * What a plan needs before its first operation, and what a backend cannot make: the vector type
 * (PostgreSQL: `CREATE EXTENSION IF NOT EXISTS vector` as the plan's first step, only when pgvector is
 * not installed yet, so a user who may not create extensions is fine once it is), and the search
 * indexes a backend refuses (SQLite: composite keys, innerProduct) or cannot make (SQLite without
 * the sqlite-vec extension). All refuse with
 * `SchemaMismatch`, whose reason says what to do, before anything runs.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import type { MigrationBackend, MigrationDb } from "./Backend.js"
import type { LiveTable } from "./LiveSchema.js"
import type { Operation } from "./Operation.js"

/** The first model whose search indexes the backend cannot make, as a SchemaMismatch. */
export const searchRefusal = (
  backend: MigrationBackend,
  models: ReadonlyArray<ModelInfo>
): Errors.SchemaMismatch | undefined => {
  for (const m of models) {
    const refused = backend.statements.search?.refusal(m)
    if (refused === undefined) continue
    const field = refused.field !== undefined ? m.columnMap.get(refused.field) : undefined
    return new Errors.SchemaMismatch({
      model: m.name,
      table: m.table,
      ...(field !== undefined ? { field: field.name, column: field.column } : {}),
      reason: refused.reason
    })
  }
  return undefined
}

/** `ops` with the step that makes vectors storable first, when they add a vector column and it is needed. */
export const withVectorSupport = (
  db: MigrationDb,
  backend: MigrationBackend,
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyArray<LiveTable>,
  ops: ReadonlyArray<Operation>
): Effect.Effect<ReadonlyArray<Operation>, Errors.QueryError | Errors.SchemaMismatch> =>
  Effect.gen(function* () {
    const liveByName = new Map(live.map((t) => [t.name, t] as const))
    const touched = new Set(ops.map((o) => o.table))
    const needs = models.flatMap((m) => {
      const have = new Set((liveByName.get(m.table)?.columns ?? []).map((c) => c.name))
      const field = touched.has(m.table) ? m.columns.find((f) => f.kind === "vector" && !have.has(f.column)) : undefined
      return field !== undefined ? [{ model: m, field }] : []
    })
    const indexOp = ops.find((o) => o.vectorIndex === true)
    if (indexOp !== undefined) {
      const indexes = yield* backend.vectorSupport(db, "index")
      const model = models.find((m) => m.table === indexOp.table)
      if (indexes.kind === "missing" && model !== undefined) {
        return yield* new Errors.SchemaMismatch({ model: model.name, table: model.table, reason: indexes.reason })
      }
    }
    const first = needs[0]
    if (first === undefined) return ops
    const support = yield* backend.vectorSupport(db, "column")
    if (support.kind === "ready") return ops
    if (support.kind === "missing") {
      return yield* new Errors.SchemaMismatch({
        model: first.model.name,
        table: first.model.table,
        field: first.field.name,
        column: first.field.column,
        reason: support.reason
      })
    }
    const step: Operation = {
      kind: "createExtension",
      table: first.model.table,
      description: `${support.description}, for ${first.model.table}.${first.field.column}`,
      up: support.up,
      // rollback leaves the extension: other schemas and tables may use it
      down: [],
      destructive: false,
      additive: true
    }
    return [step, ...ops]
  })
