// The README quickstart, verbatim. Runs on the embedded SQLite default (or DATABASE_URL).
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "effect-dataflow"

const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.optional(Schema.Int),
    active: Schema.Boolean
  },
  { unique: [["email"]] }
)

const program = Effect.gen(function* () {
  yield* User.bulkDelete({ filter: {}, confirmed: true })
  yield* User.create({ id: "u1", name: "Alice", email: "alice@example.com", age: 34, active: true })
  yield* User.create({ id: "u2", name: "Bob", email: "bob@example.com", age: 17, active: true })
  const adults = yield* User.list({ filter: { age: { $gte: 18 } }, orderBy: ["name"] })
  console.log(
    adults.total,
    adults.records.map((u) => u.name)
  ) // 1 [ 'Alice' ]
  const dup = yield* Effect.flip(User.create({ id: "u3", name: "Eve", email: "bob@example.com", active: true }))
  console.log(dup._tag, dup._tag === "UniqueViolation" ? dup.fields : []) // UniqueViolation [ 'email' ]
})

Effect.runPromise(program.pipe(Effect.provide(Database.layerFromEnv())))
