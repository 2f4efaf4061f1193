// A/B of one checkout against another on PostgreSQL: read by id, update by id, count; microseconds per call.
// npx tsx bench/compare/pgread.mts <checkout dir> [postgres url]   (alternate two checkouts; the machine quiet)
import { Effect, Layer, Runtime, Schema, Scope } from "effect"
const root = process.argv[2]!
const url = process.argv[3] ?? "postgres://postgres@127.0.0.1:5432/test"
const { DataFlow, Database } = await import(`${root}/src/index.ts`)
const tag = root.split("/").pop()
const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.optional(Schema.Int),
    active: Schema.Boolean
  },
  { table: `ab_${tag!.replace(/-/g, "_")}_users` }
)
const N = 5000
const layer = Database.layer({ url, models: [User] })
const scope = Effect.runSync(Scope.make())
const rt = (await Effect.runPromise(Layer.toRuntime(layer).pipe(Scope.extend(scope)) as any)) as Runtime.Runtime<any>
const run = Runtime.runPromise(rt)
for (let i = 0; i < 100; i++)
  await run(
    User.upsert({
      where: { id: `u${i}` },
      create: { id: `u${i}`, name: "n", email: `e${i}`, age: 3, active: true },
      update: {}
    })
  )
for (let k = 0; k < 4; k++) {
  let t = performance.now()
  for (let i = 0; i < N; i++) await run(User.read({ id: `u${i % 100}` }))
  const read = ((performance.now() - t) * 1000) / N
  t = performance.now()
  for (let i = 0; i < N / 5; i++) await run(User.update({ filter: { id: `u${i % 100}` }, fields: { age: i } }))
  const upd = ((performance.now() - t) * 5000) / N
  t = performance.now()
  for (let i = 0; i < N / 5; i++) await run(User.count({ filter: { age: { $gte: 2 } } }))
  const cnt = ((performance.now() - t) * 5000) / N
  console.log(tag, "read", read.toFixed(1), "update", upd.toFixed(1), "count", cnt.toFixed(1))
}
process.exit(0)
