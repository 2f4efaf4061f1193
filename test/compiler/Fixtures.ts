/**
 * What the compiler tests share: the three dialects' hooks, the models, and `perDialect`, which
 * makes one test per dialect asserting the exact statement text and parameters.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { makeMysqlDialect } from "../../src/dialects/mysql/Hooks.js"
import { postgresDialect } from "../../src/dialects/postgres/Hooks.js"
import { sqliteDialect } from "../../src/dialects/sqlite/Hooks.js"
import { DataFlow } from "../../src/index.js"
import type { ModelInfo } from "../../src/model/Model.js"
import { toExpr } from "../../src/query/Filter.js"
import { compileExpr, type OrderKey, Params } from "../../src/sql/Compiler.js"
import type { Dialect, DialectName } from "../../src/sql/Dialect.js"

export const dialects: ReadonlyArray<readonly [DialectName, Dialect]> = [
  ["postgres", postgresDialect],
  ["mysql", makeMysqlDialect("utf8mb4_nopad_bin")],
  ["sqlite", sqliteDialect]
]

/** Statement text and parameters, per dialect. */
export type PerDialect = Record<DialectName, readonly [sql: string, params: ReadonlyArray<unknown>]>

export const User = DataFlow.model("User", {
  id: Schema.String,
  name: Schema.String,
  age: Schema.optional(Schema.Int),
  active: Schema.Boolean,
  token: Schema.optional(Schema.UUID),
  tags: Schema.optional(Schema.Array(Schema.String)),
  profile: Schema.optional(Schema.Struct({ city: Schema.String, zip: Schema.Int }))
}).info

export const Post = DataFlow.model(
  "Post",
  {
    id: Schema.Int,
    slug: Schema.String.pipe(Schema.maxLength(100)),
    title: Schema.String,
    status: Schema.Literal("draft", "published", "o'clock"),
    author: Schema.String,
    score: Schema.optional(Schema.Number)
  },
  { unique: [["slug"]], indexes: [["author", "status"]], softDelete: true }
).info

/** A filter compiled on its own: condition text and parameters. */
export const filterSql = (d: Dialect, filter: unknown, model: ModelInfo = User) => {
  const p = new Params(d)
  const sql = compileExpr(d, p, toExpr(model.name, model.columnMap, filter))
  return [sql, p.values] as const
}

export const column = (model: ModelInfo, name: string) => model.columnMap.get(name)!
export const key = (name: string, descending = false): OrderKey => ({ field: column(User, name), descending })

/** One test per dialect: `compile` gives exactly `expected`. */
export const perDialect = (
  title: string,
  compile: (d: Dialect) => readonly [string, ReadonlyArray<unknown>],
  expected: PerDialect
) =>
  describe(title, () => {
    for (const [name, d] of dialects) it(name, () => expect(compile(d)).toEqual(expected[name]))
  })
