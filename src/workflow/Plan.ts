/**
 * A validated workflow as executable nodes in dependency order: each node knows what it waits for,
 * which branches gate it, how to build its parameters from inputs and earlier results, and how to retry.
 *
 * @since 0.1.0
 */
import { Data, Duration, Effect, Either, Schedule } from "effect"
import type { Database, ModelLike, TransactionOptions } from "../Database.js"
import { ValidationError, WorkflowDefinitionError } from "../Errors.js"
import type { RetryPolicy } from "./Definition.js"
import { evaluate, type Predicate, test } from "./Expression.js"
import { topological } from "./Graph.js"
import { getPath, setPath } from "./Path.js"
import type { DocumentOperation } from "./DocumentNodes.js"
import { invoke, type NodeError, type NodeOperation } from "./Registry.js"
import type { Deps, RetrySchedule, WorkflowSpec } from "./Spec.js"
import { fillTemplates } from "./Template.js"
import { type Analyzed, analyze } from "./Validate.js"

/**
 * The result of a node that did not run: it sits on the branch a condition did not take (`by` names
 * that condition), or it depends on a node that did not run.
 */
export class Skipped extends Data.TaggedClass("Skipped")<{ readonly by: string }> {}

/** Is this node result a Skipped marker? */
export const isSkipped = (u: unknown): u is Skipped => u instanceof Skipped

/** A condition node's result. */
export interface ConditionResult {
  readonly value: boolean
  readonly branch: "then" | "else"
}

/** One executable node. */
export interface PlanNode {
  readonly id: string
  readonly type: string
  readonly model: string | undefined
  readonly operation: NodeOperation | DocumentOperation | undefined
  readonly deps: ReadonlyArray<string>
  /** Deps whose being skipped skips this node. */
  readonly propagates: ReadonlyArray<string>
  readonly gates: ReadonlyArray<{ readonly condition: string; readonly branch: boolean }>
  readonly retry: RetrySchedule | undefined
  readonly run: (results: ReadonlyMap<string, unknown>) => Effect.Effect<unknown, NodeError, Database>
}

/** A workflow ready to run. */
export interface Plan {
  readonly name: string
  /** Dependency order (stable: definition order among independent nodes). */
  readonly nodes: ReadonlyArray<PlanNode>
  /** Result keys in definition order. */
  readonly order: ReadonlyArray<string>
  readonly transactional: TransactionOptions | undefined
}

/** A JSON retry policy as a Schedule: `times` recurrences, fixed or exponential delay. */
export const scheduleOf = (policy: RetryPolicy): RetrySchedule => {
  const delay = Duration.decode(
    (policy.delay ?? (policy.backoff === "exponential" ? "10 millis" : 0)) as Duration.DurationInput
  )
  const base: Schedule.Schedule<unknown> =
    policy.backoff === "exponential" ? Schedule.exponential(delay) : Schedule.spaced(delay)
  return Schedule.intersect(base, Schedule.recurs(policy.times)) as RetrySchedule
}

const depsOf = (ids: ReadonlyArray<string>, results: ReadonlyMap<string, unknown>): Deps =>
  Object.fromEntries(ids.map((id) => [id, results.get(id)]))

const evaluation = <A>(where: string, result: Either.Either<A, string>) =>
  Either.isRight(result)
    ? Effect.succeed(result.right)
    : Effect.fail(new ValidationError({ path: where, reason: result.left }))

const executable = (node: Analyzed, inputs: unknown): PlanNode["run"] => {
  const spec = node.spec
  if (node.kind === "condition") {
    const when = typeof spec.when === "function" ? spec.when : (fillTemplates(spec.when, inputs) as Predicate)
    return (results) =>
      Effect.map(
        typeof when === "function"
          ? Effect.sync(() => when(depsOf(node.sees, results), inputs) === true)
          : evaluation("when", test(when, results)),
        (value): ConditionResult => ({ value, branch: value ? "then" : "else" })
      )
  }
  if (node.kind === "compute") {
    const value = typeof spec.value === "function" ? spec.value : fillTemplates(spec.value, inputs)
    return (results) =>
      typeof value === "function"
        ? Effect.sync(() => value(depsOf(node.sees, results), inputs))
        : evaluation("value", evaluate(value, results))
  }
  const resolved = node.resolved!
  const base = typeof spec.params === "function" ? undefined : fillTemplates(spec.params ?? {}, inputs)
  return (results) =>
    Effect.suspend(() => {
      let params = typeof spec.params === "function" ? spec.params(depsOf(node.sees, results), inputs) : base
      for (const c of node.incoming) {
        const v = getPath(results.get(c.from), c.output)
        if (v !== undefined) params = setPath(params, c.input, v)
      }
      return invoke(resolved, params)
    })
}

/** Validates against the layer's models and the inputs, then plans; every problem at once. */
export const compile = (
  spec: WorkflowSpec,
  models: ReadonlyMap<string, ModelLike>,
  inputs: unknown,
  extraProblems: ReadonlyArray<string> = []
): Either.Either<Plan, WorkflowDefinitionError> => {
  const analysis = analyze(spec, { models, inputs })
  const problems = [...extraProblems, ...analysis.problems]
  const name = typeof spec.name === "string" ? spec.name.slice(0, 200) : "(unnamed)"
  if (problems.length > 0) return Either.left(new WorkflowDefinitionError({ workflow: name, problems }))
  const tx = spec.transactional
  return Either.right({
    name,
    order: analysis.nodes.map((n) => n.spec.id),
    transactional: tx === undefined || tx === false ? undefined : tx === true ? {} : tx,
    nodes: topological(
      analysis.nodes,
      (n) => n.spec.id,
      (n) => n.deps
    ).map((n): PlanNode => ({
      id: n.spec.id,
      type: n.spec.type,
      model: n.resolved?.info?.name,
      operation: n.resolved?.operation,
      deps: n.deps,
      propagates: n.propagates,
      gates: n.gates,
      retry:
        n.spec.retry === undefined
          ? undefined
          : Schedule.isSchedule(n.spec.retry)
            ? n.spec.retry
            : scheduleOf(n.spec.retry),
      run: executable(n, inputs)
    }))
  })
}
