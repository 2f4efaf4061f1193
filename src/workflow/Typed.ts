/**
 * The typed builder: node types, parameters and references to earlier results are checked by the
 * type checker. A node's parameters may be a function of the results of the nodes it lists in
 * `after` (typed: `check_stock.stock` is a number) and of the typed run inputs.
 *
 * ```ts
 * const checkout = Workflow.typed("checkout", { models: [Product, Order], inputs: { productId: Schema.String, quantity: Schema.Int } })
 *   .node("check_stock", "ProductReadNode", { params: (_, input) => ({ id: input.productId }) })
 *   .node("order", "OrderCreateNode", {
 *     after: ["check_stock"],
 *     params: ({ check_stock }, input) => ({ productId: check_stock.id, quantity: input.quantity, status: "pending" })
 *   })
 *   .transactional()
 * // Workflow.run(checkout, { productId: "p1", quantity: 2 }) — results.order is an Order record
 * ```
 *
 * Not JSON: its parameters are functions. It runs through the same validation and runner.
 *
 * @since 0.1.0
 */
import type { Effect, Schedule, Schema } from "effect"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import type { AnyModel, Model, Operation, VectorKey } from "../DataFlow.js"
import type { ModelLike } from "../Database.js"
import type { TransactionalOptions } from "./Definition.js"
import type { DocumentNodeError, DocumentNodeType, DocumentOutputs, DocumentParams } from "./DocumentNodes.js"
import type { ConditionResult, Skipped } from "./Plan.js"
import { ComputeNode, ConditionNode, type NodeOperation, registry } from "./Registry.js"
import type { NodeSpec, WorkflowSpec } from "./Spec.js"

type Simplify<A> = { [K in keyof A]: A[K] } & {}

/** The searches a model's fields allow: a vector field, `textSearch` fields, both for hybrid. */
type SearchesOf<M extends AnyModel> =
  M extends Model<string, infer F, infer O>
    ?
        | ([VectorKey<F>] extends [never] ? never : "vectorSearch")
        | (O extends { readonly textSearch: object } ? "textSearch" : never) extends infer S
      ? S | (["vectorSearch" | "textSearch"] extends [S] ? "hybridSearch" : never)
      : never
    : never

/** Every node type of these models: `ProductReadNode`, `OrderBulkCreateNode`, `PassageVectorSearchNode`, … */
export type NodeTypeOf<M extends AnyModel> = M extends AnyModel
  ? `${M["name"]}${Capitalize<Operation | SearchesOf<M>>}Node`
  : never

type ModelFor<M extends AnyModel, T extends string> = M extends AnyModel
  ? T extends `${M["name"]}${Capitalize<NodeOperation>}Node`
    ? M
    : never
  : never
type OperationFor<M extends AnyModel, T extends string> = {
  [Op in NodeOperation]: T extends `${M["name"]}${Capitalize<Op>}Node` ? Op : never
}[NodeOperation]
type FunctionFor<M extends AnyModel, T extends string> =
  ModelFor<M, T> extends infer X extends AnyModel
    ? X[OperationFor<X, T>] extends (...args: any) => any
      ? X[OperationFor<X, T>]
      : never
    : never

/** A document node type, unless a model's node type of the same name takes precedence (a model named `Document`). */
type DocumentFor<M extends AnyModel, T extends string> = [ModelFor<M, T>] extends [never]
  ? T extends DocumentNodeType
    ? T
    : never
  : never

/** The parameters of a node type (a model operation's, or a document node's). */
export type ParamsOf<M extends AnyModel, T extends string> = [DocumentFor<M, T>] extends [never]
  ? NonNullable<Parameters<FunctionFor<M, T>>[0]>
  : DocumentParams[DocumentFor<M, T>]
/** The result of a node type. */
export type OutputOf<M extends AnyModel, T extends string> = [DocumentFor<M, T>] extends [never]
  ? Effect.Effect.Success<ReturnType<FunctionFor<M, T>>>
  : DocumentOutputs[DocumentFor<M, T>]
/** The errors of a node type. */
export type ErrorOf<M extends AnyModel, T extends string> = [DocumentFor<M, T>] extends [never]
  ? Effect.Effect.Error<ReturnType<FunctionFor<M, T>>>
  : DocumentNodeError

/** The results of the listed nodes, as a function sees them (never Skipped: a node whose dependency was skipped is skipped). */
export type DepsOf<R, D extends keyof R> = { readonly [K in D]: Exclude<R[K], Skipped> }

type Fresh<Id extends string, R> = Id extends keyof R ? `node id ${Id} is already used` : Id
type MaybeSkipped<R, D extends keyof R, G> = [G] extends [never]
  ? [Extract<R[D], Skipped>] extends [never]
    ? never
    : Skipped
  : Skipped
type With<R, Id extends string, A> = Simplify<R & { readonly [K in Id]: A }>

