/**
 * `npm run bench` — effect-dataflow against the raw drivers, raw @effect/sql, Drizzle, Kysely and
 * Prisma on PostgreSQL, MariaDB and SQLite. Flags: --quick, --dialect=…, --scenario=…, --out=….
 * A complete full run writes docs/benchmarks.md; any other run writes bench/.out/ (and prints).
 * Exits non-zero only when our own operations or a raw baseline failed: a peer that cannot run is
 * reported as "did not run: <reason>".
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { openAdmin } from "./admin.js"
import { dialectTitle, type DialectName, type Options, parseOptions, scenarioIds } from "./config.js"
import { type Contender, errorText } from "./contender.js"
import { factories } from "./contenders/index.js"
import { makeRuntime, oursContender } from "./contenders/ours.js"
import { BulkItem, Item, makeRows, seedPrefix } from "./model.js"
import { generatePrisma } from "./prisma/generate.js"
import { gitState, renderReport } from "./report.js"
import type { Cell, DialectResult, StreamRun } from "./results.js"
import { baselineOf, measure, rateOf, ratioOf } from "./runner.js"
import { type Context, scenarios, scenarioTitle } from "./scenarios.js"
import type { StreamResult } from "./stream.js"
import { effectFloor } from "./contenders/effectFloor.js"
import { sectionOf, withSection } from "./vector/report.js"
import { runVectorScenario } from "./vector/main.js"
import { runDocumentScenarios } from "./documents/main.js"
import { documentsSectionOf, withDocumentsSection } from "./documents/report.js"
import { runMongoScenarios } from "./mongo/main.js"
import { mongoSectionOf, withMongoSection } from "./mongo/report.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..")
const log = (line: string) => process.stdout.write(`${line}\n`)

interface Opened {
  readonly contenders: Array<Contender>
  readonly failed: Array<{ name: string; family: Contender["family"]; reason: string }>
}

const openAll = async (dialect: DialectName): Promise<Opened> => {
  const opened: Opened = { contenders: [], failed: [] }
  for (const f of factories) {
    try {
      opened.contenders.push(...(await f.open(dialect)))
    } catch (e) {
      const reason = errorText(e)
      for (const name of f.names(dialect)) opened.failed.push({ name, family: f.family, reason })
      log(`  ${f.names(dialect).join(", ")}: did not run: ${reason}`)
    }
  }
  return opened
}

const runDialect = async (options: Options, dialect: DialectName): Promise<DialectResult> => {
  log(`\n== ${dialectTitle[dialect]}`)
  const admin = await openAdmin(dialect, true)
  const result: DialectResult = { dialect, server: await admin.version(), contenders: [], scenarios: [] }
  const runtime = makeRuntime(dialect)
  try {
    await runtime.runtime() // creates both tables with our DDL
    const ours = oursContender(runtime)
    await runtime.runPromise(Item.bulkCreate({ data: makeRows(seedPrefix, options.sizes.seedRows) }))
    const { contenders: others, failed } = await openAll(dialect)
    const firstRaw = others.find((c) => c.family === "raw")
    const contenders = [ours, ...others, ...(firstRaw !== undefined ? [effectFloor(firstRaw)] : [])]
    ;(result as { contenders: DialectResult["contenders"] }).contenders = [
      ...contenders.map((c) => ({ name: c.name, family: c.family })),
      ...failed.map((f) => ({ name: f.name, family: f.family }))
    ].sort((a, b) => order(a.family) - order(b.family))
    const ctx: Context = {
      dialect,
      sizes: options.sizes,
      admin,
      seedBulk: (rows) => runtime.runPromise(BulkItem.bulkCreate({ data: rows })).then(() => undefined)
    }
    for (const scenario of scenarios.filter((s) => options.scenarios.includes(s.id))) {
      const title = scenario.title(options.sizes)
      log(`  ${title}`)
      await scenario.setup?.(ctx)
      const plan = await scenario.plan(ctx)
      const runnable = contenders.filter((c) => c.ops[scenario.op] !== undefined)
      const measured = await measure(
        runnable.map((c, k) => scenario.task(c, k, ctx)),
        plan,
        log
      )
      const base = baselineOf(measured, scenario.baseline?.(dialect))
      const cells: Array<Cell> = result.contenders.map(({ name, family }) => {
        const m = measured.find((x) => x.contender === name)
        const c = contenders.find((x) => x.name === name)
        const note = c?.notes?.[scenario.id]
        if (m === undefined) {
          const f = failed.find((x) => x.name === name)
          return f !== undefined
            ? { contender: name, family, status: "did not run", reason: f.reason }
            : { contender: name, family, status: "n/a", ...(note ? { reason: note } : {}) }
        }
        if (m.status._tag !== "ok")
          return { contender: name, family, status: "did not run", reason: m.status.reason, measurement: m }
        return {
          contender: name,
          family,
          status: "ok",
          rate: rateOf(m),
          ...(base !== undefined ? { ratio: ratioOf(m, base) } : {}),
          ...(note ? { note } : {}),
          measurement: m
        }
      })
      for (const c of cells.filter((c) => c.status === "ok")) {
        log(
          `    ${c.contender.padEnd(36)} ${(c.ratio ?? NaN).toFixed(2).padStart(6)}x  ${Math.round(c.rate!).toString().padStart(9)} ${scenario.unit}`
        )
      }
      result.scenarios.push({
        id: scenario.id,
        title,
        unit: scenario.unit,
        ...(base !== undefined ? { baseline: base.contender } : {}),
        rounds: plan.rounds,
        cells
      })
    }
    for (const c of others) await c.close().catch((e) => log(`  closing ${c.name}: ${errorText(e)}`))
  } catch (e) {
    result.fatal = errorText(e)
    log(`  FAILED: ${result.fatal}`)
  } finally {
    await runtime.dispose().catch(() => undefined)
    await admin.close().catch(() => undefined)
  }
  if (options.scenarios.includes("stream-1m") && result.fatal === undefined)
    result.stream = await runStream(options, dialect)
  return result
}

const order = (family: Contender["family"]) => ({ ours: 0, raw: 1, reference: 2, "effect-sql": 3, peer: 4 })[family]

const runChild = (dialect: DialectName, rows: number, contender: "ours" | "raw"): Promise<StreamRun> =>
  new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        path.join(here, "stream.ts"),
        `--dialect=${dialect}`,
        `--rows=${rows}`,
        `--contender=${contender}`
      ],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    child.stderr.on("data", (d) => (stderr += String(d)))
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "))
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice(7)) as StreamResult)
      else resolve({ contender, error: `exit ${code}: ${stderr.replace(/\s+/g, " ").trim().slice(-300)}` })
    })
  })

const runStream = async (options: Options, dialect: DialectName): Promise<Array<StreamRun>> => {
  log(`  ${scenarioTitle("stream-1m", options.sizes)} (child processes)`)
  const runs: Array<StreamRun> = []
  for (const contender of ["ours", "raw"] as const) {
    const r = await runChild(dialect, options.sizes.streamRows, contender)
    log(
      r.error !== undefined
        ? `    ${contender}: did not run: ${r.error}`
        : `    ${contender.padEnd(5)} ${Math.round(r.rows! / r.seconds!)} rows/s, peak RSS ${r.peakRssMb} MB (${r.mode})`
    )
    runs.push(r)
  }
  return runs
}

/** Our operations and the raw baselines must run; peers may be reported as not runnable. */
const problems = (results: ReadonlyArray<DialectResult>): Array<string> => {
  const out: Array<string> = []
  for (const d of results) {
    if (d.fatal !== undefined) out.push(`${d.dialect}: ${d.fatal}`)
    for (const s of d.scenarios) {
      for (const c of s.cells) {
        if ((c.family === "ours" || c.family === "raw") && c.status === "did not run")
          out.push(`${d.dialect} ${s.id} ${c.contender}: ${c.reason}`)
      }
    }
    for (const r of d.stream ?? [])
      if (r.error !== undefined) out.push(`${d.dialect} stream ${r.contender}: ${r.error}`)
  }
  return out
}

