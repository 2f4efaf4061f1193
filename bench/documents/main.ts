/**
 * The document scenarios (`--scenario=documents`; part of a plain run and of --quick): the document
 * API on SQL (`Database.collection`) against the JSON SQL a user writes by hand on the raw driver,
 * on PostgreSQL JSONB, MariaDB JSON and SQLite JSON1, interleaved rounds (bench/runner.ts), ratios
 * of time per call to the raw side. Both sides first answer the same queries and must agree.
 * Writes its own section of docs/benchmarks.md (a complete full run), else bench/.out/.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { openAdmin } from "../admin.js"
import { dialectTitle, type DialectName, type Options } from "../config.js"
import { type Contender, errorText } from "../contender.js"
import { measure, type Measurement, type Plan, rateOf, ratioOf, type Task } from "../runner.js"
import { openOurs, seedOurs } from "./ours.js"
import { type DocOps, documentScenarios, makeDoc } from "./ops.js"
import { openRaw } from "./raw.js"
import { renderDocuments, withDocumentsSection } from "./report.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..", "..")

/** One scenario on one database: both sides' measurements, or why it did not run. */
export interface DocumentRow {
  readonly dialect: DialectName
  readonly scenario: string
  readonly ours?: number
  readonly raw?: number
  readonly ratio?: number
  readonly failed?: string
}

const sizes = (quick: boolean) =>
  quick ? { seed: 300, warmupMs: 15, roundMs: 10, rounds: 3 } : { seed: 10_000, warmupMs: 300, roundMs: 200, rounds: 8 }

const contender = (name: string, family: "ours" | "raw"): Contender => ({
  name,
  family,
  ops: {},
  close: async () => {}
})

/** Both sides answer find, count and aggregate alike before anything is timed. */
const agree = async (ours: DocOps, raw: DocOps): Promise<string | undefined> => {
  const pairs = [
    ["find", await ours.find(), await raw.find()],
    ["count", await ours.count(), await raw.count()],
    ["aggregate", await ours.aggregate(), await raw.aggregate()]
  ] as const
  for (const [what, a, b] of pairs) {
    if (JSON.stringify(a) !== JSON.stringify(b)) return `${what}: the two sides' results differ`
  }
  return undefined
}

const tasksOf = (id: string, ours: DocOps, raw: DocOps, seed: number): Array<Task> =>
  (
    [
      ["effect-dataflow", "ours", ours],
      ["raw driver + JSON SQL", "raw", raw]
    ] as const
  ).map(([name, family, ops]) => ({
    contender: contender(name, family),
    run: (_, i) => {
      switch (id) {
        case "insertOne":
          return ops.insertOne(makeDoc(family === "ours" ? "o" : "r", i))
        case "find":
          return ops.find()
        case "updateOne":
          return ops.updateOne(makeDoc("s", (i * 7919) % seed)._id, i)
        case "count":
          return ops.count()
        default:
          return ops.aggregate()
      }
    }
  }))

const runDialect = async (options: Options, dialect: DialectName, log: (l: string) => void) => {
  const s = sizes(options.quick)
  const rows: Array<DocumentRow> = []
  log(`  ${dialectTitle[dialect]}`)
  const admin = await openAdmin(dialect, false)
  let ours: DocOps | undefined
  let raw: DocOps | undefined
  try {
    ours = await openOurs(dialect)
    await seedOurs(
      dialect,
      Array.from({ length: s.seed }, (_, i) => makeDoc("s", i))
    )
    raw = await openRaw(dialect)
    const differ = await agree(ours, raw)
    if (differ !== undefined) throw new Error(differ)
    const plan: Plan = { mode: "micro", rounds: s.rounds, warmupMs: s.warmupMs, roundMs: s.roundMs, units: 1 }
    for (const sc of documentScenarios) {
      const [o, r] = (await measure(tasksOf(sc.id, ours, raw, s.seed), plan, log)) as [Measurement, Measurement]
      const failed = [o, r].find((m) => m.status._tag !== "ok")
      const row: DocumentRow =
        failed !== undefined
          ? {
              dialect,
              scenario: sc.title,
              failed: `${failed.contender}: ${(failed.status as { reason: string }).reason}`
            }
          : { dialect, scenario: sc.title, ours: rateOf(o), raw: rateOf(r), ratio: ratioOf(o, r) }
      log(
        row.failed ??
          `    ${sc.title.padEnd(40)} ${row.ratio!.toFixed(2).padStart(6)}x  ${Math.round(row.ours!)} vs ${Math.round(row.raw!)} ops/s`
      )
      rows.push(row)
    }
  } catch (e) {
    rows.push({ dialect, scenario: "(all)", failed: errorText(e) })
    log(`    FAILED: ${errorText(e)}`)
  } finally {
    await raw?.close().catch(() => undefined)
    await ours?.close().catch(() => undefined)
    await admin.exec("DROP TABLE IF EXISTS bench_docs").catch(() => undefined)
    await admin.close().catch(() => undefined)
  }
  return rows
}

/** Runs the document scenarios on `options.dialects`; writes the section; fails the run when a side failed. */
export const runDocumentScenarios = async (options: Options, code: string, log: (l: string) => void) => {
  log(`\n== Documents${options.quick ? " (quick)" : ""}: Database.collection vs raw JSON SQL`)
  const started = Date.now()
  const rows: Array<DocumentRow> = []
  for (const dialect of options.dialects) rows.push(...(await runDialect(options, dialect, log)))
  const section = renderDocuments(rows, {
    command: options.command,
    code,
    seed: sizes(options.quick).seed,
    seconds: (Date.now() - started) / 1000
  })
  const complete = !options.quick && options.dialects.length === 3
  const out =
    options.out ??
    (complete ? path.join(root, "docs", "benchmarks.md") : path.join(root, "bench", ".out", "benchmarks-documents.md"))
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "# Benchmarks\n"
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, withDocumentsSection(old, section))
  log(`\n${section}\n\nwrote the documents section of ${path.relative(root, out)}`)
  if (rows.some((r) => r.failed !== undefined)) process.exitCode = 1
}
