/**
 * One of the processes of the concurrent-migration test: opens a Database layer with autoMigrate
 * over the changed and new models, then reads with the new column. Prints one JSON line; exits 0
 * only when every step succeeded.
 *
 * node --import tsx test/support/MigrateWorker.ts <dialect> <namespace> <worker>
 */
import { Effect } from "effect"
import { Database } from "../../src/index.js"
import { namespaceUrl, type DialectName } from "./Namespaces.js"
import { AccountV2, Audit } from "./MigrationModels.js"

const [dialect, namespace, worker] = process.argv.slice(2) as [DialectName, string, string]

const program = Effect.gen(function* () {
  const db = yield* Database.Database
  // the schema must be ready when the layer is: the new column and the new table are usable now
  const accounts = yield* AccountV2.list({ orderBy: ["id"], filter: { tier: { $gte: 0 } } })
  yield* Audit.create({ id: `w${worker}`, account: accounts.records[0]!.id, note: "hello" })
  return {
    worker,
    accounts: accounts.total,
    tiers: accounts.records.map((a) => a.tier),
    ledger: (yield* db.migrations).length
  }
})

Effect.runPromise(
  program.pipe(Effect.provide(Database.layer({ url: namespaceUrl(dialect, namespace), models: [AccountV2, Audit] })))
)
  .then((r) => {
    console.log(JSON.stringify(r))
    process.exit(0)
  })
  .catch((e) => {
    console.error(JSON.stringify({ worker, error: String(e?._tag ?? e), message: String(e?.message ?? e) }))
    process.exit(1)
  })
