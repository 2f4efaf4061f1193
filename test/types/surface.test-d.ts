/**
 * Type-level proofs that internals are not part of the public namespaces (they stay reachable by
 * module path for the CLI and the tests), and that errors name their dialect by `DialectName`.
 * Run by `vitest run test/types` (typecheck mode) and by `tsc --noEmit -p .`.
 */
import { describe, expectTypeOf, test } from "vitest"
import { Errors, Filter, Migrations } from "../../src/index.js"

describe("internals are not public", () => {
  test("Filter is the typed filter only", () => {
    expectTypeOf<Filter.Filter<{ readonly age: number }>>().toHaveProperty("age")
    // @ts-expect-error the filter compiler is internal
    void Filter.toExpr
    // @ts-expect-error the limits are internal
    void Filter.limits
  })

  test("Migrations: render, renderModels, resolve and the types", () => {
    expectTypeOf(Migrations.render).toBeFunction()
    expectTypeOf<Migrations.Plan>().toHaveProperty("operations")
    // @ts-expect-error introspection is internal
    void Migrations.introspect
    // @ts-expect-error applying a plan without the lock and ledger is internal
    void Migrations.applyPlan
  })

  test("errors: dialect is a DatabaseName; removed classes are gone", () => {
    expectTypeOf<Errors.ConnectionError["dialect"]>().toEqualTypeOf<Errors.DatabaseName>()
    expectTypeOf<Errors.DatabaseError["dialect"]>().toEqualTypeOf<"postgres" | "mysql" | "sqlite" | "mongodb">()
    // @ts-expect-error TenantRequired was never raised
    void Errors.TenantRequired
    // @ts-expect-error WriteError was a second name for QueryError
    type W = Errors.WriteError
  })
})
