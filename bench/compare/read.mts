// A/B of one checkout against another on an in-memory SQLite database: read and list, microseconds per call.
// npx tsx bench/compare/read.mts <checkout dir>   (run it alternately on two checkouts; the machine quiet)
import { Effect, Layer, Runtime, Schema, Scope } from "effect"
const root = process.argv[2]!
const { DataFlow, Database } = await import(`${root}/src/index.ts`)
const User = DataFlow.model("User", {
  id: Schema.String,
  name: Schema.String,
  email: Schema.String,
  age: Schema.optional(Schema.Int),
  active: Schema.Boolean,
  role: Schema.Literal("admin", "member"),
  born: Schema.optional(Schema.DateFromSelf)
})
const N = 100_000
const layer = Database.layer({ url: "sqlite::memory:", models: [User] })
const scope = Effect.runSync(Scope.make())
const rt = (await Effect.runPromise(Layer.toRuntime(layer).pipe(Scope.extend(scope)) as any)) as Runtime.Runtime<any>
const run = Runtime.runPromise(rt)
for (let i = 0; i < 100; i++)
  await run(
    User.create({ id: `u${i}`, name: "n", email: `e${i}`, age: 3, active: true, role: "member", born: new Date() })
  )
for (let k = 0; k < 3; k++) {
  const t = performance.now()
  for (let i = 0; i < N; i++) await run(User.read({ id: `u${i % 100}` }))
  const dt = performance.now() - t
  const t2 = performance.now()
  for (let i = 0; i < N / 10; i++) await run(User.list({ limit: 20 }))
  console.log(
    root.split("/").pop(),
    "read µs/op",
    ((dt * 1000) / N).toFixed(2),
    "list µs/op",
    (((performance.now() - t2) * 10000) / N).toFixed(2)
  )
}
