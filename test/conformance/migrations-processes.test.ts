/**
 * 8 separate OS processes auto-migrate the same changed and new models at once, on each database:
 * every process ends successfully, the migration ran once (one ledger entry; each column, key and
 * table exists once), and no process saw the schema before it was ready.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { Effect } from "effect"
import { Database } from "../../src/index.js"
import { dialectNames } from "../support/Dialects.js"
import { Account } from "../support/MigrationModels.js"
import { bundle } from "../support/Bundle.js"
import { resetNamespace } from "../support/Namespaces.js"

// the worker bundled once (module loading would otherwise dominate: 8 processes on every dialect)
let worker = ""
beforeAll(async () => {
  worker = await bundle("test/support/MigrateWorker.ts", "migrate-worker")
  return () => rmSync(worker, { force: true })
})

const run = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

describe("8 processes migrate at once", () => {
  for (const dialect of dialectNames) {
    it(`${dialect}: every process succeeds, one ledger entry, each DDL once`, { timeout: 60_000 }, async () => {
      const namespace = "df_migrate_procs"
      const url = await resetNamespace(dialect, namespace)
      // the old model with rows, as deployed before
      await Effect.runPromise(
        Effect.gen(function* () {
          for (let i = 0; i < 5; i++) yield* Account.create({ id: `a${i}`, name: `A${i}` })
        }).pipe(Effect.provide(Database.layer({ url, models: [Account] })))
      )

      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => run([dialect, namespace, String(i)])))
      for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" })
      const outputs = results.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!))
      for (const o of outputs) expect(o).toMatchObject({ accounts: 5, tiers: [0, 0, 0, 0, 0], ledger: 2 })

      const check = Effect.gen(function* () {
        const db = yield* Database.Database
        const ledger = yield* db.migrations
        const models = yield* db.discover()
        return { ledger, models }
      }).pipe(Effect.provide(Database.layer({ url, autoMigrate: false })))
      const { ledger, models } = await Effect.runPromise(check)
      // one entry for the setup, exactly one for the 8 racers
      expect(ledger.map((e) => e.success)).toEqual([true, true])
      expect(ledger[1]!.description).toEqual([
        expect.stringMatching(/^add column accounts\.tier /),
        expect.stringMatching(/^add column accounts\.email /),
        "add unique key accounts_email_key on accounts (email)",
        "add index accounts_tier_idx on accounts (tier)",
        expect.stringMatching(/^create table audits /)
      ])
      const accounts = models.find((m) => m.table === "accounts")!
      expect(accounts.columns.map((c) => c.name).sort()).toEqual([
        "created_at",
        "email",
        "id",
        "name",
        "tier",
        "updated_at"
      ])
      expect(accounts.unique).toEqual([["email"]])
      expect(accounts.indexes).toEqual([["tier"]])
      const audits = models.find((m) => m.table === "audits")!
      expect(audits.indexes).toEqual([["account"]])
    })
  }
})
