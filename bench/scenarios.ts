/**
 * The scenarios: what each call does, how it is checked in the warm-up, how the table is reset
 * between bulk calls, and how many rounds run.
 */
import type { Admin } from "./admin.js"
import type { DialectName, ScenarioId, Sizes } from "./config.js"
import type { Contender, ListResult, Ops } from "./contender.js"
import { bulkTable, type ItemInput, itemsTable, makeRow, makeRows, seedPrefix } from "./model.js"
import type { Plan, Task } from "./runner.js"

/** What a scenario may use besides the contender. */
export interface Context {
  readonly dialect: DialectName
  readonly sizes: Sizes
  readonly admin: Admin
  /** Fills the bulk table with these rows (untimed; our bulkCreate). */
  readonly seedBulk: (rows: ReadonlyArray<ItemInput>) => Promise<void>
}

export interface Scenario {
  readonly id: ScenarioId
  readonly title: (sizes: Sizes) => string
  readonly unit: "ops/s" | "rows/s"
  readonly op: keyof Ops
  /** Once before any contender runs it. */
  readonly setup?: (ctx: Context) => Promise<void>
  readonly plan: (ctx: Context) => Promise<Plan>
  /** The raw contender the ratios are taken against when it is not simply the fastest raw form. */
  readonly baseline?: (dialect: DialectName) => string | undefined
  /** `k` numbers the contender (keeps its inserted ids apart from the others'). */
  readonly task: (c: Contender, k: number, ctx: Context) => Task
}

const fail = (what: string) => {
  throw new Error(`check failed: ${what}`)
}
const expectCount = async (admin: Admin, table: string, where: string, n: number, what: string) => {
  const got = await admin.count(table, where)
  if (got !== n) fail(`${what}: ${got} rows where ${n} were expected`)
}

const listWhere = "active = TRUE AND age >= 40 AND age < 42"
const seedId = (i: number, sizes: Sizes) => `${seedPrefix}${(i * 7919) % sizes.seedRows}`
const k1 = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : n.toLocaleString("en-US")

const micro = (ctx: Context): Promise<Plan> =>
  Promise.resolve({
    mode: "micro",
    rounds: ctx.sizes.microRounds,
    warmupMs: ctx.sizes.warmupMs,
    roundMs: ctx.sizes.roundMs,
    units: 1
  })

const read: Scenario = {
  id: "read",
  title: () => "point read by id",
  unit: "ops/s",
  op: "read",
  plan: micro,
  task: (c, _k, ctx) => ({
    contender: c,
    run: (_p, i) => c.ops.read!(seedId(i, ctx.sizes)),
    check: (r) =>
      void (
        (r as { id?: unknown } | undefined)?.id === seedId(0, ctx.sizes) ||
        fail(`read returned ${JSON.stringify(r)?.slice(0, 80)}`)
      )
  })
}

const list: Scenario = {
  id: "list",
  title: () => "filtered list (filter + order + limit 20, with total)",
  unit: "ops/s",
  op: "list",
  plan: micro,
  task: (c, _k, ctx) => ({
    contender: c,
    run: () => c.ops.list!(),
    check: async (r) => {
      const { rows, total } = r as ListResult
      const expected = await ctx.admin.count(itemsTable, listWhere)
      if (Number(total) !== expected || rows.length !== Math.min(20, expected))
        fail(`list gave ${rows.length} rows of ${total}; expected ${Math.min(20, expected)} of ${expected}`)
    }
  })
}

const count: Scenario = {
  id: "count",
  title: () => "count with filter",
  unit: "ops/s",
  op: "count",
  plan: micro,
  task: (c, _k, ctx) => ({
    contender: c,
    run: () => c.ops.count!(),
    check: async (r) => {
      const expected = await ctx.admin.count(itemsTable, listWhere)
      if (Number(r) !== expected) fail(`count gave ${r}; expected ${expected}`)
    }
  })
}

const insert: Scenario = {
  id: "insert",
  title: () => "single insert",
  unit: "ops/s",
  op: "insert",
  plan: micro,
  task: (c, k, ctx) => ({
    contender: c,
    run: (_p, i) => c.ops.insert!(makeRow(`i${k}_`, i)),
    check: () => expectCount(ctx.admin, itemsTable, `id = 'i${k}_0'`, 1, "insert")
  })
}

const update: Scenario = {
  id: "update",
  title: () => "update by id",
  unit: "ops/s",
  op: "update",
  plan: micro,
  task: (c, _k, ctx) => ({
    contender: c,
    run: (_p, i) => c.ops.update!(seedId(i, ctx.sizes), i + 0.25),
    check: () => expectCount(ctx.admin, itemsTable, `id = '${seedId(0, ctx.sizes)}' AND score = 0.25`, 1, "update")
  })
}

const transaction: Scenario = {
  id: "transaction",
  title: () => "3-statement transaction (read, update, insert)",
  unit: "ops/s",
  op: "transaction",
  plan: micro,
  task: (c, k, ctx) => ({
    contender: c,
    run: (_p, i) => c.ops.transaction!(seedId(i, ctx.sizes), seedId(i + 1, ctx.sizes), i + 0.25, makeRow(`t${k}_`, i)),
    check: () => expectCount(ctx.admin, itemsTable, `id = 't${k}_0'`, 1, "transaction")
  })
}

