/**
 * The DAG runner. Nodes start as soon as everything they depend on has finished; at most
 * `concurrency` run at once (a Semaphore; default 4). A transactional workflow (or any run inside
 * a caller's transaction) runs its nodes one at a time in dependency order on the transaction's one
 * connection: concurrent statements there would interleave savepoints and gain nothing. The first failing node stops
 * the run with NodeFailed { nodeId, cause } (other running nodes are interrupted).
 *
 * Spans: `dataflow.workflow` (workflow, runId) and one `dataflow.workflow.node` per node (nodeId,
 * nodeType, model, rows, skipped) — counts and names, never values.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Deferred, Effect, Either, Option } from "effect"
import { Database } from "../Database.js"
import * as Errors from "../Errors.js"
import { compile, isSkipped, type Plan, type PlanNode, Skipped } from "./Plan.js"
import { type NodeError, rowsOf } from "./Registry.js"
import type { WorkflowSpec } from "./Spec.js"

/** Options of `Workflow.run`. */
export interface RunOptions {
  /** How many independent nodes may run at once (default 4). Transactional workflows run one at a time. */
  readonly concurrency?: number
}

/** What a run returns: its id and one result per node id (a `Skipped` marker for nodes that did not run). */
export interface RunResult<R = Readonly<Record<string, unknown>>> {
  readonly runId: string
  readonly results: R
}

/** Errors a run fails with: a definition problem, a failed node (its own error inside), or the transaction's own begin/commit failure. */
export type RunError<E = NodeError> =
  Errors.WorkflowDefinitionError | Errors.NodeFailed<E> | Errors.QueryError | Errors.UnsupportedFeature

/** The default bound on concurrently running nodes. */
export const defaultConcurrency = 4

const retryable = new Set(["TransactionConflict", "ConnectionError", "PoolTimeout", "StatementTimeout"])
const tagOf = (e: unknown) => (e !== null && typeof e === "object" ? (e as { _tag?: unknown })._tag : undefined)

const skipOf = (node: PlanNode, results: ReadonlyMap<string, unknown>): Skipped | undefined => {
  for (const d of node.propagates) {
    const r = results.get(d)
    if (isSkipped(r)) return new Skipped({ by: r.by })
  }
  for (const g of node.gates) {
    if ((results.get(g.condition) as { value?: unknown } | undefined)?.value !== g.branch)
      return new Skipped({ by: g.condition })
  }
  return undefined
}

const step = (
  node: PlanNode,
  results: Map<string, unknown>,
  permit: <A, E, R>(e: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
) => {
  const attributes = { nodeId: node.id, nodeType: node.type, ...(node.model ? { model: node.model } : {}) }
  const skipped = skipOf(node, results)
  if (skipped !== undefined) {
    results.set(node.id, skipped)
    return Effect.annotateCurrentSpan("skipped", true).pipe(
      Effect.withSpan("dataflow.workflow.node", { attributes, captureStackTrace: false })
    )
  }
  const attempt = Effect.suspend(() => node.run(results))
  const retried =
    node.retry === undefined
      ? attempt
      : Effect.retry(attempt, { schedule: node.retry, while: (e) => retryable.has(tagOf(e) as string) })
  return permit(retried).pipe(
    Effect.tap((out) => {
      results.set(node.id, out)
      return node.operation ? Effect.annotateCurrentSpan("rows", rowsOf(node.operation, out)) : Effect.void
    }),
    Effect.mapError((cause) => new Errors.NodeFailed({ nodeId: node.id, cause })),
    Effect.withSpan("dataflow.workflow.node", { attributes, captureStackTrace: false })
  )
}

/** Runs a plan's nodes; returns results keyed by node id in definition order. */
export const execute = (
  plan: Plan,
  concurrency: number
): Effect.Effect<Readonly<Record<string, unknown>>, Errors.NodeFailed<NodeError>, Database> =>
  Effect.gen(function* () {
    const results = new Map<string, unknown>()
    if (concurrency === 1) {
      yield* Effect.forEach(plan.nodes, (node) => step(node, results, (e) => e), { discard: true })
    } else {
      const semaphore = yield* Effect.makeSemaphore(concurrency)
      const done = new Map<string, Deferred.Deferred<void>>()
      for (const node of plan.nodes) done.set(node.id, yield* Deferred.make<void>())
      yield* Effect.forEach(
        plan.nodes,
        (node) =>
          Effect.gen(function* () {
            for (const d of node.deps) yield* Deferred.await(done.get(d)!)
            yield* step(node, results, semaphore.withPermits(1))
            yield* Deferred.succeed(done.get(node.id)!, undefined)
          }),
        { concurrency: "unbounded", discard: true }
      )
    }
    return Object.fromEntries(plan.order.map((id) => [id, results.get(id)]))
  })

const isConflict = (e: unknown) =>
  tagOf(e) === "TransactionConflict" ||
  (tagOf(e) === "NodeFailed" && tagOf((e as Errors.NodeFailed).cause) === "TransactionConflict")

/** Validates a workflow against the current Database layer and the inputs, then runs it. */
export const runSpec = (
  spec: WorkflowSpec,
  inputs: unknown,
  options: RunOptions = {}
): Effect.Effect<RunResult, RunError, Database> =>
  Effect.suspend(() => {
    const runId = crypto.randomUUID()
    return Effect.gen(function* () {
      const db = yield* Database
      const n = options.concurrency ?? defaultConcurrency
      const optionProblems =
        Number.isSafeInteger(n) && n >= 1 ? [] : ["run options: concurrency must be a positive integer"]
      const planned = compile(spec, db.models, inputs ?? {}, optionProblems)
      if (Either.isLeft(planned)) return yield* planned.left
      const plan = planned.right
      yield* Effect.annotateCurrentSpan({ nodes: plan.nodes.length, transactional: plan.transactional !== undefined })
      const tx = plan.transactional
      if (tx === undefined) {
        // inside the caller's transaction every node shares its one connection: one at a time
        const inTransaction = Option.isSome(yield* Effect.serviceOption(SqlClient.TransactionConnection))
        return { runId, results: yield* execute(plan, inTransaction ? 1 : n) }
      }
      const once = db.transaction(execute(plan, 1), tx.isolation !== undefined ? { isolation: tx.isolation } : {})
      const retries = tx.retries ?? 0
      const results = yield* retries > 0 ? Effect.retry(once, { times: retries, while: isConflict }) : once
      return { runId, results }
    }).pipe(
      Effect.withSpan("dataflow.workflow", {
        attributes: { workflow: typeof spec.name === "string" ? spec.name.slice(0, 200) : "(unnamed)", runId },
        captureStackTrace: false
      })
    )
  })
