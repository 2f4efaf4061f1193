/**
 * The markdown report: machine, versions, the exact command, one table per database (ops/s or
 * rows/s and the ratio to the raw driver), the stream runs, the targets and the notes.
 */
import { execSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { dialectTitle, type Options, type ScenarioId } from "./config.js"
import type { Cell, DialectResult, StreamRun } from "./results.js"
import { judge } from "./targets.js"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")

const versionOf = (pkg: string): string => {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }
    ).version
  } catch {
    return "not installed"
  }
}

const packages = [
  "effect",
  "@effect/sql",
  "@effect/sql-pg",
  "@effect/sql-mysql2",
  "@effect/sql-sqlite-node",
  "pg",
  "pg-copy-streams",
  "postgres",
  "mysql2",
  "mariadb",
  "better-sqlite3",
  "drizzle-orm",
  "kysely",
  "prisma",
  "@prisma/client",
  "@prisma/adapter-pg",
  "@prisma/adapter-mariadb",
  "@prisma/adapter-better-sqlite3"
]

/** The commit measured (read when the run starts: src is loaded then). */
export const gitState = (): string => {
  try {
    const head = execSync("git rev-parse --short HEAD", {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"]
    }).trim()
    const dirty = execSync("git status --porcelain -- src", {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"]
    }).trim()
    return dirty === "" ? head : `${head} with uncommitted changes in src/`
  } catch {
    return "unknown"
  }
}

