/**
 * The checks between workflow nodes: connections (their ends, output and input paths, inputs set
 * twice or also in params), references from conditions and compute expressions to other nodes'
 * results, and the dependencies both add.
 *
 * @since 0.1.0
 */
import { addDep, kindOf, known, type LabeledIncoming, outputOf, show, type Work } from "./Analysis.js"
import { isPlainObject, parsePath } from "./Path.js"
import { ConditionNode } from "./Registry.js"
import { paramShapeOf } from "./DocumentShapes.js"
import { outputProblem, paramPathProblem } from "./Shapes.js"

/** Parses the connections and attaches each valid one to its target. */
export const parseConnections = (w: Work): void => {
  ;(w.spec.connections ?? []).forEach((c, i) => {
    const label = `connection ${i} (${show(c.from)}.${show(c.output)} -> ${show(c.to)}.${show(c.input)})`
    const output = parsePath(c.output)
    const input = parsePath(c.input)
    let ok = true
    for (const [end, id] of [
      ["from", c.from],
      ["to", c.to]
    ] as const) {
      if (!known(w, id)) {
        w.problems.push(`${label}: unknown node ${show(id)} at ${end}`)
        ok = false
      }
    }
    if (typeof output === "string") w.problems.push(`${label}: output ${output}`)
    if (typeof input === "string") w.problems.push(`${label}: input ${input}`)
    else if (input.length === 0) w.problems.push(`${label}: input must name a parameter`)
    if (known(w, c.from) && typeof output !== "string") w.outputChecks.push({ from: c.from, output, label })
    if (!ok || typeof output === "string" || typeof input === "string" || input.length === 0) return
    const list = w.incoming.get(c.to) ?? []
    list.push({ from: c.from, output, input, label })
    w.incoming.set(c.to, list)
  })
}

/** References from expressions to other nodes: known, not the node itself, and to an output that exists. */
export const checkReferences = (w: Work): void => {
  for (const r of w.refsOf) {
    const at = `node ${r.owner}: ${r.where}`
    if (r.node === r.owner) w.problems.push(`${at}: refers to the node itself`)
    else if (!known(w, r.node)) w.problems.push(`${at}: unknown node ${show(r.node)}`)
    else {
      addDep(w, r.owner, r.node)
      const shape = outputOf(w, r.node)
      const reason = shape && outputProblem(shape, r.output)
      if (reason) w.problems.push(`${at}: ${reason}`)
    }
  }
}

/** Connections' output paths against their source's result. */
export const checkOutputs = (w: Work): void => {
  for (const c of w.outputChecks) {
    const shape = outputOf(w, c.from)
    const reason = shape && outputProblem(shape, c.output)
    if (reason) w.problems.push(`${c.label}: output ${reason}`)
  }
}

const checkInput = (w: Work, to: string, c: LabeledIncoming, inputs: Set<string>) => {
  const target = w.byId.get(to)!
  const key = c.input.join(".")
  for (const other of inputs) {
    if (other === key || other.startsWith(`${key}.`) || key.startsWith(`${other}.`))
      w.problems.push(`${c.label}: input ${key} is also set by another connection`)
  }
  inputs.add(key)
  const resolved = w.resolvedOf.get(to)
  const inReason = resolved && paramPathProblem(paramShapeOf(resolved), c.input)
  if (inReason) w.problems.push(`${c.label}: input ${inReason}`)
  if (isPlainObject(target.params)) {
    let v: unknown = target.params
    for (const s of c.input) v = isPlainObject(v) ? v[s] : undefined
    if (v !== undefined) w.problems.push(`${c.label}: input ${key} is also set in params`)
  }
}

/** Each node's incoming connections: only operations take inputs, each set once, to a parameter that exists. */
export const checkIncoming = (w: Work): void => {
  for (const [to, list] of w.incoming) {
    const target = w.byId.get(to)!
    const inputs = new Set<string>()
    for (const c of list) {
      addDep(w, to, c.from)
      if (kindOf(target.type) !== "operation") {
        w.problems.push(
          `${c.label}: a ${target.type} takes no inputs (refer to results in its ${target.type === ConditionNode ? "when" : "value"})`
        )
        continue
      }
      checkInput(w, to, c, inputs)
    }
  }
}
