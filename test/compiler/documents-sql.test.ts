/**
 * The document compiler (src/documents/SqlFilter.ts, SqlStatements.ts) over each dialect's JSON hooks
 * (src/dialects/<db>/Documents.ts): exact SQL and parameters. The conformance suites prove what the
 * databases do with them.
 */
import { describe, expect, it } from "@effect/vitest"
import { makeMysqlDialect } from "../../src/dialects/mysql/Hooks.js"
import { postgresDialect } from "../../src/dialects/postgres/Hooks.js"
import { sqliteDialect } from "../../src/dialects/sqlite/Hooks.js"
import { checkFilterSync } from "../../src/documents/CheckFilter.js"
import { sortKeys } from "../../src/documents/CheckPipeline.js"
import { documentHooksOf } from "../../src/documents/SqlDialects.js"
import * as S from "../../src/documents/SqlStatements.js"
import type { Dialect } from "../../src/sql/Dialect.js"

const mysql = makeMysqlDialect("utf8mb4_nopad_bin")
const d = (sql: Dialect): S.DocumentDialect => ({ sql, docs: documentHooksOf(sql) })
const pg = d(postgresDialect)
const my = d(mysql)
const lite = d(sqliteDialect)

const select = (dialect: S.DocumentDialect, filter: unknown, sort?: unknown) =>
  S.selectDocs(
    dialect,
    "orders",
    checkFilterSync(filter),
    sort === undefined ? {} : { sort: sortKeys("sort", sort), limit: 5 }
  )

describe("document filters", () => {
  it("equality walks the elements of an array (PostgreSQL)", () => {
    expect(select(pg, { "tags.0": "x", n: { $gt: 2 } })).toEqual({
      sql:
        `SELECT id, doc FROM "orders" WHERE (` +
        `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof((doc -> 'tags' -> 0)) = 'array' THEN (doc -> 'tags' -> 0) ` +
        `ELSE jsonb_build_array((doc -> 'tags' -> 0)) END) AS df_e(e) WHERE (CASE WHEN jsonb_typeof(df_e.e) = 'string' THEN df_e.e #>> '{}' END) COLLATE "C" = $1)` +
        ` AND ` +
        `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof((doc -> 'n')) = 'array' THEN (doc -> 'n') ` +
        `ELSE jsonb_build_array((doc -> 'n')) END) AS df_e(e) WHERE (CASE WHEN jsonb_typeof(df_e.e) = 'number' THEN (df_e.e)::numeric END) > $2)` +
        `) ORDER BY id`,
      params: ["x", 2]
    })
  })

  it("null, $ne, $exists and _id (SQLite)", () => {
    const p = `'$."a"'`
    expect(select(lite, { a: { $ne: null }, b: { $exists: false }, _id: { $in: ["k", 1] } })).toEqual({
      sql:
        `SELECT id, doc FROM "orders" WHERE (` +
        `(NOT EXISTS (SELECT 1 FROM (SELECT json_type(doc, ${p}) AS t, json_extract(doc, ${p}) AS v WHERE json_type(doc, ${p}) IS NOT 'array' ` +
        `UNION ALL SELECT type, value FROM json_each(doc, ${p}) WHERE json_type(doc, ${p}) = 'array') AS df_e ` +
        `WHERE (df_e.t IS NULL OR df_e.t = 'null')))` +
        ` AND (NOT (json_type(doc, '$."b"') IS NOT NULL))` +
        ` AND ((id = ? OR NULL = ?) AND ((id = ? OR NULL = ?)) IS NOT NULL)` +
        `) ORDER BY id`,
      params: ["k", 1, "k", 1]
    })
  })

  it("$regex, $size and $or (MariaDB)", () => {
    const v = `JSON_EXTRACT(doc, '$."name"')`
    const list = `(CASE WHEN JSON_TYPE(${v}) = 'ARRAY' THEN ${v} ELSE JSON_ARRAY(${v}) END)`
    const e = `JSON_EXTRACT(${list}, CONCAT('$[', df_e.i - 1, ']'))`
    const t = `JSON_EXTRACT(doc, '$."tags"')`
    expect(select(my, { $or: [{ name: { $regex: "^a" } }, { tags: { $size: 2 } }] })).toEqual({
      sql:
        "SELECT id, doc FROM `orders` WHERE (" +
        `EXISTS (SELECT 1 FROM JSON_TABLE(${list}, '$[*]' COLUMNS (i FOR ORDINALITY)) AS df_e WHERE ` +
        `CONVERT((CASE WHEN JSON_TYPE(${e}) = 'STRING' THEN JSON_UNQUOTE(${e}) END) USING utf8mb4) COLLATE utf8mb4_nopad_bin ` +
        `REGEXP ? COLLATE utf8mb4_nopad_bin)` +
        ` OR (COALESCE((CASE WHEN JSON_TYPE(${t}) = 'ARRAY' THEN JSON_LENGTH(${t}) END) = ?, 1 = 0))` +
        `) ORDER BY id`,
      params: ["^a", 2]
    })
  })

  it("sorts in MongoDB's type order, ties by id", () => {
    const v = `json_type(doc, '$."n"')`
    expect(select(lite, {}, { n: -1 }).sql).toBe(
      `SELECT id, doc FROM "orders" WHERE (1 = 1) ORDER BY ` +
        `CASE ${v} WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 3 WHEN 'object' THEN 4 WHEN 'array' THEN 5 ` +
        `WHEN 'true' THEN 6 WHEN 'false' THEN 6 ELSE 1 END DESC, ` +
        `(CASE WHEN ${v} IN ('integer', 'real') THEN json_extract(doc, '$."n"') END) DESC, ` +
        `(CASE WHEN ${v} = 'text' THEN json_extract(doc, '$."n"') END) DESC, ` +
        `(CASE ${v} WHEN 'false' THEN 0 WHEN 'true' THEN 1 END) DESC, id LIMIT 5`
    )
  })
})

