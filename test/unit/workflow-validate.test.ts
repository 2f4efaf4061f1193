/**
 * Workflow validation, JSON definitions, templates and expressions — no database needed. Every
 * problem is reported at once in one WorkflowDefinitionError, and a bad workflow reaches no database
 * (the fake Database records any statement, table creation or transaction; none happens).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schedule, Schema } from "effect"
import { DataFlow, Workflow } from "../../src/index.js"
import { evaluate, test as holds } from "../../src/workflow/Expression.js"
import { fillTemplates, parseTemplate, templateProblems } from "../../src/workflow/Template.js"
import { fakeDatabase } from "../support/FakeDatabase.js"

const Product = DataFlow.model("Product", {
  id: Schema.String,
  name: Schema.String,
  stock: Schema.Int,
  meta: Schema.optional(Schema.Struct({ color: Schema.String }))
})
const Order = DataFlow.model("Order", { id: Schema.UUID, productId: Schema.String, quantity: Schema.Int })
const Counter = DataFlow.model("Counter", { id: Schema.Int, label: Schema.String })
const models = new Map<string, DataFlow.AnyModel>([
  ["Product", Product],
  ["Order", Order],
  ["Counter", Counter]
])
const problems = (wf: Workflow.Runnable, inputs: Record<string, unknown> = {}) =>
  Workflow.problems(wf, { models, inputs })

describe("node types resolve against the layer's models", () => {
  it("every model contributes its 11 node types", () => {
    const ops = [
      "Create",
      "Read",
      "Update",
      "Delete",
      "List",
      "Count",
      "Upsert",
      "BulkCreate",
      "BulkUpdate",
      "BulkDelete",
      "BulkUpsert"
    ]
    for (const op of ops)
      expect(problems(Workflow.make("w").addNode(`Product${op}Node`, "n", {}))).not.toContainEqual(
        expect.stringContaining("unknown node type")
      )
    expect(Workflow.nodeTypeName("User", "bulkUpsert")).toBe("UserBulkUpsertNode")
  })

  it("an unknown model or operation is named, with the layer's models", () => {
    expect(problems(Workflow.make("w").addNode("ProdcutReadNode", "a", { id: "x" }))).toEqual([
      "node a: unknown node type ProdcutReadNode: no model Prodcut in this Database layer (its models: Counter, Order, Product)"
    ])
    expect(problems(Workflow.make("w").addNode("ProductFrobNode", "a"))[0]).toContain(
      "a node type is <Model><Operation>Node"
    )
    // a model not given to the layer contributes nothing
    expect(
      Workflow.problems(Workflow.make("w").addNode("ProductReadNode", "a", { id: "x" }), { models: new Map() })[0]
    ).toContain("no model Product")
  })
})

describe("parameters are checked per operation before anything runs", () => {
  it("unknown parameters, at the top and inside fields", () => {
    const wf = Workflow.make("w")
      .addNode("ProductReadNode", "r", { id: "p1", idd: "x" })
      .addNode("ProductUpdateNode", "u", { filter: { id: "p1", name: "x" }, fields: { stok: 1 } })
      .addNode("ProductListNode", "l", { filter: {}, limit: 10, page: 2 })
    expect(problems(wf)).toEqual([
      "node r (ProductReadNode): unknown parameter idd (accepted: id, includeDeleted)",
      "node u (ProductUpdateNode): filter has no name (accepted: id)",
      "node u (ProductUpdateNode): fields has no stok (accepted: name, stock, meta)",
      "node l (ProductListNode): unknown parameter page (accepted: filter, orderBy, limit, offset, cursor, select, includeDeleted)"
    ])
  })

  it("missing required parameters, unless a connection provides them", () => {
    const wf = Workflow.make("w")
      .addNode("ProductCreateNode", "c", { name: "Keyboard" })
      .addNode("ProductUpdateNode", "u", {})
      .addNode("ProductBulkDeleteNode", "d", {})
      .addNode("ProductReadNode", "r", {})
      .connect("c", "id", "r", "id")
    expect(problems(wf)).toEqual([
      "node c (ProductCreateNode): missing required parameter id",
      "node c (ProductCreateNode): missing required parameter stock",
      "node u (ProductUpdateNode): missing required parameter filter",
      "node u (ProductUpdateNode): missing required parameter fields",
      "node d (ProductBulkDeleteNode): missing required parameter filter"
    ])
    // id: optional for UUID ids, not accepted for auto-increment ones
    expect(problems(Workflow.make("w").addNode("OrderCreateNode", "o", { productId: "p", quantity: 1 }))).toEqual([])
    expect(problems(Workflow.make("w").addNode("CounterCreateNode", "c", { id: 1, label: "x" }))[0]).toContain(
      "unknown parameter id"
    )
  })

  it("a whole-value template may stand for an object parameter; JSON fields accept any path below", () => {
    const wf = Workflow.make("w")
      .addNode("ProductUpdateNode", "u", { filter: { id: "{id}" }, fields: "{changes}" })
      .addNode("ProductCreateNode", "c", { id: "x", name: "n", stock: 1, meta: { color: "red", anything: 1 } })
    expect(problems(wf, { id: "p1", changes: { stock: 1 } })).toEqual([])
  })
})

describe("templates", () => {
  it("a whole template keeps the input's type; inside a longer string it is interpolated", () => {
    expect(
      fillTemplates(
        { n: "{qty}", s: "x{qty}y", d: "{when}", deep: ["{a.b}"] },
        { qty: 3, when: new Date(0), a: { b: true } }
      )
    ).toEqual({ n: 3, s: "x3y", d: new Date(0), deep: [true] })
  })

  it("{{ and }} are literal braces; other braces are kept as they are", () => {
    expect(fillTemplates("{{qty}} is {qty}", { qty: 2 })).toBe("{qty} is 2")
    expect(fillTemplates("^a{2,3}$ { x } {}", {})).toBe("^a{2,3}$ { x } {}")
    expect(parseTemplate("{a}{b}")).toEqual([{ input: "a" }, { input: "b" }])
  })

  it("an unresolved template is a problem; so is an object interpolated into a string", () => {
    expect(templateProblems({ a: "{missing}", b: "id-{obj}" }, "params", { obj: { x: 1 } })).toEqual([
      "params.a: template {missing} has no run input",
      "params.b: template {obj} inside a longer string needs a string, number, boolean or bigint input"
    ])
    const wf = Workflow.make("w").addNode("ProductReadNode", "r", { id: "{productId}" })
    expect(problems(wf, {})).toEqual(["node r: params.id: template {productId} has no run input"])
    expect(problems(wf, { productId: "p1" })).toEqual([])
  })
})

describe("connections", () => {
  it('unknown nodes, outputs and inputs are named; count\'s output is the whole value ("")', () => {
    const wf = Workflow.make("w")
      .addNode("ProductCountNode", "n", {})
      .addNode("ProductListNode", "l", {})
      .addNode("ProductUpsertNode", "u", { where: { id: "p" }, create: { name: "x", stock: 1 }, update: {} })
      .addNode("ProductUpdateNode", "t", { filter: { id: "p" }, fields: {} })
      .connect("n", "", "t", "fields.stock")
      .connect("l", "records.0.name", "t", "fields.name")
      .connect("u", "record.meta.color", "t", "fields.meta.color")
      .connect("n", "value", "ghost", "x")
      .connect("l", "records.first", "t", "fields.stock2")
      .connect("u", "record.nope", "t", "filter.id.x")
      .connect("nobody", "id", "t", "fields")
    expect(problems(wf)).toEqual([
      "connection 3 (n.value -> ghost.x): unknown node ghost at to",
      "connection 6 (nobody.id -> t.fields): unknown node nobody at from",
      'connection 3 (n.value -> ghost.x): output the result is a single value with no value (use output "" for the whole value)',
      "connection 4 (l.records.first -> t.fields.stock2): output records is an array: the next segment is an index, not first",
      "connection 5 (u.record.nope -> t.filter.id.x): output record (a record) has no field nope (fields: id, name, stock, meta, created_at, updated_at)",
      "connection 4 (l.records.first -> t.fields.stock2): input fields has no stock2 (accepted: name, stock, meta)",
      "connection 5 (u.record.nope -> t.filter.id.x): input filter.id is a single value: it has no x"
    ])
  })

  it("an input set twice, or set in params and by a connection, is ambiguous", () => {
    const wf = Workflow.make("w")
      .addNode("ProductReadNode", "a", { id: "p" })
      .addNode("ProductUpdateNode", "b", { filter: { id: "p" }, fields: { name: "x" } })
      .connect("a", "stock", "b", "fields.stock")
      .connect("a", "stock", "b", "fields.stock")
      .connect("a", "name", "b", "fields.name")
    expect(problems(wf)).toEqual([
      "connection 1 (a.stock -> b.fields.stock): input fields.stock is also set by another connection",
      "connection 2 (a.name -> b.fields.name): input fields.name is also set in params"
    ])
  })
})

describe("graph problems", () => {
  it("duplicate and malformed ids, cycles, unknown after", () => {
    const wf = Workflow.make("w")
      .addNode("ProductReadNode", "a", { id: "p" })
      .addNode("ProductReadNode", "a", { id: "p" })
      .addNode("ProductReadNode", "has.dot", { id: "p" })
      .addNode("ProductUpdateNode", "b", { filter: { id: "p" }, fields: {} }, { after: ["c", "zzz"] })
      .addNode("ProductUpdateNode", "c", { filter: { id: "p" }, fields: {} })
      .connect("b", "name", "c", "fields.name")
    expect(problems(wf)).toEqual([
      "duplicate node id a",
      "nodes[2].id: has.dot is not a node id (a letter or _, then letters, digits, _ or -; at most 64)",
      "node b: after names unknown node zzz",
      "cycle: b -> c -> b"
    ])
  })

  it("every problem comes at once in one WorkflowDefinitionError, and nothing reaches the database", () =>
    Effect.gen(function* () {
      const db = fakeDatabase([Product, Order])
      const wf = Workflow.make("broken")
        .addNode("ProductCreateNode", "first", { id: "p1", name: "ok", stock: 1 })
        .addNode("NopeReadNode", "x", {})
        .addNode("ProductReadNode", "first", { id: "{nope}" })
        .addNode("ProductUpdateNode", "u", { filter: { id: "{productId}" }, fields: { bad: 1 } })
        .connect("u", "name", "u", "fields.name")
        .connect("ghost", "id", "u", "filter.id")
        .transactional()
      const error = yield* Effect.flip(Workflow.run(wf, {}).pipe(Effect.provide(db.layer)))
      expect(error._tag).toBe("WorkflowDefinitionError")
      if (error._tag !== "WorkflowDefinitionError") return
      expect(error.workflow).toBe("broken")
      expect(error.problems).toEqual([
        "duplicate node id first",
        "connection 1 (ghost.id -> u.filter.id): unknown node ghost at from",
        "node x: unknown node type NopeReadNode: no model Nope in this Database layer (its models: Order, Product)",
        "node u: params.filter.id: template {productId} has no run input",
        "node u (ProductUpdateNode): fields has no bad (accepted: name, stock, meta)",
        "cycle: u -> u"
      ])
      expect(db.calls).toEqual([])
    }))

  it("a bad run option is a definition problem too, and reaches no database", () =>
    Effect.gen(function* () {
      const db = fakeDatabase([Product])
      const error = yield* Effect.flip(
        Workflow.run(Workflow.make("w"), {}, { concurrency: 0 }).pipe(Effect.provide(db.layer))
      )
      expect(error).toMatchObject({
        _tag: "WorkflowDefinitionError",
        problems: ["run options: concurrency must be a positive integer"]
      })
      expect(db.calls).toEqual([])
    }))
})

describe("conditions and compute nodes", () => {
  it("predicates and expressions are checked: paths, operators, branches, inputs", () => {
    const wf = Workflow.make("w")
      .addNode("ProductReadNode", "r", { id: "p" })
      .addCondition("c", { when: { path: "r.stok", op: "$gte", value: "{qty}" }, then: ["x", "c"], else: ["r2"] })
      .addCondition("d", {
        when: {
          $and: [
            { path: "r.stock", op: "$between" as never, value: 1 },
            { path: "zz.a", op: "$eq", value: 1 }
          ]
        },
        then: ["r2"],
        else: ["r2"]
      })
      .addCompute("k", { $pow: [{ $ref: "r.stock" }, 2] } as never)
      .addCompute("m", { $subtract: [{ $ref: "r.stock" }] } as never)
      .addNode("ProductReadNode", "r2", { id: "p" })
      .connect("r", "id", "c", "x")
    expect(problems(wf, {})).toEqual([
      "node c: when.value: template {qty} has no run input",
      "node c: then names unknown node x",
      "node c: then names the condition itself",
      "node d: when.$and[0].op: must be one of $eq $ne $gt $gte $lt $lte $in $nin $exists",
      "node d: r2 is on both branches",
      "node k: value: unknown operator $pow (use $ref, $add, $subtract, $multiply, $concat)",
      "node m: value.$subtract: takes 2 arguments in an array",
      "node c: when.path: the result (a record) has no field stok (fields: id, name, stock, meta, created_at, updated_at)",
      "node d: when.$and[1].path: unknown node zz",
      "connection 0 (r.id -> c.x): a ConditionNode takes no inputs (refer to results in its when)"
    ])
  })

  it("fields that belong to another kind of node are refused", () => {
    const wf = Workflow.fromSpec({
      name: "w",
      nodes: [
        { id: "a", type: "ProductReadNode", params: { id: "p" }, when: { path: "a.id", op: "$exists" } },
        { id: "b", type: "ConditionNode", params: {} },
        { id: "c", type: "ComputeNode", value: 1, retry: { times: 1 } }
      ]
    })
    expect(problems(wf)).toEqual([
      "node a: when does not belong on a model operation node",
      "node b: params does not belong on a ConditionNode",
      "node b: a ConditionNode needs when",
      "node c: retry does not belong on a ComputeNode"
    ])
  })

  it("comparisons never coerce: ordering across types fails instead of being false", () => {
    const results = new Map<string, unknown>([["r", { stock: 5, name: "k", at: new Date(1000), tags: ["a"] }]])
    expect(holds({ path: "r.stock", op: "$gte", value: 5 }, results)).toEqual(Either.right(true))
    expect(holds({ path: "r.name", op: "$in", value: ["j", "k"] }, results)).toEqual(Either.right(true))
    expect(holds({ $not: { path: "r.missing", op: "$exists" } }, results)).toEqual(Either.right(true))
    expect(holds({ path: "r.tags", op: "$eq", value: ["a"] }, results)).toEqual(Either.right(true))
    expect(holds({ path: "r.stock", op: "$gt", value: "4" }, results)).toEqual(
      Either.left("cannot order number against string")
    )
    expect(holds({ path: "r.missing", op: "$lt", value: 1 }, results)).toEqual(
      Either.left("cannot order a missing or null value")
    )
    expect(evaluate({ $subtract: [{ $ref: "r.stock" }, 2] }, results)).toEqual(Either.right(3))
    expect(evaluate({ $concat: [{ $ref: "r.name" }, "-", 1] }, results)).toEqual(Either.right("k-1"))
    expect(evaluate({ $add: [{ $ref: "r.name" }, 1] }, results)).toEqual(
      Either.left("$add needs numbers (or bigints), not string and number")
    )
  })
})

describe("retries and transactions", () => {
  it("a node of a transactional workflow cannot retry alone; retry policies are checked", () => {
    const tx = Workflow.make("w")
      .addNode("ProductReadNode", "r", { id: "p" }, { retry: { times: 3 } })
      .transactional()
    expect(problems(tx)[0]).toContain("node r: a node of a transactional workflow cannot retry alone")
    const bad = Workflow.make("w").addNode("ProductReadNode", "r", { id: "p" }, { retry: { times: -1 } as never })
    expect(problems(bad)).toEqual(["node r: retry must be { times: 0..100, delay?, backoff? } or a Schedule"])
    expect(
      problems(Workflow.make("w").addNode("ProductReadNode", "r", { id: "p" }, { retry: Schedule.recurs(2) }))
    ).toEqual([])
    expect(problems(Workflow.make("w").transactional({ isolation: "sometimes" } as never))).toEqual([
      "transactional: must be true, false or { isolation?, retries? (0..10) }"
    ])
  })
})

describe("JSON definitions", () => {
  const wf = Workflow.make("checkout")
    .addNode(
      "ProductReadNode",
      "check_stock",
      { id: "{productId}" },
      { retry: { times: 2, delay: "5 millis", backoff: "exponential" } }
    )
    .addCondition("enough", { when: { path: "check_stock.stock", op: "$gte", value: "{qty}" }, then: ["new_stock"] })
    .addCompute("new_stock", { $subtract: [{ $ref: "check_stock.stock" }, "{qty}"] })
    .addNode("ProductUpdateNode", "update_stock", { filter: { id: "{productId}" } })
    .connect("new_stock", "", "update_stock", "fields.stock")

  it.effect("round-trips: encode, decode, encode gives the same JSON", () =>
    Effect.gen(function* () {
      const text = yield* Workflow.toJson(wf)
      const loaded = yield* Workflow.fromJson(text)
      expect(yield* Workflow.toJson(loaded)).toBe(text)
      expect(JSON.parse(text).nodes[1]).toEqual({
        id: "enough",
        type: "ConditionNode",
        when: { path: "check_stock.stock", op: "$gte", value: "{qty}" },
        then: ["new_stock"]
      })
      expect(Schema.is(Workflow.Definition)(JSON.parse(text))).toBe(true)
      const tx = Workflow.make("t")
        .addNode("ProductCountNode", "n", {})
        .transactional({ isolation: "serializable", retries: 2 })
      const txText = yield* Workflow.toJson(tx)
      expect(JSON.parse(txText).transactional).toEqual({ isolation: "serializable", retries: 2 })
      expect(yield* Workflow.toJson(yield* Workflow.fromJson(txText))).toBe(txText)
    })
  )

  it.effect("a bad shape is a WorkflowDefinitionError naming every path, never the value found", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Workflow.decode({
          name: "w",
          nodes: [{ id: 7, type: "ProductReadNode", parms: { id: "secret-value" } }, { id: "b" }],
          connections: [{ from: "a", output: "x", to: "b" }],
          transactional: "yes"
        })
      )
      expect(error._tag).toBe("WorkflowDefinitionError")
      expect(error.workflow).toBe("w")
      expect(error.problems).toEqual([
        "transactional: Expected boolean",
        'transactional: Expected { readonly isolation?: "read uncommitted" | "read committed" | "repeatable read" | "serializable"; readonly retries?: Int & between(0, 10) }',
        "nodes[0].parms: is not a known key",
        "nodes[0].id: Expected string",
        "nodes[1].type: is missing",
        "connections[0].input: is missing"
      ])
      expect(error.message).not.toContain("secret-value")
    })
  )

  it.effect("loading checks what needs no database (cycles, unknown nodes) with the same error", () =>
    Effect.gen(function* () {
      const cyclic = JSON.stringify({
        name: "w",
        nodes: [
          { id: "a", type: "XReadNode", params: {} },
          { id: "b", type: "XReadNode", params: {} }
        ],
        connections: [
          { from: "a", output: "id", to: "b", input: "id" },
          { from: "b", output: "id", to: "a", input: "id" },
          { from: "c", output: "", to: "a", input: "x" }
        ]
      })
      const error = yield* Effect.flip(Workflow.fromJson(cyclic))
      expect(error.problems).toEqual(["connection 2 (c. -> a.x): unknown node c at from", "cycle: a -> b -> a"])
      expect((yield* Effect.flip(Workflow.fromJson("{ not json"))).problems).toEqual([
        "(definition): is not valid JSON"
      ])
    })
  )

  it.effect("what JSON cannot hold is refused when encoding, not dropped", () =>
    Effect.gen(function* () {
      const fns = Workflow.make("w")
        .addNode("ProductReadNode", "r", { id: "p" }, { retry: Schedule.recurs(1) })
        .addCondition("c", { when: () => true })
        .addNode("ProductCreateNode", "d", { id: "x", name: "n", stock: 1, at: new Date(0) })
      expect((yield* Effect.flip(Workflow.toJson(fns))).problems).toEqual([
        "node r: retry is a Schedule, which JSON cannot hold (use { times, delay, backoff })",
        "node c: when is a function, which JSON cannot hold"
      ])
      const date = Workflow.make("w").addNode("ProductCreateNode", "d", { id: "x", at: new Date(0) })
      expect((yield* Effect.flip(Workflow.toJson(date))).problems).toEqual([
        "nodes[0].params.at: is not a JSON value (null, boolean, finite number, string, array or plain object)"
      ])
    })
  )
})
