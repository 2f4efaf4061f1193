/**
 * The public surface: src/index.ts exports exactly these runtime names per namespace; internals
 * (Filter.toExpr, Filter.limits, Migrations.introspect, Migrations.applyPlan, …) are reachable only
 * by their module paths. A name added here is a decision, not an accident.
 */
import { describe, expect, test } from "vitest"
import * as Index from "../../src/index.js"

const names = (ns: object) => Object.keys(ns).sort()

describe("src/index.ts exports the user API only", () => {
  test("the namespaces", () => {
    expect(names(Index)).toEqual(["DataFlow", "Database", "Errors", "Filter", "Migrations", "Workflow"])
  })

  test("each namespace's runtime names", () => {
    expect(names(Index.DataFlow)).toEqual([
      "dateOnly",
      "dateTime",
      "decimal",
      "model",
      "operations",
      "searches",
      "vector"
    ])
    expect(names(Index.Database)).toEqual([
      "Database",
      "collection",
      "discover",
      "health",
      "layer",
      "layerFromEnv",
      "migrate",
      "rollback",
      "transaction"
    ])
    expect(names(Index.Filter)).toEqual([])
    expect(names(Index.Migrations)).toEqual(["render", "renderModels", "resolve"])
    expect(names(Index.Workflow)).toEqual([
      "ComputeNode",
      "ConditionNode",
      "ConnectionDefinition",
      "Definition",
      "NodeDefinition",
      "RetryPolicy",
      "Skipped",
      "TransactionalOptions",
      "Typed",
      "Workflow",
      "decode",
      "defaultConcurrency",
      "encode",
      "fromJson",
      "fromSpec",
      "isSkipped",
      "make",
      "nodeTypeName",
      "nodeTypes",
      "problems",
      "run",
      "toJson",
      "typed",
      "validate"
    ])
  })

  test("Errors holds tagged error classes only", () => {
    for (const [name, value] of Object.entries(Index.Errors)) {
      expect(typeof value).toBe("function")
      expect(new (value as new (args: object) => { _tag: string })({})._tag).toBe(name)
    }
    expect(Object.keys(Index.Errors)).not.toContain("TenantRequired")
  })
})
