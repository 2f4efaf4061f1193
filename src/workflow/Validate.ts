/**
 * Everything checked before a workflow runs, all problems at once: node ids, node types against
 * the layer's models, parameters per operation, templates against the inputs, connections and
 * their output/input paths, conditions, compute expressions, retries, dependencies and cycles.
 * The result is also the analysis the planner uses (dependencies, gates, incoming connections).
 *
 * @since 0.1.0
 */
import { Either, Schedule, Schema } from "effect"
import type { ModelLike } from "../Database.js"
import { problemsOf, RetryPolicy, TransactionalOptions } from "./Definition.js"
import { checkExpression, checkPredicate, type Ref } from "./Expression.js"
import { findCycles } from "./Graph.js"
import { isPlainObject, parsePath } from "./Path.js"
import { ComputeNode, ConditionNode, registry, type ResolvedType, unknownTypeReason } from "./Registry.js"
import {
  conditionOutput,
  type OutputShape,
  outputProblem,
  outputShape,
  paramPathProblem,
  paramProblems,
  paramShape
} from "./Shapes.js"
import type { NodeSpec, WorkflowSpec } from "./Spec.js"
import { templateProblems } from "./Template.js"

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

const idRe = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/
const show = (s: unknown) => (typeof s === "string" ? s.slice(0, 64) : "(not a string)")

const kindOf = (type: string) => (type === ConditionNode ? "condition" : type === ComputeNode ? "compute" : "operation")

const allowed: Record<Analyzed["kind"], ReadonlySet<string>> = {
  operation: new Set(["id", "type", "params", "after", "retry", "model"]),
  condition: new Set(["id", "type", "when", "then", "else", "after"]),
  compute: new Set(["id", "type", "value", "after"])
}