/** Run only on a condition's branch: `if: "in_stock"` (it held) or `unless: "in_stock"` (it did not). */
export interface Gate<G extends string, U extends string> {
  readonly if?: G
  readonly unless?: U
}

/**
 * What `Workflow.run` needs of a typed workflow: its spec and its inputs, results and errors (any
 * models, including none: a workflow of document nodes only).
 */
export interface TypedLike<In, R, E> {
  readonly _tag: "TypedWorkflow"
  readonly "~types": { readonly in: In; readonly results: R; readonly error: E }
  readonly spec: WorkflowSpec
}

/** A typed workflow: models `M`, inputs `In`, results `R`, node errors `E`, condition ids `C`. */
export class Typed<M extends AnyModel, In, R, E, C extends string> implements Pipeable {
  readonly _tag = "TypedWorkflow"
  declare readonly "~types": { readonly in: In; readonly results: R; readonly error: E }
  constructor(
    readonly spec: WorkflowSpec,
    private readonly models: ReadonlyMap<string, ModelLike>
  ) {}

  pipe() {
    return pipeArguments(this, arguments)
  }

  private add(node: NodeSpec, gate: Gate<string, string>): any {
    const nodes = this.spec.nodes.map((n) => {
      if (n.id === gate.if) return { ...n, then: [...(n.then ?? []), node.id] }
      if (n.id === gate.unless) return { ...n, else: [...(n.else ?? []), node.id] }
      return n
    })
    const clean = Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined)) as unknown as NodeSpec
    return new Typed({ ...this.spec, nodes: [...nodes, clean] }, this.models)
  }

  /** A model operation or document node; `params` may use the results of the `after` nodes and the inputs. */
  node<
    const Id extends string,
    T extends NodeTypeOf<M> | DocumentNodeType,
    const D extends keyof R & string = never,
    G extends C = never,
    U extends C = never
  >(
    id: Fresh<Id, R>,
    type: T,
    options: Gate<G, U> & {
      readonly after?: ReadonlyArray<D>
      readonly params: ParamsOf<M, T> | ((deps: DepsOf<R, D>, input: In) => ParamsOf<M, T>)
      /** Retried on TransactionConflict, ConnectionError, PoolTimeout, StatementTimeout only. */
      readonly retry?: Schedule.Schedule<unknown, ErrorOf<M, T>, never>
    }
  ): Typed<M, In, With<R, Id, OutputOf<M, T> | MaybeSkipped<R, D, G | U>>, E | ErrorOf<M, T>, C> {
    const params = options.params
    return this.add(
      {
        id,
        type,
        params: typeof params === "function" ? (params as never) : () => params,
        after: options.after ?? [],
        retry: options.retry as never,
        model: registry(this.models).get(type)?.model
      } as NodeSpec,
      options
    )
  }

  /** A node computed by a pure function of the `after` results and the inputs. */
  compute<
    const Id extends string,
    A,
    const D extends keyof R & string = never,
    G extends C = never,
    U extends C = never
  >(
    id: Fresh<Id, R>,
    options: Gate<G, U> & { readonly after?: ReadonlyArray<D>; readonly value: (deps: DepsOf<R, D>, input: In) => A }
  ): Typed<M, In, With<R, Id, A | MaybeSkipped<R, D, G | U>>, E, C> {
    return this.add(
      { id, type: ComputeNode, value: options.value as never, after: options.after ?? [] } as NodeSpec,
      options
    )
  }

  /** A condition; nodes name it in `if` / `unless`. */
  condition<
    const Id extends string,
    const D extends keyof R & string = never,
    G extends C = never,
    U extends C = never
  >(
    id: Fresh<Id, R>,
    options: Gate<G, U> & {
      readonly after?: ReadonlyArray<D>
      readonly when: (deps: DepsOf<R, D>, input: In) => boolean
    }
  ): Typed<M, In, With<R, Id, ConditionResult | MaybeSkipped<R, D, G | U>>, E, C | Id> {
    return this.add(
      { id, type: ConditionNode, when: options.when as never, after: options.after ?? [] } as NodeSpec,
      options
    )
  }

  /** Runs the whole workflow in one transaction. */
  transactional(options: TransactionalOptions = {}): Typed<M, In, R, E, C> {
    return new Typed({ ...this.spec, transactional: Object.keys(options).length === 0 ? true : options }, this.models)
  }
}

/** Starts a typed workflow over these models, with these inputs (Schema fields; checked before anything runs). */
export const typed = <const Ms extends ReadonlyArray<AnyModel>, I extends Schema.Struct.Fields = {}>(
  name: string,
  options: { readonly models: Ms; readonly inputs?: I }
): Typed<Ms[number], Schema.Struct.Type<I>, {}, never, never> =>
  new Typed(
    { name, nodes: [], connections: [], inputs: options.inputs ?? {} },
    new Map(options.models.map((m) => [m.info.name, m] as const))
  )
