/**
 * The vector scenario's markdown: its own section of docs/benchmarks.md, between two markers, so a
 * vector run replaces only that section and a full run of the other scenarios keeps it.
 */
import * as os from "node:os"
import { filterCategory } from "./data.js"
import { dims } from "./model.js"
import type { VectorResult, VectorRow } from "./results.js"
import type { DataKind } from "./run.js"

export const sectionStart = "<!-- vector-bench:start (npm run bench -- --scenario=vector writes this section) -->"
export const sectionEnd = "<!-- vector-bench:end -->"

/** `doc` with its vector section replaced by `section` (appended when it has none). */
export const withSection = (doc: string, section: string): string => {
  const a = doc.indexOf(sectionStart)
  const b = doc.indexOf(sectionEnd)
  const block = `${sectionStart}\n${section.trim()}\n${sectionEnd}`
  return a !== -1 && b > a
    ? `${doc.slice(0, a)}${block}${doc.slice(b + sectionEnd.length)}`
    : `${doc.trimEnd()}\n\n${block}\n`
}

/** The vector section of an existing report, if it has one. */
export const sectionOf = (doc: string): string | undefined => {
  const a = doc.indexOf(sectionStart)
  const b = doc.indexOf(sectionEnd)
  return a !== -1 && b > a ? doc.slice(a + sectionStart.length, b) : undefined
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const title = { postgres: "PostgreSQL", sqlite: "SQLite" } as const

const rowLine = (r: VectorRow): string => {
  const m = r.measured
  const rows = m.ours.minRows === m.ours.maxRows ? `${m.ours.minRows}` : `${m.ours.minRows}–${m.ours.maxRows}`
  return (
    `| ${title[r.dialect]} | ${r.index} | ${r.setting} | ${r.filtered ? `category = ${filterCategory} (10%)` : "none"} | ${m.queries} ` +
    `| **${m.ours.recall.toFixed(3)}** | ${m.raw.recall.toFixed(3)} ` +
    `| ${ms(m.ours.p50)} | ${ms(m.raw.p50)} | **${ratio(m.ours.p50, m.raw.p50)}** | ${(m.ours.p50 - m.raw.p50).toFixed(2)} ` +
    `| ${ms(m.ours.p95)} | ${ms(m.raw.p95)} | ${ratio(m.ours.p95, m.raw.p95)} | ${rows} | ${m.same}/${m.queries} |`
  )
}

/** The smallest HNSW ef_search whose recall (ours) reaches `target`, unfiltered. */
export const efSearchFor = (r: VectorResult, target: number): string | undefined =>
  r.rows.find((x) => x.index.startsWith("HNSW") && !x.filtered && x.measured.ours.recall >= target)?.setting

export interface RenderInfo {
  readonly command: string
  readonly code: string
  readonly data: DataKind
  readonly dataText: string
}

export const renderVector = (r: VectorResult, info: RenderInfo): string => {
  const cpus = os.cpus()
  const s = r.sizes
  const ef95 = efSearchFor(r, 0.95)
  const out = [
    "## Vector search (top-10 by cosine)",
    "",
    `\`Model.vectorSearch\` against the same statements on the raw driver over the same table and index, interleaved query by query in one process (which of the two goes first alternates; ${s.warmup} untimed warm-up queries each). Latencies are per call, in ms; a ratio is ours / raw (lower is faster). Recall@${s.k} is against the exact answer computed in JS by brute force over the same float32 vectors (float64 accumulation), ties by id. "same" counts the queries where both returned the same ids in the same order. Loading is not measured (PostgreSQL: COPY BINARY; SQLite: prepared inserts in one transaction). The machine has 2 cores shared with other sessions running test suites: timings vary between runs and are indicative only; nothing asserts them.`,
    "",
    `- command: \`${info.command}\``,
    `- date: ${r.startedAt} (took ${Math.round(r.seconds)} s)`,
    `- code: ${info.code}`,
    `- machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"} (shared), Node ${process.version}`,
    `- servers: ${r.servers.join("; ")}`,
    `- data: ${s.rows.toLocaleString("en-US")} rows × ${dims} dimensions, ${info.dataText}; ${s.queries} query vectors from the same distribution (another seed); the filter \`category = ${filterCategory}\` admits every tenth row (10%). Exact scans run the first ${s.exactQueries} queries.`,
    '- ours: `Model.vectorSearch({ vector, k: 10, select: ["id", "category"], efSearch | probes, filter? })` on a runtime built once; raw: node-postgres named prepared statements / better-sqlite3 prepared statements issuing what ours issues (PostgreSQL with an index: both open their connections with `-c hnsw.ef_search=100 -c hnsw.iterative_scan=relaxed_order -c ivfflat.iterative_scan=relaxed_order`; at ef_search 100 without probes the statement `WITH df_s AS MATERIALIZED (… ORDER BY distance LIMIT k) SELECT … ORDER BY distance, id` alone, otherwise `BEGIN`, the `set_config` tuning statement, that statement, `COMMIT`; the exact statement only if fewer than k rows came back; SQLite: the vec0 KNN joined back to the table).',
    "- MariaDB has no vector type: vectors are stored as JSON and `vectorSearch` fails `UnsupportedFeature`, so it is not measured.",
    "",
    "| database | index | search setting | filter | queries | recall@10 ours | recall@10 raw | p50 ours | p50 raw | p50 ratio | p50 ours − raw | p95 ours | p95 raw | p95 ratio | rows returned | same |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.rows.map(rowLine),
    "",
    ef95 !== undefined
      ? `HNSW (m=16, ef_construction=64): the smallest swept \`ef_search\` reaching recall@10 ≥ 0.95 is **${ef95}**.`
      : "HNSW (m=16, ef_construction=64): no swept `ef_search` reached recall@10 ≥ 0.95.",
    "",
    "Index builds and sizes (PostgreSQL: `CREATE INDEX` as our migration writes it, `maintenance_work_mem = 1GB`, `max_parallel_maintenance_workers = 1`; sizes `pg_table_size`, `pg_indexes_size`, `pg_relation_size`. SQLite: our migration's statements — the vec0 table, its sync triggers and the backfill — in one transaction; sizes: the file after a WAL checkpoint, and the vec0 shadow tables from `dbstat`). The 1M column is **extrapolated** linearly (×" +
      `${(1_000_000 / s.rows).toLocaleString("en-US")}) from the measured size, not measured: no 1M build fits this run's time budget on 2 cores.`,
    "",
    `| database | object | build (s) | size at ${s.rows.toLocaleString("en-US")} rows (MiB) | 1M rows, extrapolated (MiB) |`,
    "| --- | --- | --- | --- | --- |",
    ...r.builds.map(
      (b) =>
        `| ${title[b.dialect]} | ${b.what} | ${b.seconds === undefined ? "·" : b.seconds.toFixed(1)} | ${mib(b.bytes)} | ~${mib((b.bytes * 1_000_000) / s.rows)} |`
    )
  ]
  return out.join("\n")
}
