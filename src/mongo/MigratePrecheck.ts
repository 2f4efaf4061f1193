/**
 * Prechecks on MongoDB, as on SQL (src/migrations/Precheck.ts): before the first command of a plan,
 * count the documents that would make a step fail or be left invalid — documents sharing the key of
 * a new unique index (its build would fail half-way through a plan), documents that do not pass a
 * changed validator (every later update of them would fail). A plan with any problem fails
 * `MigrationPrecheckFailed` having changed nothing; messages name collections and fields, never values.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { Operation, Plan } from "../migrations/Operation.js"
import type { MongoSchemaHandle } from "./MigrateDb.js"
import type { Doc } from "./Values.js"

const documents = (n: number) => `${n} document${n === 1 ? "" : "s"}`

/** The aggregation that counts the documents sharing a unique key with another (within the partial filter). */
export const duplicatesPipeline = (key: Doc, partial: Doc | undefined): Array<Doc> => [
  { $match: partial ?? {} },
  { $group: { _id: Object.fromEntries(Object.keys(key).map((p, i) => [`k${i}`, `$${p}`])), n: { $sum: 1 } } },
  { $match: { n: { $gt: 1 } } },
  { $group: { _id: null, n: { $sum: "$n" } } }
]

const countDuplicates = (h: MongoSchemaHandle, op: Operation, index: Doc) =>
  Effect.map(
    h.run({ operation: "migrate precheck", model: op.table }, (db) =>
      db
        .collection(op.table)
        .aggregate<{ n: number }>(duplicatesPipeline(index["key"] as Doc, index["partialFilterExpression"] as Doc))
        .toArray()
    ),
    (r) => r[0]?.n ?? 0
  )

const countInvalid = (h: MongoSchemaHandle, table: string, validator: Doc) =>
  h.run({ operation: "migrate precheck", model: table }, (db) =>
    db.collection(table).countDocuments({ $nor: [validator] })
  )

/** The problem one operation would meet, if any. */
const checkOne = (h: MongoSchemaHandle, op: Operation): Effect.Effect<string | undefined, Errors.QueryError> => {
  const command = JSON.parse(op.up[0] ?? "{}") as Doc
  if (op.kind === "addUnique") {
    const index = (command["indexes"] as Array<Doc>)[0]!
    const columns = op.key?.columns ?? Object.keys(index["key"] as Doc)
    return Effect.map(countDuplicates(h, op, index), (n) =>
      n > 0 ? `${documents(n)} of ${op.table} share their (${columns.join(", ")}) with another document` : undefined
    )
  }
  const validator = command["validator"] as Doc | undefined
  if (op.kind === "alterColumn" && validator !== undefined && Object.keys(validator).length > 0) {
    return Effect.map(countInvalid(h, op.table, validator), (n) =>
      n > 0 ? `${documents(n)} of ${op.table} do not pass the new validator` : undefined
    )
  }
  return Effect.succeed(undefined)
}

/** Runs every precheck of the plan; fails MigrationPrecheckFailed naming each problem with its count. */
export const precheck = (
  h: MongoSchemaHandle,
  plan: Plan
): Effect.Effect<void, Errors.QueryError | Errors.MigrationPrecheckFailed> =>
  Effect.gen(function* () {
    const problems: Array<string> = []
    for (const op of plan.operations) {
      const problem = yield* checkOne(h, op)
      if (problem !== undefined) problems.push(problem)
    }
    if (problems.length > 0) return yield* new Errors.MigrationPrecheckFailed({ problems })
  })