/** Validates a workflow and analyzes its graph. */
export const analyze = (spec: WorkflowSpec, ctx: ValidateContext = {}): Analysis => {
  const problems: Array<string> = []
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
  const transactional = spec.transactional !== undefined && spec.transactional !== false
  if (spec.inputs !== undefined && ctx.inputs !== undefined) {
    const checked = Schema.validateEither(Schema.Struct(spec.inputs), { errors: "all", onExcessProperty: "error" })(
      ctx.inputs
    )
    if (Either.isLeft(checked)) problems.push(...problemsOf(checked.left).map((p) => `input ${p}`))
  }

  // ids first: everything else refers to them
  const byId = new Map<string, NodeSpec>()
  spec.nodes.forEach((n, i) => {
    if (typeof n.id !== "string" || !idRe.test(n.id)) {
      problems.push(
        `nodes[${i}].id: ${show(n.id)} is not a node id (a letter or _, then letters, digits, _ or -; at most 64)`
      )
    } else if (byId.has(n.id)) problems.push(`duplicate node id ${n.id}`)
    else byId.set(n.id, n)
  })
  const types = ctx.models === undefined ? undefined : registry(ctx.models)
  const resolvedOf = new Map<string, ResolvedType>()
  const outputOf = (id: string): OutputShape | undefined => {
    const n = byId.get(id)!
    const kind = kindOf(n.type)
    return kind === "condition"
      ? conditionOutput
      : kind === "compute"
        ? { kind: "any" }
        : resolvedOf.get(id) && outputShape(resolvedOf.get(id)!.info, resolvedOf.get(id)!.operation)
  }
  const known = (id: string) => byId.has(id)

  // connections: parse and attach to their target
  const incoming = new Map<string, Array<Incoming & { readonly label: string }>>()
  const outputChecks: Array<{ readonly from: string; readonly output: ReadonlyArray<string>; readonly label: string }> =
    []
  ;(spec.connections ?? []).forEach((c, i) => {
    const label = `connection ${i} (${show(c.from)}.${show(c.output)} -> ${show(c.to)}.${show(c.input)})`
    const output = parsePath(c.output)
    const input = parsePath(c.input)
    let ok = true
    for (const [end, id] of [
      ["from", c.from],
      ["to", c.to]
    ] as const) {
      if (!known(id)) {
        problems.push(`${label}: unknown node ${show(id)} at ${end}`)
        ok = false
      }
    }
    if (typeof output === "string") problems.push(`${label}: output ${output}`)
    if (typeof input === "string") problems.push(`${label}: input ${input}`)
    else if (input.length === 0) problems.push(`${label}: input must name a parameter`)
    if (known(c.from) && typeof output !== "string") outputChecks.push({ from: c.from, output, label })
    if (!ok || typeof output === "string" || typeof input === "string" || input.length === 0) return
    const list = incoming.get(c.to) ?? []
    list.push({ from: c.from, output, input, label })
    incoming.set(c.to, list)
  })

  const deps = new Map<string, Array<string>>()
  const waitsOnly = new Map<string, Set<string>>()
  const sees = new Map<string, ReadonlyArray<string>>()
  const order = [...byId.keys()]
  const gates = new Map<string, Array<{ condition: string; branch: boolean }>>()
  const refsOf: Array<Ref & { readonly owner: string }> = []
  const addDep = (id: string, dep: string) => {
    const list = deps.get(id) ?? []
    if (!list.includes(dep)) list.push(dep)
    deps.set(id, list)
  }

  for (const [id, n] of byId) {
    const at = `node ${id}`
    deps.set(id, deps.get(id) ?? [])
    const kind = kindOf(n.type)
    for (const key of Object.keys(n)) {
      if (!allowed[kind].has(key) && (n as unknown as Record<string, unknown>)[key] !== undefined) {
        problems.push(
          `${at}: ${key.slice(0, 32)} does not belong on a ${kind === "operation" ? "model operation node" : n.type}`
        )
      }
    }
    for (const a of n.after ?? []) {
      if (a === id) problems.push(`${at}: after names the node itself`)
      else if (!known(a)) problems.push(`${at}: after names unknown node ${show(a)}`)
      else addDep(id, a)
    }
    if (typeof n.params === "function" || typeof n.when === "function" || typeof n.value === "function") {
      // a function without `after` sees every earlier node's result, Skipped markers included
      const earlier = n.after ?? order.slice(0, order.indexOf(id))
      sees.set(id, earlier)
      if (n.after === undefined) {
        for (const e of earlier) addDep(id, e)
        waitsOnly.set(id, new Set(earlier))
      }
    }
    const inputs = ctx.inputs
    const templates = (value: unknown, where: string) => {
      if (inputs !== undefined) problems.push(...templateProblems(value, where, inputs).map((p) => `${at}: ${p}`))
    }
    if (kind === "operation") {
      const resolved = types?.get(n.type)
      if (types !== undefined && resolved === undefined)
        problems.push(`${at}: ${unknownTypeReason(n.type, ctx.models!)}`)
      if (resolved !== undefined && n.model !== undefined && resolved.model !== n.model) {
        problems.push(
          `${at}: ${n.type} resolves to another ${resolved.info.name} model in this Database layer than the one the workflow was typed with`
        )
      }
      if (resolved !== undefined) resolvedOf.set(id, resolved)
      if (n.retry !== undefined && !Schedule.isSchedule(n.retry) && !Schema.is(RetryPolicy)(n.retry)) {
        problems.push(`${at}: retry must be { times: 0..100, delay?, backoff? } or a Schedule`)
      }
      if (n.retry !== undefined && transactional) {
        problems.push(
          `${at}: a node of a transactional workflow cannot retry alone (a conflict aborts the whole transaction); use transactional({ retries }) to re-run the workflow`
        )
      }
      if (typeof n.params !== "function") {
        templates(n.params ?? {}, "params")
        if (n.params !== undefined && !isPlainObject(n.params)) problems.push(`${at}: params must be an object`)
        else if (resolved !== undefined) {
          const provided = (incoming.get(id) ?? []).map((c) => c.input.join("."))
          paramProblems(paramShape(resolved.info, resolved.operation), n.params ?? {}, "", provided, (p) =>
            problems.push(`${at} (${n.type}): ${p}`)
          )
        }
      }
    } else if (kind === "condition") {
      if (n.when === undefined) problems.push(`${at}: a ConditionNode needs when`)
      else if (typeof n.when !== "function") {
        const refs: Array<Ref> = []
        const found: Array<string> = []
        checkPredicate(n.when, "when", found, refs)
        problems.push(...found.map((p) => `${at}: ${p}`))
        refsOf.push(...refs.map((r) => ({ ...r, owner: id })))
        templates(n.when, "when")
      }
      const branches = [
        ["then", n.then],
        ["else", n.else]
      ] as const
      for (const [branch, list] of branches) {
        for (const target of list ?? []) {
          if (target === id) problems.push(`${at}: ${branch} names the condition itself`)
          else if (!known(target)) problems.push(`${at}: ${branch} names unknown node ${show(target)}`)
          else if (branch === "else" && (n.then ?? []).includes(target))
            problems.push(`${at}: ${target} is on both branches`)
          else {
            addDep(target, id)
            const g = gates.get(target) ?? []
            g.push({ condition: id, branch: branch === "then" })
            gates.set(target, g)
          }
        }
      }
    } else {
      if (n.value === undefined) problems.push(`${at}: a ComputeNode needs value`)
      else if (typeof n.value !== "function") {
        const refs: Array<Ref> = []
        const found: Array<string> = []
        checkExpression(n.value, "value", found, refs)
        problems.push(...found.map((p) => `${at}: ${p}`))
        refsOf.push(...refs.map((r) => ({ ...r, owner: id })))
        templates(n.value, "value")
      }
    }
  }

  for (const r of refsOf) {
    const at = `node ${r.owner}: ${r.where}`
    if (r.node === r.owner) problems.push(`${at}: refers to the node itself`)
    else if (!known(r.node)) problems.push(`${at}: unknown node ${show(r.node)}`)
    else {
      addDep(r.owner, r.node)
      const shape = outputOf(r.node)
      const reason = shape && outputProblem(shape, r.output)
      if (reason) problems.push(`${at}: ${reason}`)
    }
  }

  for (const c of outputChecks) {
    const shape = outputOf(c.from)
    const reason = shape && outputProblem(shape, c.output)
    if (reason) problems.push(`${c.label}: output ${reason}`)
  }

  for (const [to, list] of incoming) {
    const target = byId.get(to)!
    const inputs = new Set<string>()
    for (const c of list) {
      addDep(to, c.from)
      if (kindOf(target.type) !== "operation") {
        problems.push(
          `${c.label}: a ${target.type} takes no inputs (refer to results in its ${target.type === ConditionNode ? "when" : "value"})`
        )
        continue
      }
      const key = c.input.join(".")
      for (const other of inputs) {
        if (other === key || other.startsWith(`${key}.`) || key.startsWith(`${other}.`))
          problems.push(`${c.label}: input ${key} is also set by another connection`)
      }
      inputs.add(key)
      const resolved = resolvedOf.get(to)
      const inReason = resolved && paramPathProblem(paramShape(resolved.info, resolved.operation), c.input)
      if (inReason) problems.push(`${c.label}: input ${inReason}`)
      if (isPlainObject(target.params)) {
        let v: unknown = target.params
        for (const s of c.input) v = isPlainObject(v) ? v[s] : undefined
        if (v !== undefined) problems.push(`${c.label}: input ${key} is also set in params`)
      }
    }
  }

  problems.push(...findCycles(deps))
  const nodes: Array<Analyzed> = [...byId.values()].map((n) => ({
    spec: n,
    kind: kindOf(n.type),
    resolved: resolvedOf.get(n.id),
    deps: deps.get(n.id) ?? [],
    propagates: (deps.get(n.id) ?? []).filter(
      (d) => !waitsOnly.get(n.id)?.has(d) || gates.get(n.id)?.some((g) => g.condition === d)
    ),
    sees: sees.get(n.id) ?? [],
    gates: gates.get(n.id) ?? [],
    incoming: (incoming.get(n.id) ?? []).map(({ from, input, output }) => ({ from, input, output }))
  }))
  return { problems, nodes }
}
