// A/B of one checkout against another on MariaDB (the bench database, after `npm run bench` made it): list and read, µs per call.
// npx tsx bench/compare/mysql.mts <checkout dir>
import { Effect, Layer, Runtime, Scope } from "effect"
const root = process.argv[2]!
const { Database } = await import(`${root}/src/index.ts`)
const { Item, listFilter, listLimit } = await import(`/work/main/bench/model.ts`)
// the checkout's own DataFlow must define the model: rebuild it from the same fields
const { DataFlow } = await import(`${root}/src/index.ts`)
const M = DataFlow.model("BenchItem", Item.fields, { unique: [["email"]], indexes: [["age"]] })
const scope = Effect.runSync(Scope.make())
const rt = (await Effect.runPromise(
  Layer.toRuntime(Database.layer({ url: "mysql://root@127.0.0.1:3306/bench", models: [M] })).pipe(
    Scope.extend(scope)
  ) as any
)) as Runtime.Runtime<any>
const run = Runtime.runPromise(rt)
const N = 3000
for (let i = 0; i < 300; i++) await run(M.list({ filter: listFilter, orderBy: ["age"], limit: listLimit }))
const t = performance.now()
for (let i = 0; i < N; i++) await run(M.list({ filter: listFilter, orderBy: ["age"], limit: listLimit }))
const t2 = performance.now()
for (let i = 0; i < N; i++) await run(M.read({ id: "i1" } as any)).catch(() => 0)
console.log(
  root,
  "list µs",
  (((t2 - t) * 1000) / N).toFixed(0),
  "read µs",
  (((performance.now() - t2) * 1000) / N).toFixed(0)
)
process.exit(0)