const warmupRows = (n: number) => Math.max(10, Math.min(1000, Math.floor(n / 10)))

const bulkInsert = (
  id: "bulk-insert-10k" | "bulk-insert-100k",
  size: (s: Sizes) => number,
  rounds: (s: Sizes) => number
): Scenario => {
  let data: { warmup: Array<ItemInput>; timed: Array<ItemInput> } | undefined
  return {
    id,
    title: (s) => `bulk insert ${k1(size(s))} rows`,
    unit: "rows/s",
    op: "bulkInsert",
    setup: async (ctx) => {
      data = { warmup: makeRows("b", warmupRows(size(ctx.sizes))), timed: makeRows("b", size(ctx.sizes)) }
    },
    plan: async (ctx) => ({ mode: "bulk", rounds: rounds(ctx.sizes), warmupMs: 0, roundMs: 0, units: size(ctx.sizes) }),
    baseline: (dialect) => (dialect === "postgres" ? "pg COPY" : undefined),
    task: (c, _k, ctx) => ({
      contender: c,
      prepare: () => ctx.admin.empty(bulkTable),
      run: (phase) => c.ops.bulkInsert!(data![phase]),
      check: () => expectCount(ctx.admin, bulkTable, "", data!.warmup.length, "bulk insert")
    })
  }
}

const bulkUpsert: Scenario = (() => {
  let data: Record<"warmup" | "timed", { seed: Array<ItemInput>; rows: Array<ItemInput> }> | undefined
  const make = (n: number) => ({ seed: makeRows("u", Math.floor(n / 2)), rows: makeRows("u", n, 1) })
  return {
    id: "bulk-upsert-10k",
    title: (s) => `bulk upsert ${k1(s.upsertRows)} rows (half new)`,
    unit: "rows/s",
    op: "bulkUpsert",
    setup: async (ctx) => {
      data = { warmup: make(warmupRows(ctx.sizes.upsertRows)), timed: make(ctx.sizes.upsertRows) }
    },
    plan: async (ctx) => ({
      mode: "bulk",
      rounds: ctx.sizes.upsertRounds,
      warmupMs: 0,
      roundMs: 0,
      units: ctx.sizes.upsertRows
    }),
    task: (c, _k, ctx) => ({
      contender: c,
      prepare: async (phase) => {
        await ctx.admin.empty(bulkTable)
        await ctx.seedBulk(data![phase].seed)
      },
      run: (phase) => c.ops.bulkUpsert!(data![phase].rows),
      check: () => expectCount(ctx.admin, bulkTable, "name LIKE '% v1'", data!.warmup.rows.length, "bulk upsert")
    })
  }
})()

const bulkUpdate: Scenario = (() => {
  let matched = 0
  return {
    id: "bulk-update",
    title: (s) => `bulk update by filter (${k1(Math.round(s.bulkUpdateRows / 8))} of ${k1(s.bulkUpdateRows)} rows)`,
    unit: "rows/s",
    op: "bulkUpdate",
    setup: async (ctx) => {
      await ctx.admin.empty(bulkTable)
      await ctx.seedBulk(makeRows("m", ctx.sizes.bulkUpdateRows))
      matched = await ctx.admin.count(bulkTable, "age >= 40 AND age < 50")
    },
    plan: async (ctx) => ({
      mode: "bulk",
      rounds: ctx.sizes.bulkUpdateRounds,
      warmupMs: 0,
      roundMs: 0,
      units: matched
    }),
    task: (c, _k, ctx) => ({
      contender: c,
      run: (_p, i) => c.ops.bulkUpdate!(i + 0.5),
      check: () => expectCount(ctx.admin, bulkTable, "age >= 40 AND age < 50 AND score = 0.5", matched, "bulk update")
    })
  }
})()

/** Every scenario that runs in the main process (stream-1m runs in child processes, see stream.ts). */
export const scenarios: ReadonlyArray<Scenario> = [
  read,
  list,
  count,
  insert,
  update,
  transaction,
  bulkInsert(
    "bulk-insert-10k",
    (s) => s.bulkSmall,
    (s) => s.bulkSmallRounds
  ),
  bulkInsert(
    "bulk-insert-100k",
    (s) => s.bulkLarge,
    (s) => s.bulkLargeRounds
  ),
  bulkUpsert,
  bulkUpdate
]

/** Titles for the report, including the stream scenario. */
export const scenarioTitle = (id: ScenarioId, sizes: Sizes): string =>
  id === "stream-1m"
    ? `${k1(sizes.streamRows)} rows streamed into bulkCreate`
    : scenarios.find((s) => s.id === id)!.title(sizes)

export const scenarioUnit = (id: ScenarioId): "ops/s" | "rows/s" =>
  id === "stream-1m" ? "rows/s" : scenarios.find((s) => s.id === id)!.unit
