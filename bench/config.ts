/**
 * Command-line flags, sizes (full and --quick) and where each database's bench namespace lives.
 * The bench never touches test data: PostgreSQL schema `bench`, MariaDB database `bench`, and a
 * SQLite file under os.tmpdir().
 */
import * as os from "node:os"
import * as path from "node:path"

export type DialectName = "postgres" | "mysql" | "sqlite"
export const dialects: ReadonlyArray<DialectName> = ["postgres", "mysql", "sqlite"]
export const dialectTitle: Record<DialectName, string> = { postgres: "PostgreSQL", mysql: "MariaDB", sqlite: "SQLite" }

/** Every scenario id, in report order. */
export const scenarioIds = [
  "read",
  "list",
  "count",
  "insert",
  "update",
  "transaction",
  "bulk-insert-10k",
  "bulk-insert-100k",
  "bulk-upsert-10k",
  "bulk-update",
  "stream-1m"
] as const
export type ScenarioId = (typeof scenarioIds)[number]

/**
 * `vector` (bench/vector/): run only when asked (`--scenario=vector`, about 10 minutes) and by
 * `--quick` with every scenario (a few seconds); a plain `npm run bench` leaves it out.
 */
export const vectorScenario = "vector"

/** `documents` (bench/documents/): the document API vs raw JSON SQL; part of a plain run and of --quick. */
export const documentsScenario = "documents"

/** `mongo` (bench/mongo/): MongoDB scenarios; part of a plain run and of --quick, run only when DATAFLOW_TEST_MONGO is set. */
export const mongoScenario = "mongo"

export interface Sizes {
  /** Rows in the table the single-row scenarios read and update. */
  readonly seedRows: number
  readonly warmupMs: number
  readonly roundMs: number
  readonly microRounds: number
  readonly bulkSmall: number
  readonly bulkLarge: number
  readonly bulkSmallRounds: number
  readonly bulkLargeRounds: number
  readonly upsertRows: number
  readonly upsertRounds: number
  /** Rows in the table bulk-update runs on (a tenth match its filter). */
  readonly bulkUpdateRows: number
  readonly bulkUpdateRounds: number
  readonly streamRows: number
}

export const fullSizes: Sizes = {
  seedRows: 10_000,
  warmupMs: 300,
  roundMs: 200,
  microRounds: 8,
  bulkSmall: 10_000,
  bulkLarge: 100_000,
  bulkSmallRounds: 6,
  bulkLargeRounds: 3,
  upsertRows: 10_000,
  upsertRounds: 3,
  bulkUpdateRows: 100_000,
  bulkUpdateRounds: 6,
  streamRows: 1_000_000
}

export const quickSizes: Sizes = {
  seedRows: 300,
  warmupMs: 15,
  roundMs: 10,
  microRounds: 3,
  bulkSmall: 200,
  bulkLarge: 500,
  bulkSmallRounds: 2,
  bulkLargeRounds: 2,
  upsertRows: 200,
  upsertRounds: 2,
  bulkUpdateRows: 500,
  bulkUpdateRounds: 2,
  streamRows: 2_000
}

export interface Options {
  readonly quick: boolean
  readonly dialects: ReadonlyArray<DialectName>
  readonly scenarios: ReadonlyArray<ScenarioId>
  /** Run the vector scenario (bench/vector/). */
  readonly vector: boolean
  /** Run the document scenarios (bench/documents/). */
  readonly documents: boolean
  /** Run the MongoDB scenarios (bench/mongo/; they print one line and skip without DATAFLOW_TEST_MONGO). */
  readonly mongo: boolean
  /** Where the markdown goes; undefined = docs/benchmarks.md for a complete full run, else bench/.out/. */
  readonly out: string | undefined
  readonly sizes: Sizes
  /** The command as a user would type it. */
  readonly command: string
}

const usage = `usage: npm run bench -- [--quick] [--dialect=postgres|mysql|sqlite[,…]] [--scenario=${[...scenarioIds, vectorScenario, documentsScenario, mongoScenario].join("|")}[,…]] [--out=file.md]`