const main = async () => {
  const options = parseOptions(process.argv.slice(2))
  const startedAt = new Date()
  const code = gitState()
  log(`${options.command}${options.quick ? " (quick)" : ""}`)
  if (options.scenarios.length > 0) await runSuite(options, startedAt, code)
  if (options.vector) await runVectorScenario(options, code, log)
  if (options.documents) await runDocumentScenarios(options, code, log)
  if (options.mongo) await runMongoScenarios(options, code, log)
}

const runSuite = async (options: Options, startedAt: Date, code: string) => {
  for (const dialect of options.dialects) {
    const g = generatePrisma(dialect)
    log(
      g.ok
        ? `prisma client for ${dialect}: ${path.relative(root, g.client)}`
        : `prisma client for ${dialect}: ${g.reason}`
    )
  }
  const results: Array<DialectResult> = []
  for (const dialect of options.dialects) results.push(await runDialect(options, dialect))
  const seconds = (Date.now() - startedAt.getTime()) / 1000
  const markdown = renderReport(options, results, { startedAt, seconds, code })
  const complete = !options.quick && options.dialects.length === 3 && options.scenarios.length === scenarioIds.length
  const out =
    options.out ??
    (complete
      ? path.join(root, "docs", "benchmarks.md")
      : path.join(here, ".out", options.quick ? "benchmarks-quick.md" : "benchmarks-partial.md"))
  fs.mkdirSync(path.dirname(out), { recursive: true })
  // the vector, documents and MongoDB sections (written by their own runs) stay
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : ""
  const vector = sectionOf(old)
  const documents = documentsSectionOf(old)
  const mongo = mongoSectionOf(old)
  let kept = vector !== undefined ? withSection(markdown, vector) : markdown
  if (documents !== undefined) kept = withDocumentsSection(kept, documents)
  if (mongo !== undefined) kept = withMongoSection(kept, mongo)
  fs.writeFileSync(out, kept)
  fs.mkdirSync(path.join(here, ".out"), { recursive: true })
  fs.writeFileSync(path.join(here, ".out", "results.json"), JSON.stringify({ options, results }, null, 1))
  log(`\n${markdown}`)
  log(`wrote ${path.relative(root, out)} in ${Math.round(seconds)} s`)
  const bad = problems(results)
  if (bad.length > 0) {
    log(`\nFAILED: our operations or a raw baseline did not run:\n${bad.map((b) => `  ${b}`).join("\n")}`)
    process.exitCode = 1
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
