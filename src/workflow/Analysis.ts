/**
 * What workflow validation produces (the analysis the planner uses) and what it accumulates while
 * it walks a workflow: problems, nodes by id, resolved operation types, connections, dependencies,
 * gates and the expression references still to check.
 *
 * @since 0.1.0
 */
import type { ModelLike } from "../Database.js"
import type { Ref } from "./Expression.js"
import { ComputeNode, ConditionNode, type ResolvedType } from "./Registry.js"
import { outputShapeOf } from "./DocumentShapes.js"
import { conditionOutput, type OutputShape } from "./Shapes.js"
import type { NodeSpec, WorkflowSpec } from "./Spec.js"

/** What validation is checked against; absent parts are not checked. */
export interface ValidateContext {
  /** The layer's models (`Database.models`): node types and parameters are checked against them. */
  readonly models?: ReadonlyMap<string, ModelLike>
  /** The run inputs: templates must resolve (and the typed builder's input Schema must accept them). */
  readonly inputs?: unknown
}

/** An incoming connection of a node, parsed. */
export interface Incoming {
  readonly from: string
  readonly output: ReadonlyArray<string>
  readonly input: ReadonlyArray<string>
}

/** A validated node and what the planner needs about it. */
export interface Analyzed {
  readonly spec: NodeSpec
  readonly kind: "operation" | "condition" | "compute"
  readonly resolved: ResolvedType | undefined
  /** Every node that must finish first (data, `after`, gating conditions, or earlier nodes for a function without `after`). */
  readonly deps: ReadonlyArray<string>
  /** The deps whose being skipped skips this node (all but a function's implicit wait on earlier nodes). */
  readonly propagates: ReadonlyArray<string>
  /** The nodes whose results a function form receives. */
  readonly sees: ReadonlyArray<string>
  /** Conditions this node waits on, and the branch it belongs to. */
  readonly gates: ReadonlyArray<{ readonly condition: string; readonly branch: boolean }>
  readonly incoming: ReadonlyArray<Incoming>
}

/** Problems (empty when valid) and the analysis. */
export interface Analysis {
  readonly problems: ReadonlyArray<string>
  readonly nodes: ReadonlyArray<Analyzed>
}

/** A connection with the label its problems are reported under. */
export type LabeledIncoming = Incoming & { readonly label: string }

/** What validation accumulates while it walks one workflow. */
export interface Work {
  readonly spec: WorkflowSpec
  readonly ctx: ValidateContext
  readonly problems: Array<string>
  readonly transactional: boolean
  readonly byId: ReadonlyMap<string, NodeSpec>
  /** The layer's operation types, when models are given. */
  readonly types: ReadonlyMap<string, ResolvedType> | undefined
  readonly resolvedOf: Map<string, ResolvedType>
  readonly incoming: Map<string, Array<LabeledIncoming>>
  readonly outputChecks: Array<{
    readonly from: string
    readonly output: ReadonlyArray<string>
    readonly label: string
  }>
  readonly deps: Map<string, Array<string>>
  readonly waitsOnly: Map<string, Set<string>>
  readonly sees: Map<string, ReadonlyArray<string>>
  /** Node ids in declaration order. */
  readonly order: ReadonlyArray<string>
  readonly gates: Map<string, Array<{ condition: string; branch: boolean }>>
  readonly refsOf: Array<Ref & { readonly owner: string }>
}

/** A value as it may appear in a problem (at most 64 characters of a string). */
export const show = (s: unknown) => (typeof s === "string" ? s.slice(0, 64) : "(not a string)")

export const kindOf = (type: string): Analyzed["kind"] =>
  type === ConditionNode ? "condition" : type === ComputeNode ? "compute" : "operation"

export const known = (w: Work, id: string) => w.byId.has(id)

/** Records that `id` waits on `dep`. */
export const addDep = (w: Work, id: string, dep: string) => {
  const list = w.deps.get(id) ?? []
  if (!list.includes(dep)) list.push(dep)
  w.deps.set(id, list)
}

/** The shape of a node's result, when known. */
export const outputOf = (w: Work, id: string): OutputShape | undefined => {
  const n = w.byId.get(id)!
  const kind = kindOf(n.type)
  const resolved = w.resolvedOf.get(id)
  return kind === "condition"
    ? conditionOutput
    : kind === "compute"
      ? { kind: "any" }
      : resolved && outputShapeOf(resolved)
}