describe("document statements", () => {
  it("insert, update, delete and count", () => {
    expect(
      S.insertDocs(pg, "c", [
        { id: "a", json: "{}" },
        { id: "b", json: "[]" }
      ])
    ).toEqual({
      sql: `INSERT INTO "c" (id, doc) VALUES ($1, $2::jsonb), ($3, $4::jsonb)`,
      params: ["a", "{}", "b", "[]"]
    })
    expect(S.updateDoc(my, "c", "a", "{}")).toEqual({ sql: "UPDATE `c` SET doc = ? WHERE id = ?", params: ["{}", "a"] })
    expect(S.deleteDocs(lite, "c", checkFilterSync({ _id: "x" }), "a")).toEqual({
      sql: `DELETE FROM "c" WHERE id = ? AND (id = ? AND (id = ?) IS NOT NULL)`,
      params: ["a", "x", "x"]
    })
    expect(S.countDocs(pg, "c", checkFilterSync({})).sql).toBe(`SELECT COUNT(*) AS n FROM "c" WHERE (1 = 1)`)
  })

  it("locks the rows an update reads", () => {
    expect(S.selectDocs(pg, "c", checkFilterSync({}), { lock: true, limit: 1 }).sql).toBe(
      `SELECT id, doc FROM "c" WHERE (1 = 1) ORDER BY id LIMIT 1 FOR UPDATE`
    )
    expect(S.selectDocs(lite, "c", checkFilterSync({}), { lock: true, skip: 2 }).sql).toBe(
      `SELECT id, doc FROM "c" WHERE (1 = 1) ORDER BY id LIMIT 9007199254740991 OFFSET 2`
    )
  })

  it("indexes: expressions on PostgreSQL and SQLite, generated columns on MariaDB", () => {
    const keys = [
      { path: ["a", "b"], descending: false },
      { path: ["n"], descending: true }
    ]
    expect(S.createIndexStatements(pg, "c", "a.b_1_n_-1", keys, true)).toEqual([
      `CREATE UNIQUE INDEX IF NOT EXISTS "c__a.b_1_n_-1" ON "c" ((NULLIF((doc -> 'a' -> 'b'), 'null'::jsonb)), (NULLIF((doc -> 'n'), 'null'::jsonb)) DESC)`
    ])
    expect(S.createIndexStatements(lite, "c", "n_1", [{ path: ["n"], descending: false }], false)).toEqual([
      `CREATE INDEX IF NOT EXISTS "c__n_1" ON "c" (json_extract(doc, '$."n"'))`
    ])
    expect(S.createIndexStatements(my, "c", "n_1", [{ path: ["n"], descending: false }], true)).toEqual([
      "ALTER TABLE `c` ADD COLUMN IF NOT EXISTS `df_ix_c__n_1_0` VARCHAR(768) AS (NULLIF(JSON_EXTRACT(doc, '$.\"n\"'), 'null')) VIRTUAL",
      "CREATE UNIQUE INDEX IF NOT EXISTS `c__n_1` ON `c` (`df_ix_c__n_1_0`)"
    ])
  })
})
