/**
 * The document scenarios' markdown: their own section of docs/benchmarks.md between two markers,
 * so a documents run replaces only that section and other runs keep it.
 */
import * as os from "node:os"
import { dialectTitle } from "../config.js"
import type { DocumentRow } from "./main.js"

export const documentsStart =
  "<!-- documents-bench:start (npm run bench -- --scenario=documents writes this section) -->"
export const documentsEnd = "<!-- documents-bench:end -->"

/** `doc` with its documents section replaced by `section` (appended when it has none). */
export const withDocumentsSection = (doc: string, section: string): string => {
  const a = doc.indexOf(documentsStart)
  const b = doc.indexOf(documentsEnd)
  const block = `${documentsStart}\n${section.trim()}\n${documentsEnd}`
  return a !== -1 && b > a
    ? `${doc.slice(0, a)}${block}${doc.slice(b + documentsEnd.length)}`
    : `${doc.trimEnd()}\n\n${block}\n`
}

/** The documents section of an existing report, if it has one. */
export const documentsSectionOf = (doc: string): string | undefined => {
  const a = doc.indexOf(documentsStart)
  const b = doc.indexOf(documentsEnd)
  return a !== -1 && b > a ? doc.slice(a + documentsStart.length, b) : undefined
}

const cell = (r: DocumentRow) =>
  r.failed !== undefined
    ? `did not run: ${r.failed.replace(/\|/g, "/")} | | `
    : `${Math.round(r.ours!)} | ${Math.round(r.raw!)} | **${r.ratio!.toFixed(2)}x**`

export const renderDocuments = (
  rows: ReadonlyArray<DocumentRow>,
  info: { readonly command: string; readonly code: string; readonly seed: number; readonly seconds: number }
): string => {
  const cpus = os.cpus()
  return [
    "## Documents: the document API on SQL vs hand-written JSON SQL",
    "",
    `\`${info.command}\` — ${info.code}; ${cpus.length} × ${cpus[0]?.model ?? "CPU"}, Node ${process.version}; ${Math.round(info.seconds)} s.`,
    "",
    `One collection \`bench_docs\` (its table created by \`Database.collection\`: \`id\` primary key, \`doc\` JSONB / JSON / JSON1 text), ` +
      `${info.seed} seeded documents \`{ status (5 values), category (10), amount, n, name }\`, no index on \`doc\`. ` +
      'effect-dataflow: `Database.collection("bench_docs")` on one runtime. Raw: the driver\'s prepared statements with ' +
      "the JSON SQL a user would write — PostgreSQL `doc->>'status' = $1`, `jsonb_set`; MariaDB `JSON_VALUE(doc, '$.status') = ?`, " +
      "`JSON_SET`; SQLite `doc ->> '$.status' = ?`, `json_set` — rows returned as `{ _id, ...doc }`. Before timing, both sides' " +
      "find, count and aggregate results are compared and must be equal. Interleaved rounds (bench/runner.ts); ratio = median of " +
      "per-round time ratios, ours / raw (> 1: ours slower). Our filters keep MongoDB's meaning (a field equality also matches " +
      "an array element; type-strict comparison), which the hand-written SQL does not.",
    "",
    "| database | scenario | ours ops/s | raw ops/s | ours / raw |",
    "| --- | --- | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${dialectTitle[r.dialect]} | ${r.scenario} | ${cell(r)} |`)
  ].join("\n")
}