export const parseOptions = (argv: ReadonlyArray<string>): Options => {
  let quick = false
  let chosenDialects: Array<DialectName> = [...dialects]
  let scenarios: Array<ScenarioId> = [...scenarioIds]
  let vector: boolean | undefined
  let documents = true
  let mongo = true
  let out: string | undefined
  for (const arg of argv) {
    const [flag, value = ""] = arg.split("=", 2) as [string, string | undefined]
    const list = value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
    if (flag === "--quick") quick = true
    else if (flag === "--dialect") {
      const alias: Record<string, DialectName> = { pg: "postgres", postgresql: "postgres", mariadb: "mysql" }
      chosenDialects = list.map((d) => alias[d] ?? d) as Array<DialectName>
      const bad = chosenDialects.find((d) => !dialects.includes(d))
      if (bad !== undefined || list.length === 0) throw new Error(`unknown dialect "${bad ?? ""}"\n${usage}`)
    } else if (flag === "--scenario") {
      vector = list.includes(vectorScenario)
      documents = list.includes(documentsScenario)
      mongo = list.includes(mongoScenario)
      const extra: ReadonlyArray<string> = [vectorScenario, documentsScenario, mongoScenario]
      scenarios = list.filter((s) => !extra.includes(s)) as Array<ScenarioId>
      const bad = scenarios.find((s) => !scenarioIds.includes(s))
      if (bad !== undefined || list.length === 0) throw new Error(`unknown scenario "${bad ?? ""}"\n${usage}`)
    } else if (flag === "--out") out = value
    else if (flag === "--help" || flag === "-h") throw new Error(usage)
    else throw new Error(`unknown flag ${arg}\n${usage}`)
  }
  const script = process.env["npm_lifecycle_event"]
  const base =
    script === "bench:quick" ? "npm run bench:quick" : script === "bench" ? "npm run bench" : "npx tsx bench/main.ts"
  const command =
    argv.length === 0 || (script === "bench:quick" && argv.every((a) => a === "--quick"))
      ? base
      : `${base}${script?.startsWith("bench") ? " --" : ""} ${argv.filter((a) => !(script === "bench:quick" && a === "--quick")).join(" ")}`
  return {
    quick,
    dialects: chosenDialects,
    scenarios: scenarioIds.filter((s) => scenarios.includes(s)),
    vector: vector ?? quick,
    documents,
    mongo,
    out,
    sizes: quick ? quickSizes : fullSizes,
    command
  }
}

/** Server URL without a database (PostgreSQL: with one; the schema is chosen by search_path). */
const pgBase = process.env["DATAFLOW_BENCH_PG"] ?? "postgresql://postgres@127.0.0.1:5432/test"
const mysqlBase = process.env["DATAFLOW_BENCH_MYSQL"] ?? "mysql://root@127.0.0.1:3306"

export const pgSchema = "bench"
export const mysqlDatabase = "bench"
export const sqliteDir = path.join(os.tmpdir(), "effect-dataflow-bench")
export const sqliteFile = path.join(sqliteDir, "bench.db")

export const connection = {
  /** PostgreSQL: database test, schema bench through the connection's search_path. */
  pgUrl: `${pgBase}${pgBase.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${pgSchema}`)}`,
  pgAdminUrl: pgBase,
  pg: (() => {
    const u = new URL(pgBase)
    return {
      host: u.hostname || "127.0.0.1",
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username || "postgres"),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: u.pathname.slice(1) || "test"
    }
  })(),
  mysqlUrl: `${mysqlBase.replace(/\/+$/, "")}/${mysqlDatabase}`,
  mysqlAdminUrl: mysqlBase,
  mysql: (() => {
    const u = new URL(mysqlBase.replace(/^mariadb:/, "mysql:"))
    return {
      host: u.hostname || "127.0.0.1",
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || "root"),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: mysqlDatabase
    }
  })(),
  sqliteUrl: `sqlite:${sqliteFile}`,
  sqliteFile
}
