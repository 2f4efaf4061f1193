/**
 * Everything checked before a workflow runs, all problems at once: node ids, node types against
 * the layer's models, parameters per operation, templates against the inputs, connections and
 * their output/input paths, conditions, compute expressions, retries, dependencies and cycles.
 * The result is also the analysis the planner uses (dependencies, gates, incoming connections).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import type { Analysis, Analyzed, ValidateContext, Work } from "./Analysis.js"
import { kindOf, show } from "./Analysis.js"
import { problemsOf, TransactionalOptions } from "./Definition.js"
import { findCycles } from "./Graph.js"
import { registry } from "./Registry.js"
import type { NodeSpec, WorkflowSpec } from "./Spec.js"
import { checkNode } from "./ValidateNode.js"
import { checkIncoming, checkOutputs, checkReferences, parseConnections } from "./ValidateLinks.js"

export type { Analysis, Analyzed, Incoming, ValidateContext } from "./Analysis.js"

const idRe = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/

/** The workflow's own fields: name, transactional, and the run inputs against its input Schema. */
const checkWorkflow = (spec: WorkflowSpec, ctx: ValidateContext, problems: Array<string>) => {
  if (typeof spec.name !== "string" || spec.name.trim() === "" || spec.name.length > 200) {
    problems.push("name: must be a non-empty string of at most 200 characters")
  }
  if (
    spec.transactional !== undefined &&
    typeof spec.transactional !== "boolean" &&
    !Schema.is(TransactionalOptions)(spec.transactional)
  ) {
    problems.push("transactional: must be true, false or { isolation?, retries? (0..10) }")
  }
  if (spec.inputs !== undefined && ctx.inputs !== undefined) {
    const checked = Schema.validateEither(Schema.Struct(spec.inputs), { errors: "all", onExcessProperty: "error" })(
      ctx.inputs
    )
    if (Either.isLeft(checked)) problems.push(...problemsOf(checked.left).map((p) => `input ${p}`))
  }
}

/** The nodes by id (ids first: everything else refers to them). */
const nodesById = (spec: WorkflowSpec, problems: Array<string>): Map<string, NodeSpec> => {
  const byId = new Map<string, NodeSpec>()
  spec.nodes.forEach((n, i) => {
    if (typeof n.id !== "string" || !idRe.test(n.id)) {
      problems.push(
        `nodes[${i}].id: ${show(n.id)} is not a node id (a letter or _, then letters, digits, _ or -; at most 64)`
      )
    } else if (byId.has(n.id)) problems.push(`duplicate node id ${n.id}`)
    else byId.set(n.id, n)
  })
  return byId
}

/** What the planner needs of each node, once everything is checked. */
const analyzed = (w: Work): Array<Analyzed> =>
  [...w.byId.values()].map((n) => ({
    spec: n,
    kind: kindOf(n.type),
    resolved: w.resolvedOf.get(n.id),
    deps: w.deps.get(n.id) ?? [],
    propagates: (w.deps.get(n.id) ?? []).filter(
      (d) => !w.waitsOnly.get(n.id)?.has(d) || w.gates.get(n.id)?.some((g) => g.condition === d)
    ),
    sees: w.sees.get(n.id) ?? [],
    gates: w.gates.get(n.id) ?? [],
    incoming: (w.incoming.get(n.id) ?? []).map(({ from, input, output }) => ({ from, input, output }))
  }))

/** Validates a workflow and analyzes its graph. */
export const analyze = (spec: WorkflowSpec, ctx: ValidateContext = {}): Analysis => {
  const problems: Array<string> = []
  checkWorkflow(spec, ctx, problems)
  const byId = nodesById(spec, problems)
  const w: Work = {
    spec,
    ctx,
    problems,
    transactional: spec.transactional !== undefined && spec.transactional !== false,
    byId,
    types: ctx.models === undefined ? undefined : registry(ctx.models),
    resolvedOf: new Map(),
    incoming: new Map(),
    outputChecks: [],
    deps: new Map(),
    waitsOnly: new Map(),
    sees: new Map(),
    order: [...byId.keys()],
    gates: new Map(),
    refsOf: []
  }
  parseConnections(w)
  for (const [id, n] of byId) checkNode(w, id, n)
  checkReferences(w)
  checkOutputs(w)
  checkIncoming(w)
  problems.push(...findCycles(w.deps))
  return { problems, nodes: analyzed(w) }
}
