/**
 * The vector scenario's entry from bench/main.ts: runs it on PostgreSQL and/or SQLite (whichever
 * `--dialect` names; MariaDB has no vector search), writes its section into docs/benchmarks.md
 * (a full run; `--out=file.md` instead, or bench/.out/ for --quick) and bench/.out/vector.json.
 * Exits non-zero (via the thrown error) when ours or the raw side fails.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Options } from "../config.js"
import { renderVector, withSection } from "./report.js"
import { type DataKind, latentDims, noise, runVector } from "./run.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..", "..")

const dataText = (kind: DataKind): string =>
  kind === "uniform"
    ? "seeded random unit vectors, uniform on the sphere (mulberry32 PRNG, Box–Muller normals, normalized)"
    : `seeded random unit vectors of intrinsic dimension ${latentDims} — a fixed seeded random linear map of ${latentDims}-dimensional normal vectors into ${384} dimensions plus normal noise (σ ${noise} per coordinate), normalized (mulberry32 PRNG, Box–Muller normals). Embeddings of text have such low intrinsic dimension; vectors uniform on the sphere have no neighbourhood structure (all distances crowd around 1) and approximate indexes need far larger ef_search / probes there (\`BV_DATA=uniform\` runs that case)`

export const runVectorScenario = async (options: Options, code: string, log: (l: string) => void): Promise<void> => {
  const dialects = options.dialects.filter((d): d is "postgres" | "sqlite" => d !== "mysql")
  if (dialects.length === 0) return
  log(`\n== Vector search${options.quick ? " (quick)" : ""}`)
  const kind = (process.env["BV_DATA"] as DataKind | undefined) ?? "embedding-like"
  const result = await runVector(options.quick, kind, dialects, log)
  const command = options.command
  const section = renderVector(result, { command, code, data: kind, dataText: dataText(kind) })
  const complete = !options.quick && dialects.length === 2 && kind === "embedding-like"
  const out =
    options.out ??
    (complete ? path.join(root, "docs", "benchmarks.md") : path.join(root, "bench", ".out", "benchmarks-vector.md"))
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "# Benchmarks\n"
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, withSection(old, section))
  fs.mkdirSync(path.join(root, "bench", ".out"), { recursive: true })
  fs.writeFileSync(path.join(root, "bench", ".out", "vector.json"), JSON.stringify(result, null, 1))
  log(`\n${section}\n\nwrote the vector section of ${path.relative(root, out)}`)
}
