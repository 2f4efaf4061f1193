/**
 * Workflows: database work as a graph of named nodes — declarative (and JSON), or typed — run as an
 * Effect with typed errors. Node types resolve against the models of the Database layer in use.
 *
 * ```ts
 * const wf = Workflow.make("signup")
 *   .addNode("UserCreateNode", "create_user", { id: "{id}", name: "{name}", email: "{email}", active: true })
 *   .addNode("UserReadNode", "read_back", {})
 *   .connect("create_user", "id", "read_back", "id")
 *
 * const { runId, results } = yield* Workflow.run(wf, { id: "u1", name: "Alice", email: "a@x.io" })
 * // results.create_user, results.read_back: User records
 * ```
 *
 * Errors: `WorkflowDefinitionError { workflow, problems }` (every problem, before anything runs),
 * `NodeFailed { nodeId, cause }` (the node's own typed error), and the transaction's own errors.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import { Database } from "../Database.js"
import { WorkflowDefinitionError } from "../Errors.js"
import { fromSpec, type Workflow as DeclarativeWorkflow } from "./Builder.js"
import { type Definition, decodeDefinition, encodeDefinition, parseDefinition } from "./Definition.js"
import { nodeTypeName as typeName, registry } from "./Registry.js"
import { type RunError, type RunOptions, type RunResult, runSpec } from "./Run.js"
import type { WorkflowSpec } from "./Spec.js"
import type { TypedLike } from "./Typed.js"
import { analyze, type ValidateContext } from "./Validate.js"

export { fromSpec, make, Workflow } from "./Builder.js"
export type { ConditionOptions, NodeOptions } from "./Builder.js"
export {
  ConnectionDefinition,
  Definition,
  type Json,
  NodeDefinition,
  RetryPolicy,
  TransactionalOptions
} from "./Definition.js"
export type { Comparison, Expression, Predicate } from "./Expression.js"
export { isSkipped, Skipped } from "./Plan.js"
export type { ConditionResult } from "./Plan.js"
export { ComputeNode, ConditionNode } from "./Registry.js"
export type { NodeError } from "./Registry.js"
export { defaultConcurrency } from "./Run.js"
export type { RunError, RunOptions, RunResult } from "./Run.js"
export type { Deps, NodeSpec, WorkflowSpec } from "./Spec.js"
export type { DocumentNodeError, DocumentNodeType, DocumentOutputs, DocumentParams } from "./DocumentNodes.js"
export { typed, Typed } from "./Typed.js"
export type { DepsOf, ErrorOf, Gate, NodeTypeOf, OutputOf, ParamsOf, TypedLike } from "./Typed.js"

/** Anything `run` accepts. */
export type Runnable = DeclarativeWorkflow | TypedLike<any, any, any> | WorkflowSpec

const specOf = (wf: Runnable): WorkflowSpec => ("spec" in wf && !("nodes" in wf) ? wf.spec : (wf as WorkflowSpec))

/**
 * Validates `wf` against the current Database layer's models and `inputs` (all problems at once,
 * no statement reaches the database), then runs it. Results are keyed by node id; a node that did
 * not run (the other branch of a condition) has a `Skipped` result.
 */
export function run<In, R, E>(
  wf: TypedLike<In, R, E>,
  inputs: In,
  options?: RunOptions
): Effect.Effect<RunResult<R>, RunError<E>, Database>
export function run(
  wf: DeclarativeWorkflow | WorkflowSpec,
  inputs?: Readonly<Record<string, unknown>>,
  options?: RunOptions
): Effect.Effect<RunResult, RunError, Database>
export function run(
  wf: Runnable,
  inputs?: unknown,
  options?: RunOptions
): Effect.Effect<RunResult<any>, RunError<any>, Database> {
  return runSpec(specOf(wf), inputs ?? {}, options)
}

/**
 * Every problem of `wf`, checked without a database: against `models` (node types, parameters,
 * outputs) and `inputs` (templates) when given. Empty when valid.
 */
export const problems = (wf: Runnable, context: ValidateContext = {}): ReadonlyArray<string> =>
  analyze(specOf(wf), context).problems

/** Validates `wf` against the current Database layer and `inputs`, without running anything. */
export const validate = (wf: Runnable, inputs: unknown = {}): Effect.Effect<void, WorkflowDefinitionError, Database> =>
  Effect.flatMap(Database, (db) => {
    const spec = specOf(wf)
    const found = analyze(spec, { models: db.models, inputs }).problems
    return found.length === 0
      ? Effect.void
      : Effect.fail(new WorkflowDefinitionError({ workflow: spec.name, problems: found }))
  })

const structural = (d: Definition): Either.Either<DeclarativeWorkflow, WorkflowDefinitionError> => {
  const found = analyze(d).problems
  return found.length === 0
    ? Either.right(fromSpec(d))
    : Either.left(new WorkflowDefinitionError({ workflow: d.name, problems: found }))
}

/**
 * A workflow from a parsed JSON definition: the shape is decoded with the `Definition` Schema and
 * everything that does not need a database is checked (ids, connections, conditions, cycles).
 */
export const decode = (u: unknown): Effect.Effect<DeclarativeWorkflow, WorkflowDefinitionError> =>
  Either.flatMap(decodeDefinition(u), structural)

/** A workflow from JSON text (see `decode`). */
export const fromJson = (text: string): Effect.Effect<DeclarativeWorkflow, WorkflowDefinitionError> =>
  Either.flatMap(parseDefinition(text), structural)

const notJson = (wf: Runnable): ReadonlyArray<string> => {
  const spec = specOf(wf)
  const found: Array<string> = []
  if (spec.inputs !== undefined) found.push("a typed workflow is not JSON (its parameters are functions)")
  for (const n of spec.nodes) {
    for (const key of ["params", "when", "value"] as const) {
      if (typeof n[key] === "function") found.push(`node ${n.id}: ${key} is a function, which JSON cannot hold`)
    }
    if (n.retry !== undefined && !("times" in n.retry))
      found.push(`node ${n.id}: retry is a Schedule, which JSON cannot hold (use { times, delay, backoff })`)
  }
  return found
}

/** The JSON value of a workflow's definition; fails when part of it is not JSON (functions, Schedules, Dates). */
export const encode = (wf: Runnable): Effect.Effect<unknown, WorkflowDefinitionError> => {
  const spec = specOf(wf)
  const found = notJson(wf)
  if (found.length > 0) return Effect.fail(new WorkflowDefinitionError({ workflow: spec.name, problems: found }))
  const { inputs: _, ...definition } = spec
  return encodeDefinition(definition as Definition)
}

/** The JSON text of a workflow's definition (2-space indented). */
export const toJson = (wf: Runnable): Effect.Effect<string, WorkflowDefinitionError> =>
  Effect.map(encode(wf), (json) => JSON.stringify(json, null, 2))

/** The node type name of a model operation: `nodeTypeName("User", "bulkCreate")` → `"UserBulkCreateNode"`. */
export const nodeTypeName = typeName

/**
 * Every node type the current Database layer's models provide, sorted (the 8 document node types,
 * which need no model, are always there besides: docs/workflows.md, "Document nodes").
 */
export const nodeTypes: Effect.Effect<ReadonlyArray<string>, never, Database> = Effect.map(Database, (db) =>
  [...registry(db.models).values()]
    .filter((r) => !r.document)
    .map((r) => r.type)
    .sort()
)
