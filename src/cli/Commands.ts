/**
 * The `dataflow` command: `migrate status | plan | apply | rollback`, `discover`, `run`.
 *
 * @since 0.1.0
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option, Redacted } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import * as Database from "../Database.js"
import * as Migrations from "../migrations/Migrations.js"
import * as Workflow from "../workflow/Workflow.js"
import { loadModels } from "./Models.js"
import { UsageError } from "./Output.js"

const url = Options.text("url").pipe(
  Options.withDescription("database URL (postgres://…, mysql://…, sqlite:./file.db); default: $DATABASE_URL"),
  Options.optional
)
const models = Options.text("models").pipe(
  Options.withDescription("a module (.ts or .js) whose exported DataFlow models describe the schema"),
  Options.optional
)
const allowDestructive = Options.boolean("allow-destructive").pipe(
  Options.withDescription("apply changes that lose data: dropped columns and tables, narrowed types")
)
const prune = Options.boolean("prune").pipe(Options.withDescription("also drop tables that no model describes"))
const lockTimeout = Options.integer("lock-timeout").pipe(
  Options.withDescription("seconds to wait for another process's migration"),
  Options.withDefault(30)
)
const json = Options.boolean("json").pipe(Options.withDescription("print JSON instead of text"))

const urlOf = (given: Option.Option<string>) =>
  Option.match(
    Option.orElse(given, () => Option.fromNullable(process.env["DATABASE_URL"] || undefined)),
    {
      onNone: () => Effect.fail(new UsageError({ message: "no database: pass --url <url> or set DATABASE_URL" })),
      onSome: (u) => Effect.succeed(Redacted.make(u))
    }
  )

const modelsOf = (given: Option.Option<string>, required: boolean) =>
  Option.match(given, {
    onNone: () =>
      required
        ? Effect.fail(
            new UsageError({ message: "--models <module> is required: the models are the schema to migrate to" })
          )
        : Effect.succeed([]),
    onSome: loadModels
  })

/** Runs `effect` with a Database for the URL (never creating tables on its own). */
const withDb = <A, E>(given: Option.Option<string>, effect: Effect.Effect<A, E, Database.Database>) =>
  Effect.flatMap(urlOf(given), (u) =>
    Effect.provide(effect, Database.layer({ url: u, autoMigrate: false, poolSize: 2 }))
  )

const status = Command.make("status", { url, models, json }, (o) =>
  withDb(
    o.url,
    Effect.gen(function* () {
      const db = yield* Database.Database
      const entries = yield* db.migrations
      const ms = yield* modelsOf(o.models, false)
      const pending = ms.length > 0 ? (yield* db.migrate({ models: ms, dryRun: true })).plan.operations : undefined
      if (o.json) return yield* Console.log(JSON.stringify({ dialect: db.dialect, entries, pending }, null, 2))
      const dirty = entries.filter((e) => e.finishedAt === null || !e.success).length
      const lines = [
        `${db.dialect}: ${entries.length} migration${entries.length === 1 ? "" : "s"} in the ledger${dirty > 0 ? ` (${dirty} dirty: repair by hand, then \`dataflow migrate resolve <id>\`)` : ""}`
      ]
      for (const e of entries) {
        const state =
          e.finishedAt === null || !e.success
            ? `DIRTY${e.failedStep ? ` — failed at ${e.failedStep}` : ""}`
            : `applied ${e.finishedAt}`
        lines.push(`  ${e.id}  ${state}`)
        for (const d of e.description) lines.push(`      ${d}`)
      }
      if (pending !== undefined) {
        lines.push(
          pending.length === 0
            ? "schema matches the models"
            : `${pending.length} pending operation${pending.length === 1 ? "" : "s"}: run \`dataflow migrate plan\` to see them`
        )
      }
      yield* Console.log(lines.join("\n"))
    })
  )
).pipe(Command.withDescription("list the ledger's migrations (and, with --models, how many operations are pending)"))

const plan = Command.make("plan", { url, models, prune, json }, (o) =>
  withDb(
    o.url,
    Effect.gen(function* () {
      const ms = yield* modelsOf(o.models, true)
      const { plan } = yield* Database.migrate({ models: ms, dryRun: true, prune: o.prune })
      yield* Console.log(o.json ? JSON.stringify(plan, null, 2) : Migrations.render(plan).trimEnd())
    })
  )
).pipe(Command.withDescription("print what `apply` would do, with each operation's up and down SQL; changes nothing"))

const apply = Command.make("apply", { url, models, prune, allowDestructive, lockTimeout }, (o) =>
  withDb(
    o.url,
    Effect.gen(function* () {
      const ms = yield* modelsOf(o.models, true)
      const result = yield* Database.migrate({
        models: ms,
        prune: o.prune,
        allowDestructive: o.allowDestructive,
        lockTimeout: `${o.lockTimeout} seconds`
      })
      if (!result.applied) return yield* Console.log("schema is up to date: nothing to do")
      yield* Console.log(
        `applied ${result.id} (${result.plan.operations.length} operation${result.plan.operations.length === 1 ? "" : "s"}):\n` +
          Migrations.render(result.plan, false).trimEnd()
      )
    })
  )
).pipe(Command.withDescription("apply the plan under the migration lock and record it in the ledger"))

