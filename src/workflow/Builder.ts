/**
 * The declarative builder: named nodes, connections between them, run inputs as `{templates}`.
 * Immutable: every method returns a new workflow. Nothing is checked while building; `Workflow.run`
 * (or `Workflow.validate`) checks everything at once, before any node runs.
 *
 * ```ts
 * const checkout = Workflow.make("checkout")
 *   .addNode("ProductReadNode", "check_stock", { id: "{productId}" })
 *   .addNode("OrderCreateNode", "create_order", { productId: "{productId}", quantity: "{quantity}", status: "pending" })
 *   .addCompute("new_stock", { $subtract: [{ $ref: "check_stock.stock" }, "{quantity}"] })
 *   .addNode("ProductUpdateNode", "update_stock", { filter: { id: "{productId}" }, fields: {} }, { after: ["create_order"] })
 *   .connect("new_stock", "", "update_stock", "fields.stock")
 *   .transactional()
 * ```
 *
 * @since 0.1.0
 */
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import type { RetryPolicy, TransactionalOptions } from "./Definition.js"
import type { Expression, Predicate } from "./Expression.js"
import { ComputeNode, ConditionNode } from "./Registry.js"
import type { Deps, NodeSpec, RetrySchedule, WorkflowSpec } from "./Spec.js"

/** Options of `addNode`. */
export interface NodeOptions {
  /** Retry this node on TransactionConflict, ConnectionError, PoolTimeout or StatementTimeout only. */
  readonly retry?: RetryPolicy | RetrySchedule
  /** Nodes to run first, without taking data from them. */
  readonly after?: ReadonlyArray<string>
}

/** Options of `addCondition`. */
export interface ConditionOptions {
  /**
   * A JSON predicate over earlier results, or a function of them (not JSON). Without `after`, a
   * function waits for every node added before it and sees their results (a skipped one as `Skipped`).
   */
  readonly when: Predicate | ((results: Deps, inputs: any) => boolean)
  /** Nodes that run only when the predicate holds. */
  readonly then?: ReadonlyArray<string>
  /** Nodes that run only when it does not. */
  readonly else?: ReadonlyArray<string>
  readonly after?: ReadonlyArray<string>
}

const defined = <A extends object>(a: A): A =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as A

/** A declarative workflow. */
export class Workflow implements Pipeable {
  readonly _tag = "Workflow"
  constructor(readonly spec: WorkflowSpec) {}

  pipe() {
    return pipeArguments(this, arguments)
  }

  private with(change: Partial<WorkflowSpec>): Workflow {
    return new Workflow({ ...this.spec, ...change })
  }

  private add(node: NodeSpec): Workflow {
    return this.with({ nodes: [...this.spec.nodes, defined(node)] })
  }

  /** Adds a model operation node: `addNode("UserCreateNode", "create_user", { name: "{name}", ... })`. */
  addNode(
    type: string,
    id: string,
    params: Readonly<Record<string, unknown>> = {},
    options: NodeOptions = {}
  ): Workflow {
    return this.add({ id, type, params, after: options.after, retry: options.retry } as NodeSpec)
  }

  /** Sets `input` (dotted) of node `to`'s params from `output` (dotted; `""` = the whole result) of node `from`. */
  connect(from: string, output: string, to: string, input: string): Workflow {
    return this.with({ connections: [...(this.spec.connections ?? []), { from, output, to, input }] })
  }

  /** Adds a condition: the `then` nodes run when it holds, the `else` nodes when it does not. */
  addCondition(id: string, options: ConditionOptions): Workflow {
    return this.add({
      id,
      type: ConditionNode,
      when: options.when,
      then: options.then,
      else: options.else,
      after: options.after
    } as NodeSpec)
  }

  /**
   * Adds a node whose result is computed from earlier results and inputs: a JSON expression
   * (`{ $subtract: [{ $ref: "a.stock" }, "{n}"] }`) or a function (not JSON; without `after` it
   * waits for every node added before it).
   */
  addCompute(
    id: string,
    value: Expression | ((results: Deps, inputs: any) => unknown),
    options: { readonly after?: ReadonlyArray<string> } = {}
  ): Workflow {
    return this.add({ id, type: ComputeNode, value, after: options.after } as NodeSpec)
  }

  /** Runs the whole workflow in one transaction (nothing it wrote survives a failure). */
  transactional(options: TransactionalOptions | boolean = true): Workflow {
    return this.with({ transactional: options })
  }
}

/** Starts a declarative workflow. */
export const make = (name: string): Workflow => new Workflow({ name, nodes: [], connections: [] })

/** A workflow from a (decoded) definition or spec. */
export const fromSpec = (spec: WorkflowSpec): Workflow => new Workflow(spec)
