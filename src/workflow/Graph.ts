/**
 * Graph algorithms over node dependencies (id → the ids it waits for): cycles, dependency order.
 *
 * @since 0.1.0
 */

/** Every cycle of a dependency graph (id → the ids it depends on), each once, in data-flow direction. */
export const findCycles = (deps: ReadonlyMap<string, ReadonlyArray<string>>): Array<string> => {
  const state = new Map<string, "visiting" | "done">()
  const stack: Array<string> = []
  const seen = new Set<string>()
  const cycles: Array<string> = []
  const visit = (id: string) => {
    state.set(id, "visiting")
    stack.push(id)
    for (const d of deps.get(id) ?? []) {
      if (!deps.has(d)) continue
      if (state.get(d) === "visiting") {
        const cycle = stack.slice(stack.indexOf(d))
        const key = [...cycle].sort().join(",")
        if (!seen.has(key)) {
          seen.add(key)
          // deps point upstream: print the cycle in the direction data flows, from where the search entered it
          const flow = [cycle[0]!, ...cycle.slice(1).reverse()]
          cycles.push(`cycle: ${[...flow, flow[0]!].join(" -> ")}`)
        }
      } else if (state.get(d) === undefined) visit(d)
    }
    stack.pop()
    state.set(id, "done")
  }
  for (const id of deps.keys()) if (state.get(id) === undefined) visit(id)
  return cycles
}

/** Dependency order, stable: among nodes whose dependencies are placed, definition order wins. */
export const topological = <A>(
  nodes: ReadonlyArray<A>,
  idOf: (a: A) => string,
  depsOf: (a: A) => ReadonlyArray<string>
): Array<A> => {
  const placed = new Set<string>()
  const out: Array<A> = []
  while (out.length < nodes.length) {
    const next = nodes.find((n) => !placed.has(idOf(n)) && depsOf(n).every((d) => placed.has(d)))
    if (next === undefined) throw new Error("topological: the graph has a cycle (validate first)")
    placed.add(idOf(next))
    out.push(next)
  }
  return out
}
