/**
 * A workflow as the builders hold it in memory: the JSON definition, widened with what JSON cannot
 * carry (predicate and compute functions, parameter functions, `Schedule` retries, the typed
 * builder's models and input Schema). A decoded Definition is a WorkflowSpec as it is.
 *
 * @since 0.1.0
 */
import type { Schedule, Schema } from "effect"
import type { ModelLike } from "../Database.js"
import type { ConnectionDefinition, RetryPolicy, TransactionalOptions } from "./Definition.js"
import type { Expression, Predicate } from "./Expression.js"

/** Results of the nodes a function depends on, by node id. */
export type Deps = Readonly<Record<string, unknown>>

/** A retry given as an Effect Schedule (builders only; not JSON). */
export type RetrySchedule = Schedule.Schedule<unknown, unknown, never>

/** One node. */
export interface NodeSpec {
  readonly id: string
  readonly type: string
  /** Static parameters (templates filled from inputs), or a function of `after` results and the inputs. */
  readonly params?: Readonly<Record<string, unknown>> | ((deps: Deps, input: any) => unknown)
  /** Nodes to run first; a function's `deps` are exactly these. */
  readonly after?: ReadonlyArray<string>
  readonly retry?: RetryPolicy | RetrySchedule
  readonly when?: Predicate | ((deps: Deps, input: any) => boolean)
  readonly then?: ReadonlyArray<string>
  readonly else?: ReadonlyArray<string>
  readonly value?: Expression | ((deps: Deps, input: any) => unknown)
  /** Typed builder: the model its types came from; the layer must hold this very model. */
  readonly model?: ModelLike
}

/** A whole workflow. */
export interface WorkflowSpec {
  readonly name: string
  readonly version?: 1
  readonly transactional?: boolean | TransactionalOptions
  readonly nodes: ReadonlyArray<NodeSpec>
  readonly connections?: ReadonlyArray<ConnectionDefinition>
  /** Typed builder: the inputs' Schema fields, checked before anything runs. */
  readonly inputs?: Schema.Struct.Fields
}
