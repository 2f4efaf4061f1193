/**
 * The `dataflow` command in child processes: exit codes and output of `migrate plan | apply |
 * status | rollback`, refusals, usage errors, `run <workflow.json>`, `--help`, and the bin shim.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import mysql from "mysql2/promise"
import pg from "pg"
import { bundle } from "../support/Bundle.js"
import { bundleCli, plain, spawnNode } from "../support/Cli.js"
import { dialectNames } from "../support/Dialects.js"
import { resetNamespace } from "../support/Namespaces.js"

let cli = ""
const dir = join("scratch", `cli-${process.pid}`)
// the models modules: TypeScript (loaded through tsx) in the usage tests; bundled JavaScript in the
// migrate flows, which start many processes (tsx would take ~2.5 s each)
const V1ts = "test/support/CliModels.ts"
let V1 = ""
let V2 = ""
const dataflow = (...args: Array<string>) => spawnNode(cli, args)

beforeAll(async () => {
  cli = await bundleCli()
  V1 = await bundle("test/support/CliModels.ts", "cli-models-v1")
  V2 = await bundle("test/support/CliModelsV2.ts", "cli-models-v2")
  mkdirSync(dir, { recursive: true })
}, 60_000)
afterAll(() => {
  for (const f of [cli, V1, V2]) rmSync(f, { force: true })
  rmSync(dir, { recursive: true, force: true })
})

describe("dataflow migrate", () => {
  for (const dialect of dialectNames) {
    it(`${dialect}: plan, apply, refused, status, rollback (the first dialect also: apply again, refused rollback, empty status)`, async () => {
      const url = await resetNamespace(dialect, "df_cli")
      const plan = await dataflow("migrate", "plan", "--url", url, "--models", V1)
      expect(plan.code).toBe(0)
      expect(plan.stdout).toMatch(
        /^1\. create table widgets \(id, name, color, created_at, updated_at\)\n   up:   CREATE TABLE IF NOT EXISTS/
      )
      expect(plan.stdout).toContain("   down: DROP TABLE ")

      const apply = await dataflow("migrate", "apply", "--url", url, "--models", V1)
      expect({ code: apply.code, stderr: apply.stderr }).toEqual({ code: 0, stderr: "" })
      expect(apply.stdout).toMatch(/^applied \d{17}_[0-9a-f]{8} \(1 operation\):\n1\. create table widgets/)
      // the rest is dialect-independent plumbing over behaviour migrations.test.ts covers per database
      const full = dialect === dialectNames[0]
      if (full) {
        const again = await dataflow("migrate", "apply", "--url", url, "--models", V1)
        expect(again).toMatchObject({ code: 0, stdout: "schema is up to date: nothing to do\n" })
      }

      const refused = await dataflow("migrate", "apply", "--url", url, "--models", V2)
      expect(refused.code).toBe(3)
      expect(refused.stderr).toBe(
        "dataflow: DestructiveChangeRefused: these changes lose data:\n  - drop column widgets.color\nrun again with --allow-destructive to apply them\n"
      )

      const status = await dataflow("migrate", "status", "--url", url, "--models", V2)
      expect(status.code).toBe(0)
      expect(status.stdout).toMatch(
        new RegExp(
          `^${dialect}: 1 migration in the ledger\n  \\d{17}_[0-9a-f]{8}  applied \\S+\n      create table widgets`
        )
      )
      expect(status.stdout).toContain("1 pending operation: run `dataflow migrate plan` to see them")

      if (full) {
        const rollback = await dataflow("migrate", "rollback", "--url", url)
        expect(rollback.code).toBe(3)
        expect(rollback.stderr).toMatch(/  - undo \d{17}_[0-9a-f]{8}: create table widgets/)
      }
      const undone = await dataflow("migrate", "rollback", "--url", url, "--allow-destructive")
      expect(undone.code).toBe(0)
      expect(undone.stdout).toMatch(/^rolled back \d{17}_[0-9a-f]{8}\n   down: DROP TABLE /)
      if (full) {
        const empty = await dataflow("migrate", "status", "--url", url)
        expect(empty.stdout).toBe(`${dialect}: 0 migrations in the ledger\n`)
      }
    }, 60_000)
  }

  if (dialectNames.includes("postgres")) {
    it("another process holding the lock past --lock-timeout: MigrationLockTimeout, exit 4", async () => {
      const url = await resetNamespace("postgres", "df_cli_lock")
      const holder = new pg.Client({ connectionString: url })
      await holder.connect()
      try {
        await holder.query("BEGIN")
        await holder.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('dataflow_migrations:' || current_database() || '.' || current_schema(), 0))"
        )
        const r = await dataflow("migrate", "apply", "--url", url, "--models", V1, "--lock-timeout", "1")
        expect({ code: r.code, stderr: r.stderr }).toEqual({
          code: 4,
          stderr: "dataflow: MigrationLockTimeout: timed out waiting for the migration lock on postgres\n"
        })
      } finally {
        await holder.query("ROLLBACK")
        await holder.end()
      }
    }, 30_000)
  }
  if (dialectNames.includes("mysql")) {
    it("MySQL: GET_LOCK held elsewhere past --lock-timeout: exit 4", async () => {
      const url = await resetNamespace("mysql", "df_cli_lock")
      const holder = await mysql.createConnection({ uri: url })
      try {
        const [rows] = await holder.query(
          "SELECT GET_LOCK(CONCAT('dataflow_migrations:', LEFT(DATABASE(), 40)), 0) AS l"
        )
        expect((rows as Array<{ l: number }>)[0]!.l).toBe(1)
        const r = await dataflow("migrate", "apply", "--url", url, "--models", V1, "--lock-timeout", "1")
        expect(r.code).toBe(4)
      } finally {
        await holder.end()
      }
    }, 30_000)
  }
})

describe("dataflow usage", () => {
  it("--help of the root, of migrate apply and of discover: exit 0", async () => {
    const root = await dataflow("--help")
    expect(root.code).toBe(0)
    for (const line of ["migrate plan", "migrate apply", "migrate rollback", "migrate status", "discover", "run"]) {
      expect(plain(root.stdout)).toContain(`- ${line}`)
    }
    const apply = await dataflow("migrate", "apply", "--help")
    expect(apply.code).toBe(0)
    expect(plain(apply.stdout)).toContain("--allow-destructive")
    const discover = await dataflow("discover", "--help")
    expect(plain(discover.stdout)).toContain("--import-from")
  })

  it("usage errors exit 2 with a clear message", async () => {
    const noUrl = await spawnNode(cli, ["migrate", "status"], { DATABASE_URL: "" })
    expect({ code: noUrl.code, stderr: noUrl.stderr }).toEqual({
      code: 2,
      stderr: "dataflow: no database: pass --url <url> or set DATABASE_URL\n"
    })
    const noModels = await dataflow("migrate", "plan", "--url", "sqlite::memory:")
    expect(noModels).toMatchObject({
      code: 2,
      stderr: "dataflow: --models <module> is required: the models are the schema to migrate to\n"
    })
    const badModels = await dataflow("migrate", "plan", "--url", "sqlite::memory:", "--models", "nowhere.js")
    expect(badModels.code).toBe(2)
    expect(badModels.stderr).toMatch(/^dataflow: cannot load --models nowhere\.js: /)
    const badUrl = await dataflow("migrate", "status", "--url", "oracle://scott:tiger@db/x")
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toMatch(/^dataflow: ValidationError: url: unknown scheme/)
    expect(badUrl.stderr).not.toContain("tiger")
    const unknown = await dataflow("migrate", "apply", "--bogus")
    expect(unknown.code).toBe(2)
    const unreachable = await dataflow("migrate", "status", "--url", "postgres://u:s3cret@127.0.0.1:1/x")
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(/^dataflow: ConnectionError: cannot connect to postgres/)
    expect(unreachable.stderr).not.toContain("s3cret")
  })

  it("run <workflow.json> runs it and prints the results; an invalid one exits 2", async () => {
    const url = await resetNamespace("sqlite", "df_cli_run")
    const file = join(dir, "signup.workflow.json")
    writeFileSync(
      file,
      JSON.stringify({
        name: "make-widget",
        nodes: [
          { id: "create", type: "WidgetCreateNode", params: { id: "{id}", name: "{name}" } },
          { id: "count", type: "WidgetCountNode", params: {}, after: ["create"] }
        ],
        connections: []
      })
    )
    const r = await dataflow(
      "run",
      file,
      "--url",
      url,
      "--models",
      V1ts,
      "--inputs",
      JSON.stringify({ id: "w1", name: "Gear" })
    )
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" })
    const out = JSON.parse(r.stdout)
    expect(out.results.create).toMatchObject({ id: "w1", name: "Gear" })
    expect(out.results.count).toBe(1)
    const bad = join(dir, "bad.workflow.json")
    writeFileSync(
      bad,
      JSON.stringify({ name: "bad", nodes: [{ id: "x", type: "NopeNode", params: {} }], connections: [] })
    )
    const invalid = await dataflow("run", bad, "--url", url, "--models", V1ts)
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toMatch(/^dataflow: WorkflowDefinitionError: workflow bad: /)
  }, 30_000)

  it("bin/dataflow.mjs runs (the built dist/ when present, else the source through tsx)", async () => {
    const r = await spawnNode("bin/dataflow.mjs", ["migrate", "plan", "--help"])
    expect(r.code).toBe(0)
    expect(plain(r.stdout)).toContain("--models")
  }, 30_000)
})