const si = (n: number): string =>
  !Number.isFinite(n)
    ? "–"
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)}M`
      : n >= 1e4
        ? `${(n / 1e3).toFixed(1)}k`
        : n >= 100
          ? n.toFixed(0)
          : n.toFixed(1)

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

const cellText = (c: Cell | undefined, baseline: string | undefined): string => {
  if (c === undefined) return "·"
  if (c.status === "n/a") return c.reason ? "n/a¹" : "·"
  if (c.status === "did not run") return `did not run: ${esc(c.reason ?? "")}`
  const ratio =
    c.contender === baseline
      ? "**1.00x** (base)"
      : c.ratio !== undefined && Number.isFinite(c.ratio)
        ? `${c.ratio.toFixed(2)}x`
        : "–"
  return `${ratio} · ${si(c.rate ?? NaN)}`
}

const dialectTable = (d: DialectResult): Array<string> => {
  const lines: Array<string> = []
  const head = d.scenarios.map((s) => `${esc(s.title)} (${s.unit})`)
  lines.push(`| contender | ${head.join(" | ")} |`)
  lines.push(`| --- | ${head.map(() => "---").join(" | ")} |`)
  for (const c of d.contenders) {
    const cells = d.scenarios.map((s) =>
      cellText(
        s.cells.find((x) => x.contender === c.name),
        s.baseline
      )
    )
    const label = c.family === "ours" ? `**${c.name}**` : c.name
    lines.push(`| ${label} | ${cells.join(" | ")} |`)
  }
  return lines
}

const streamTable = (runs: ReadonlyArray<StreamRun>): Array<string> => {
  const lines = [
    "| contender | how | rows | seconds | rows/s | RSS before (MB) | peak RSS (MB) |",
    "| --- | --- | --- | --- | --- | --- | --- |"
  ]
  for (const r of runs) {
    const name = r.contender === "ours" ? "**effect-dataflow**" : "raw driver"
    if (r.error !== undefined) lines.push(`| ${name} | did not run: ${esc(r.error)} | | | | | |`)
    else {
      lines.push(
        `| ${name} | ${esc(r.mode ?? "")}${r.note ? ` (${esc(r.note)})` : ""} | ${r.rows!.toLocaleString("en-US")} | ${r.seconds!.toFixed(1)} | ${si(r.rows! / r.seconds!)} | ${r.rssBeforeMb} | ${r.peakRssMb} |`
      )
    }
  }
  return lines
}

/** Notes grouped by contender and text: which scenarios and databases they apply to. */
const notesOf = (results: ReadonlyArray<DialectResult>): Array<string> => {
  const seen = new Map<string, { scenarios: Set<string>; dialects: Set<string> }>()
  for (const d of results) {
    for (const s of d.scenarios) {
      for (const c of s.cells) {
        const text = c.status === "n/a" ? c.reason : c.note
        if (!text) continue
        const key = `${c.contender}: ${text}`
        const entry = seen.get(key) ?? { scenarios: new Set(), dialects: new Set() }
        entry.scenarios.add(s.title)
        entry.dialects.add(dialectTitle[d.dialect])
        seen.set(key, entry)
      }
    }
  }
  return [...seen].map(([k, e]) => `- ${k} — ${[...e.scenarios].join("; ")} (${[...e.dialects].join(", ")})`)
}

export const renderReport = (
  options: Options,
  results: ReadonlyArray<DialectResult>,
  run: { readonly startedAt: Date; readonly seconds: number; readonly code: string }
): string => {
  const { startedAt, seconds } = run
  const cpus = os.cpus()
  const out: Array<string> = []
  out.push("# Benchmarks", "")
  out.push(
    "Our operations against the raw drivers at their fastest, raw @effect/sql and the peers that install on Node 20, " +
      "on the same tables, interleaved round by round in one process (warm-up first; the order of contenders rotates " +
      "each round). A cell is `time ratio to the baseline · median throughput`; the ratio is the median of per-round " +
      "ratios (lower is faster; **1.00x** marks the baseline, the raw driver's fastest form in that column — for " +
      "PostgreSQL bulk inserts, COPY), the throughput the median over rounds, so where rounds vary the two can " +
      "rank two close contenders differently. `·`: not applicable. Generated by `npm run bench`; do not edit by hand.",
    ""
  )
  out.push("## Run", "")
  out.push(
    `- command: \`${options.command}\`${options.quick ? " (quick: tiny sizes, proves the suite works; timings mean nothing)" : ""}`
  )
  out.push(`- date: ${startedAt.toISOString()} (took ${Math.round(seconds)} s)`)
  out.push(`- code: ${run.code} (when the run started)`)
  out.push(
    `- machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`
  )
  for (const d of results) out.push(`- ${dialectTitle[d.dialect]}: ${d.server}`)
  out.push(`- packages: ${packages.map((p) => `${p} ${versionOf(p)}`).join(", ")}`)
  const s = options.sizes
  out.push(
    `- sizes: ${s.seedRows.toLocaleString("en-US")} rows in the single-row table; single-row scenarios ${s.microRounds} rounds of ~${s.roundMs} ms per contender; ` +
      `bulk rounds: insert ${s.bulkSmallRounds} / ${s.bulkLargeRounds}, upsert ${s.upsertRounds}, update ${s.bulkUpdateRounds}`,
    ""
  )
  for (const d of results) {
    out.push(`## ${dialectTitle[d.dialect]}`, "")
    if (d.fatal !== undefined) out.push(`**did not run: ${esc(d.fatal)}**`, "")
    if (d.scenarios.length > 0) out.push(...dialectTable(d), "")
    if (d.stream !== undefined)
      out.push(
        `Streamed into bulkCreate (${dialectTitle[d.dialect]}), one child process per contender:`,
        "",
        ...streamTable(d.stream),
        ""
      )
  }
  const verdicts = judge(results)
  if (verdicts.length > 0) {
    out.push("## Targets", "")
    out.push("| database | scenario | target | measured | |", "| --- | --- | --- | --- | --- |")
    for (const v of verdicts) {
      const status = v.met === undefined ? "n/a" : v.met ? "met" : "**missed**"
      out.push(
        `| ${dialectTitle[v.dialect]} | ${v.scenario as ScenarioId} | ${esc(v.target)} | ${esc(v.measured)} | ${status} |`
      )
    }
    out.push("")
  }
  const notes = notesOf(results)
  out.push("## Notes", "")
  out.push(
    "- Every contender does the same work per call: `list` returns the page and the total of all matches (ours " +
      "always computes the total, so every contender runs the page query and a COUNT, concurrently where the driver " +
      "has a pool); hand-written SQL binds every value as a parameter, as ours does.",
    "- Single-row calls run one after another (latency, not concurrency). Bulk calls are all-or-nothing " +
      "(one transaction) in every contender; the table is emptied (and for upserts half-seeded) untimed before each call.",
    "- `… in Effect.runPromise` rows are a reference, not a contender: the raw driver's fastest form with each call " +
      "wrapped in `Effect.runPromise(Effect.promise(…))` — what running any Effect per call costs on top of the " +
      "driver, the floor for operations that are Effects (ours are run the same way: `runtime.runPromise` per call).",
    "- `·`: the contender has no such operation (COPY and unnest are bulk-insert forms only). ¹ n/a: see below.",
    "",
    "Per contender:",
    ""
  )
  out.push(...notes, "")
  return out.join("\n")
}
