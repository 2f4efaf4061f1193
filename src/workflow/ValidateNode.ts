/**
 * The checks of one workflow node: the keys its kind allows, `after`, the nodes a function form
 * sees, and per kind — an operation's type, retry and parameters; a condition's predicate and
 * branches; a compute node's expression — with their templates against the inputs.
 *
 * @since 0.1.0
 */
import { Schedule, Schema } from "effect"
import { addDep, kindOf, known, type Analyzed, show, type Work } from "./Analysis.js"
import { RetryPolicy } from "./Definition.js"
import { checkExpression, checkPredicate, type Ref } from "./Expression.js"
import { isPlainObject } from "./Path.js"
import { unknownTypeReason } from "./Registry.js"
import { documentProblems } from "./DocumentChecks.js"
import { paramShapeOf } from "./DocumentShapes.js"
import { paramProblems } from "./Shapes.js"
import type { NodeSpec } from "./Spec.js"
import { templateProblems } from "./Template.js"

const allowed: Record<Analyzed["kind"], ReadonlySet<string>> = {
  operation: new Set(["id", "type", "params", "after", "retry", "model"]),
  condition: new Set(["id", "type", "when", "then", "else", "after"]),
  compute: new Set(["id", "type", "value", "after"])
}

/** One node being checked: where its problems are reported. */
interface At {
  readonly w: Work
  readonly id: string
  readonly n: NodeSpec
  /** `node <id>` */
  readonly at: string
}

const problem = (a: At, p: string) => a.w.problems.push(`${a.at}: ${p}`)

/** Templates in `value` must resolve against the run inputs (when given). */
const templates = (a: At, value: unknown, where: string) => {
  const inputs = a.w.ctx.inputs
  if (inputs !== undefined) a.w.problems.push(...templateProblems(value, where, inputs).map((p) => `${a.at}: ${p}`))
}

const checkKeys = (a: At, kind: Analyzed["kind"]) => {
  for (const key of Object.keys(a.n)) {
    if (!allowed[kind].has(key) && (a.n as unknown as Record<string, unknown>)[key] !== undefined) {
      problem(a, `${key.slice(0, 32)} does not belong on a ${kind === "operation" ? "model operation node" : a.n.type}`)
    }
  }
}

const checkAfter = (a: At) => {
  for (const after of a.n.after ?? []) {
    if (after === a.id) problem(a, "after names the node itself")
    else if (!known(a.w, after)) problem(a, `after names unknown node ${show(after)}`)
    else addDep(a.w, a.id, after)
  }
}

/** A function without `after` sees every earlier node's result, Skipped markers included. */
const functionForm = (a: At) => {
  const { n, w, id } = a
  if (typeof n.params !== "function" && typeof n.when !== "function" && typeof n.value !== "function") return
  const earlier = n.after ?? w.order.slice(0, w.order.indexOf(id))
  w.sees.set(id, earlier)
  if (n.after === undefined) {
    for (const e of earlier) addDep(w, id, e)
    w.waitsOnly.set(id, new Set(earlier))
  }
}

const checkOperation = (a: At) => {
  const { n, w, id } = a
  const resolved = w.types?.get(n.type)
  if (w.types !== undefined && resolved === undefined) problem(a, unknownTypeReason(n.type, w.ctx.models!))
  if (resolved !== undefined && n.model !== undefined && resolved.model !== n.model) {
    problem(
      a,
      `${n.type} resolves to another ${resolved.info?.name} model in this Database layer than the one the workflow was typed with`
    )
  }
  if (resolved !== undefined) w.resolvedOf.set(id, resolved)
  if (n.retry !== undefined && !Schedule.isSchedule(n.retry) && !Schema.is(RetryPolicy)(n.retry)) {
    problem(a, "retry must be { times: 0..100, delay?, backoff? } or a Schedule")
  }
  if (n.retry !== undefined && w.transactional) {
    problem(
      a,
      "a node of a transactional workflow cannot retry alone (a conflict aborts the whole transaction); use transactional({ retries }) to re-run the workflow"
    )
  }
  if (typeof n.params === "function") return
  templates(a, n.params ?? {}, "params")
  if (n.params !== undefined && !isPlainObject(n.params)) problem(a, "params must be an object")
  else if (resolved !== undefined) {
    const provided = (w.incoming.get(id) ?? []).map((c) => c.input.join("."))
    const add = (p: string) => w.problems.push(`${a.at} (${n.type}): ${p}`)
    paramProblems(paramShapeOf(resolved), n.params ?? {}, "", provided, add)
    if (resolved.document) documentProblems(resolved.operation, n.params ?? {}, w.ctx.inputs, add)
  }
}

/** Checks an expression (`when` or `value`) and keeps its references to other nodes. */
const checkRefs = (a: At, value: unknown, where: "when" | "value") => {
  const refs: Array<Ref> = []
  const found: Array<string> = []
  if (where === "when") checkPredicate(value, where, found, refs)
  else checkExpression(value, where, found, refs)
  a.w.problems.push(...found.map((p) => `${a.at}: ${p}`))
  a.w.refsOf.push(...refs.map((r) => ({ ...r, owner: a.id })))
  templates(a, value, where)
}

const checkBranches = (a: At) => {
  const { n, w, id } = a
  const branches = [
    ["then", n.then],
    ["else", n.else]
  ] as const
  for (const [branch, list] of branches) {
    for (const target of list ?? []) {
      if (target === id) problem(a, `${branch} names the condition itself`)
      else if (!known(w, target)) problem(a, `${branch} names unknown node ${show(target)}`)
      else if (branch === "else" && (n.then ?? []).includes(target)) problem(a, `${target} is on both branches`)
      else {
        addDep(w, target, id)
        const g = w.gates.get(target) ?? []
        g.push({ condition: id, branch: branch === "then" })
        w.gates.set(target, g)
      }
    }
  }
}

const checkCondition = (a: At) => {
  if (a.n.when === undefined) problem(a, "a ConditionNode needs when")
  else if (typeof a.n.when !== "function") checkRefs(a, a.n.when, "when")
  checkBranches(a)
}

const checkCompute = (a: At) => {
  if (a.n.value === undefined) problem(a, "a ComputeNode needs value")
  else if (typeof a.n.value !== "function") checkRefs(a, a.n.value, "value")
}

/** Checks node `id` and records its dependencies, gates and references. */
export const checkNode = (w: Work, id: string, n: NodeSpec): void => {
  const a: At = { w, id, n, at: `node ${id}` }
  w.deps.set(id, w.deps.get(id) ?? [])
  const kind = kindOf(n.type)
  checkKeys(a, kind)
  checkAfter(a)
  functionForm(a)
  if (kind === "operation") checkOperation(a)
  else if (kind === "condition") checkCondition(a)
  else checkCompute(a)
}