const rollback = Command.make(
  "rollback",
  {
    url,
    steps: Options.integer("steps").pipe(
      Options.withDescription("how many of the newest migrations to undo"),
      Options.withDefault(1)
    ),
    allowDestructive,
    lockTimeout,
    dryRun: Options.boolean("dry-run").pipe(Options.withDescription("list what would be undone, run nothing"))
  },
  (o) =>
    withDb(
      o.url,
      Effect.gen(function* () {
        const result = yield* Database.rollback({
          steps: o.steps,
          allowDestructive: o.allowDestructive,
          lockTimeout: `${o.lockTimeout} seconds`,
          dryRun: o.dryRun
        })
        if (result.entries.length === 0) return yield* Console.log("nothing to roll back")
        const verb = result.applied ? "rolled back" : "would roll back"
        yield* Console.log(
          result.entries
            .map((e) => `${verb} ${e.id}\n${e.down.map((s) => `   down: ${s.replace(/\n\s*/g, " ")}`).join("\n")}`)
            .join("\n")
        )
      })
    )
).pipe(Command.withDescription("run the down SQL of the newest migrations (--steps n) and remove them from the ledger"))

const resolve = Command.make(
  "resolve",
  {
    url,
    id: Args.text({ name: "id" }).pipe(Args.withDescription("the dirty migration's ledger id"))
  },
  (o) =>
    withDb(
      o.url,
      Effect.gen(function* () {
        const db = yield* Database.Database
        const entry = yield* db.resolve(o.id)
        yield* Console.log(
          `removed dirty migration ${entry.id} from the ledger${entry.failedStep ? ` (it had failed at ${entry.failedStep})` : ""}`
        )
      })
    )
).pipe(
  Command.withDescription("remove a dirty migration from the ledger once its partial changes were repaired by hand")
)

const migrate = Command.make("migrate").pipe(
  Command.withDescription("schema migrations: status, plan, apply, rollback, resolve"),
  Command.withSubcommands([status, plan, apply, rollback, resolve])
)

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** `wrote 10 models to models.ts, skipped 1 table: audit_log (no primary key)` */
const discoverSummary = (
  found: ReadonlyArray<Migrations.ModelDescription>,
  done: (models: string) => string
): string => {
  const skipped = found.filter((m) => m.problem !== undefined)
  const written = done(plural(found.length - skipped.length, "model"))
  return skipped.length === 0
    ? written
    : `${written}, skipped ${plural(skipped.length, "table")}: ${skipped.map((m) => `${m.table} (${m.problem})`).join(", ")}`
}

const discover = Command.make(
  "discover",
  {
    url,
    out: Options.text("out").pipe(
      Options.withDescription("write the source to this file instead of stdout"),
      Options.optional
    ),
    importFrom: Options.text("import-from").pipe(
      Options.withDescription("where the generated module imports DataFlow from"),
      Options.withDefault("effect-dataflow")
    )
  },
  (o) =>
    withDb(
      o.url,
      Effect.gen(function* () {
        const found = yield* Database.discover()
        const source = Migrations.renderModels(found, { importFrom: o.importFrom })
        const skipped = found.some((m) => m.problem !== undefined)
        yield* Option.match(o.out, {
          // stdout holds only the source; what was skipped goes to stderr
          onNone: () =>
            Effect.zipRight(
              Console.log(source.trimEnd()),
              skipped ? Console.error(discoverSummary(found, (n) => `printed ${n}`)) : Effect.void
            ),
          onSome: (file) =>
            Effect.zipRight(
              Effect.try({
                try: () => writeFileSync(file, source),
                catch: (e) => new UsageError({ message: `cannot write ${file}: ${String(e)}` })
              }),
              Console.error(discoverSummary(found, (n) => `wrote ${n} to ${file}`))
            )
        })
      })
    )
).pipe(Command.withDescription("print TypeScript model source for the database's tables"))

const run = Command.make(
  "run",
  {
    file: Args.file({ name: "workflow.json", exists: "yes" }),
    url,
    models,
    inputs: Options.text("inputs").pipe(
      Options.withDescription("the run's inputs as a JSON object"),
      Options.withDefault("{}")
    )
  },
  (o) =>
    Effect.gen(function* () {
      const inputs = yield* Effect.try({
        try: () => JSON.parse(o.inputs) as Record<string, unknown>,
        catch: () => new UsageError({ message: "--inputs is not valid JSON" })
      })
      const wf = yield* Workflow.fromJson(readFileSync(o.file, "utf8"))
      const ms = yield* modelsOf(o.models, true)
      const u = yield* urlOf(o.url)
      const result = yield* Workflow.run(wf, inputs).pipe(
        Effect.provide(Database.layer({ url: u, models: ms, poolSize: 2 }))
      )
      yield* Console.log(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2))
    })
).pipe(Command.withDescription("run a JSON workflow definition against the database (node types come from --models)"))

/** The root command. */
export const dataflow = Command.make("dataflow").pipe(
  Command.withDescription("effect-dataflow: migrations, discovery and workflows from the command line"),
  Command.withSubcommands([migrate, discover, run])
)
