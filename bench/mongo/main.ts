/**
 * The MongoDB scenarios: our model operations on a `mongodb://` Database layer against the official
 * driver called directly (read by id, list with total, insert, update, bulk insert, bulk upsert),
 * interleaved rounds (bench/runner.ts). They run only when DATAFLOW_TEST_MONGO names a server (a
 * replica set: bulk writes are all-or-nothing in a transaction); otherwise one line says so and the
 * section records "not run here". Database `dataflow_bench` on that server is dropped at start and end.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { ManagedRuntime } from "effect"
import type { MongoClient } from "mongodb"
import { Database } from "../../src/index.js"
import type { Options } from "../config.js"
import { type Contender, errorText } from "../contender.js"
import { BulkItem, Item, type ItemInput, listFilter, listLimit, makeRows, seedPrefix } from "../model.js"
import { measure, type Plan, rateOf, ratioOf, type Task } from "../runner.js"
import { withMongoSection } from "./report.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..", "..")
const database = "dataflow_bench"

const sizes = (quick: boolean) =>
  quick
    ? { seed: 300, bulk: 500, upsert: 200, warmupMs: 15, roundMs: 10, rounds: 3, bulkRounds: 2 }
    : { seed: 10_000, bulk: 100_000, upsert: 10_000, warmupMs: 300, roundMs: 200, rounds: 8, bulkRounds: 3 }

const urlOf = (base: string) => {
  const u = new URL(base)
  u.pathname = `/${database}`
  return u.toString()
}

const asDoc = (r: ItemInput) => {
  const { id, ...rest } = r
  const now = new Date()
  return { _id: id, ...rest, created_at: now, updated_at: now }
}

const contender = (name: string, family: "ours" | "raw"): Contender => ({
  name,
  family,
  ops: {},
  close: async () => {}
})

type Row = {
  readonly scenario: string
  readonly ours?: number
  readonly raw?: number
  readonly ratio?: number
  readonly failed?: string
}

const scenarioTasks = (
  run: <A>(e: import("effect").Effect.Effect<A, unknown, Database.Database>) => Promise<A>,
  client: MongoClient,
  s: ReturnType<typeof sizes>
) => {
  const db = client.db(database)
  const items = db.collection<{ _id: string }>(Item.info.table)
  const bulk = db.collection<{ _id: string }>(BulkItem.info.table)
  const id = (i: number) => `${seedPrefix}${(i * 7919) % s.seed}`
  const mongoFilter = { active: true, age: { $gte: 40, $lt: 42 } }
  const bulkRows = makeRows("b", s.bulk)
  const upsertRows = makeRows("u", s.upsert, 1)
  const reset = () => bulk.deleteMany({}).then(() => undefined)
  const seedUpserts = () =>
    reset().then(() => bulk.insertMany(makeRows("u", s.upsert / 2).map(asDoc)).then(() => undefined))
  type Pair = readonly [(i: number) => Promise<unknown>, (i: number) => Promise<unknown>, (() => Promise<void>)?]
  const pairs: ReadonlyArray<readonly [string, "micro" | "bulk", number, Pair]> = [
    ["read by id", "micro", 1, [(i) => run(Item.read({ id: id(i) })), (i) => items.findOne({ _id: id(i) })]],
    [
      "list with total",
      "micro",
      1,
      [
        () => run(Item.list({ filter: listFilter, orderBy: ["age"], limit: listLimit })),
        () =>
          Promise.all([
            items.find(mongoFilter).sort({ age: 1, _id: 1 }).limit(listLimit).toArray(),
            items.countDocuments(mongoFilter)
          ])
      ]
    ],
    [
      "insert",
      "micro",
      1,
      [(i) => run(Item.create(makeRows("o", 1, 0, i)[0]!)), (i) => items.insertOne(asDoc(makeRows("r", 1, 0, i)[0]!))]
    ],
    [
      "update by id",
      "micro",
      1,
      [
        (i) => run(Item.update({ filter: { id: id(i) }, fields: { score: i } })),
        (i) => items.updateOne({ _id: id(i) }, { $set: { score: i, updated_at: new Date() } })
      ]
    ],
    [
      `bulk insert ${s.bulk}`,
      "bulk",
      s.bulk,
      [() => run(BulkItem.bulkCreate({ data: bulkRows })), () => bulk.insertMany(bulkRows.map(asDoc)), reset]
    ],
    [
      `bulk upsert ${s.upsert} (half new)`,
      "bulk",
      s.upsert,
      [
        () => run(BulkItem.bulkUpsert({ data: upsertRows })),
        () =>
          bulk.bulkWrite(
            upsertRows.map((r) => {
              const { _id, created_at, ...rest } = asDoc(r)
              return {
                updateOne: { filter: { _id }, update: { $set: rest, $setOnInsert: { created_at } }, upsert: true }
              }
            })
          ),
        seedUpserts
      ]
    ]
  ]
  return pairs.map(([title, mode, units, [ours, raw, prepare]]) => ({
    title,
    plan: {
      mode,
      units,
      rounds: mode === "bulk" ? s.bulkRounds : s.rounds,
      warmupMs: s.warmupMs,
      roundMs: s.roundMs
    } satisfies Plan,
    tasks: [
      { contender: contender("effect-dataflow", "ours"), run: (_, i) => ours(i), ...(prepare ? { prepare } : {}) },
      { contender: contender("mongodb driver", "raw"), run: (_, i) => raw(i), ...(prepare ? { prepare } : {}) }
    ] satisfies Array<Task>
  }))
}

const runAll = async (base: string, options: Options, log: (l: string) => void): Promise<Array<Row>> => {
  const s = sizes(options.quick)
  const { MongoClient } = await import("mongodb")
  const client = new MongoClient(urlOf(base))
  await client.connect()
  await client.db(database).dropDatabase()
  const runtime = ManagedRuntime.make(Database.layer({ url: urlOf(base), models: [Item, BulkItem] }))
  const rows: Array<Row> = []
  try {
    await runtime.runPromise(Item.bulkCreate({ data: makeRows(seedPrefix, s.seed) }))
    for (const sc of scenarioTasks(runtime.runPromise, client, s)) {
      const [o, r] = await measure(sc.tasks, sc.plan, log)
      const failed = [o!, r!].find((m) => m.status._tag !== "ok")
      const row: Row =
        failed !== undefined
          ? { scenario: sc.title, failed: `${failed.contender}: ${(failed.status as { reason: string }).reason}` }
          : { scenario: sc.title, ours: rateOf(o!), raw: rateOf(r!), ratio: ratioOf(o!, r!) }
      log(row.failed ?? `    ${sc.title.padEnd(36)} ${row.ratio!.toFixed(2).padStart(6)}x`)
      rows.push(row)
    }
  } finally {
    await runtime.dispose().catch(() => undefined)
    await client
      .db(database)
      .dropDatabase()
      .catch(() => undefined)
    await client.close().catch(() => undefined)
  }
  return rows
}

const render = (rows: ReadonlyArray<Row> | string, options: Options, code: string) =>
  [
    "## MongoDB: model operations vs the official driver",
    "",
    typeof rows === "string"
      ? rows
      : [
          `\`${options.command}\` — ${code}. Our operations on a \`mongodb://\` layer against the driver called directly on the same collections ` +
            "(bulk writes: ours all-or-nothing in a transaction, the driver's `insertMany` / `bulkWrite` without one). Ratio: ours / driver time per unit.",
          "",
          "| scenario | ours units/s | driver units/s | ours / driver |",
          "| --- | ---: | ---: | ---: |",
          ...rows.map((r) =>
            r.failed !== undefined
              ? `| ${r.scenario} | did not run: ${r.failed.replace(/\|/g, "/")} | | |`
              : `| ${r.scenario} | ${Math.round(r.ours!)} | ${Math.round(r.raw!)} | **${r.ratio!.toFixed(2)}x** |`
          )
        ].join("\n")
  ].join("\n")

/** Runs the MongoDB scenarios when DATAFLOW_TEST_MONGO is set; else prints one line. Writes the section. */
export const runMongoScenarios = async (options: Options, code: string, log: (l: string) => void) => {
  const base = process.env["DATAFLOW_TEST_MONGO"]
  let section: string
  if (base === undefined || base === "") {
    log("\n== MongoDB: SKIPPED — DATAFLOW_TEST_MONGO is not set (no MongoDB server); the MongoDB scenarios did not run")
    section = render("Not run here: no server (`DATAFLOW_TEST_MONGO` was not set).", options, code)
  } else {
    log(`\n== MongoDB${options.quick ? " (quick)" : ""}`)
    try {
      section = render(await runAll(base, options, log), options, code)
    } catch (e) {
      log(`    FAILED: ${errorText(e)}`)
      section = render(`Did not run: ${errorText(e)}`, options, code)
      process.exitCode = 1
    }
  }
  const complete = !options.quick && options.dialects.length === 3
  const out =
    options.out ??
    (complete ? path.join(root, "docs", "benchmarks.md") : path.join(root, "bench", ".out", "benchmarks-mongo.md"))
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "# Benchmarks\n"
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, withMongoSection(old, section))
}
