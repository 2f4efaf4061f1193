/**
 * A dirty ledger entry (a plan that never finished) blocks only the tables it touched, through every
 * way in: a layer's start with autoMigrate, `migrate` (what `dataflow migrate apply` runs), `rollback`
 * and the `dataflow` command itself. Each goes on for other tables and logs a warning naming the
 * entry; a plan for the entry's own table refuses `DirtyMigration`. (Before: every layer start on
 * the database failed until someone ran `migrate resolve`.)
 */
import { afterAll, beforeAll, expect } from "@effect/vitest"
import { Effect, Either, Logger, Schema } from "effect"
import { rmSync } from "node:fs"
import { DataFlow, Database } from "../../src/index.js"
import { bundle } from "../support/Bundle.js"
import { bundleCli, spawnNode } from "../support/Cli.js"
import { forEachDialect, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

let cli = ""
let models = ""
beforeAll(async () => {
  cli = await bundleCli()
  models = await bundle("test/support/CliModels.ts", "dirty-models")
}, 60_000)
afterAll(() => {
  for (const f of [cli, models]) if (f !== "") rmSync(f, { force: true })
})

const Ant = DataFlow.model("Ant", { id: Schema.String }, { table: "ants" })
const AntV2 = DataFlow.model("Ant", { id: Schema.String, legs: Schema.optional(Schema.Int) }, { table: "ants" })
const Bee = DataFlow.model("Bee", { id: Schema.String }, { table: "bees" })
const Cow = DataFlow.model("Cow", { id: Schema.String }, { table: "cows" })

/** Runs `effect` (a layer's start included) and returns how it ended with every message it logged. */
const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const logs: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message }) => logs.push(String(message)))
    )
    const exit = yield* Effect.either(Effect.provide(effect, capture))
    return { exit, logs }
  })

forEachDialect("migr_dirty", (it, dialect) => {
  const url = urlFor(dialect, "df_migr_dirty")

  it.effect(
    "layer start (autoMigrate), migrate, rollback and `dataflow migrate apply` go on past a foreign dirty entry, warning by name",
    () =>
      Effect.gen(function* () {
        yield* Database.migrate({ models: [Ant] })
        yield* Database.migrate({ models: [Bee] })
        const ants = (yield* (yield* sqlDatabase).migrations).find((e) => e.tables.includes("ants"))!
        const p = dialect === "postgres" ? "$1" : "?"
        yield* Effect.flatMap(sqlDatabase, (db) =>
          db.sql.unsafe(
            `UPDATE dataflow_migrations SET finished_at = NULL, success = 0, failed_step = 'step 1 of 1 (x)' WHERE id = ${p}`,
            [ants.id]
          )
        )
        const warning =
          `migration ${ants.id} (tables ants) is unfinished; it does not block this plan, which touches other ` +
          "tables: repair it, then `dataflow migrate resolve <id>`"

        // a layer's start creates a new model's table
        const started = yield* logged(Effect.provide(Cow.count(), Database.layer({ url, models: [Cow] })))
        expect(started.exit).toEqual(Either.right(0))
        expect(started.logs).toContain(warning)
        // its own table: nothing to add starts (no plan, no ledger read); an addition refuses
        expect(yield* Effect.provide(Ant.count(), Database.layer({ url, models: [Ant] }))).toBe(0)
        const own = yield* Effect.flip(Effect.provide(AntV2.count(), Database.layer({ url, models: [AntV2] })))
        expect(own).toMatchObject({ _tag: "DirtyMigration", id: ants.id, step: "step 1 of 1 (x)" })

        // rollback of the newest entry (cows, from the layer's start) goes on, with the warning
        const undone = yield* logged(Database.rollback({ steps: 1, allowDestructive: true }))
        expect(undone.exit._tag === "Right" && undone.exit.right.entries.map((e) => e.tables)).toEqual([["cows"]])
        expect(undone.logs).toContain(warning)

        // the command line: the warning is printed, the plan applied
        const apply = yield* Effect.promise(() =>
          spawnNode(cli, ["migrate", "apply", "--url", url, "--models", models])
        )
        expect({ code: apply.code, stderr: apply.stderr }).toEqual({ code: 0, stderr: "" })
        expect(apply.stdout).toContain(warning)
        expect(apply.stdout).toMatch(/applied \d{17}_[0-9a-f]{8} \(1 operation\):\n1\. create table widgets/)

        const entries = yield* (yield* sqlDatabase).migrations
        expect(entries.filter((e) => !e.success).map((e) => e.id)).toEqual([ants.id])
      })
  )
})
