/**
 * Text search indexes as migration objects on every database: PostgreSQL's GIN index over the one
 * document expression (src/sql/TextDocument.ts), SQLite's FTS5 table kept in sync by triggers,
 * nothing on MariaDB. Planned, applied, recorded, introspected (a second plan is empty), recreated
 * when the language or fields change, dropped only when destruction is allowed, kept through a
 * SQLite table rebuild; the PostgreSQL search expression uses the index.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import type { Plan } from "../../src/migrations/Migrations.js"
import { tsDocument } from "../../src/sql/TextDocument.js"
import { forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const table = "tidocs"
const fields = { id: Schema.String, title: Schema.String, body: Schema.String, tag: Schema.String }
const T0 = DataFlow.model("TiDoc", fields, { table })
const T1 = DataFlow.model("TiDoc", fields, { table, textSearch: { fields: ["title", "body"] } })
const T2 = DataFlow.model("TiDoc", fields, { table, textSearch: { fields: ["title", "body"], language: "simple" } })
const T3 = DataFlow.model("TiDoc", fields, { table, textSearch: { fields: ["title"], language: "simple" } })
// a change of nullability: SQLite rebuilds the table
const fields4 = { ...fields, tag: Schema.optional(Schema.NullOr(Schema.String)) }
const T4 = DataFlow.model("TiDoc", fields4, { table, textSearch: { fields: ["title"], language: "simple" } })
const T5 = DataFlow.model("TiDoc", fields4, { table })

const words = ["apple", "banana", "cherry", "delta", "echo", "falcon", "granite", "harbor", "island", "jungle"]
const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `t${String(from + i).padStart(5, "0")}`,
    title: `${words[(from + i) % 10]} running`,
    body: `note ${from + i} about ${words[(from + i * 3) % 10]}`,
    tag: "x"
  }))

const raw = (sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(sqlDatabase, (db) => db.query({ sql, params }))
const count = (sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.map(raw(sql, params), (r) => Number(Object.values(r[0] ?? {})[0]))
const kinds = (plan: Plan) => plan.operations.map((o) => `${o.kind}${o.destructive ? "!" : ""}`)

forEachDialect("text_indexes", (it, dialect) => {
  const fts = `${table}__fts`
  const inFts = Effect.suspend(() => count(`SELECT count(*) FROM "${fts}"`))
  const inTable = Effect.suspend(() => count(`SELECT count(*) FROM ${table}`))
  const matching = (word: string) => count(`SELECT count(*) FROM "${fts}" WHERE "${fts}" MATCH ?`, [word])
  const triggers = Effect.suspend(() =>
    Effect.map(
      raw("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name", [table]),
      (r) => r.map((x) => String(x["name"]))
    )
  )

  it.effect("plan shows the create; apply; introspection makes the second plan empty; rows before and after", () =>
    Effect.gen(function* () {
      yield* Database.migrate({ models: [T0] })
      yield* T0.bulkCreate({ data: rows(0, 30) })
      const { plan } = yield* Database.migrate({ models: [T1], dryRun: true })
      if (dialect === "mysql") return expect(plan.operations).toEqual([])
      expect(kinds(plan)).toEqual(["addIndex"])
      const op = plan.operations[0]!
      const db = yield* sqlDatabase
      if (dialect === "postgres") {
        expect(op.description).toBe("add text index tidocs_fts_idx on tidocs (title, body: gin, english)")
        // exactly the search's document expression, never a second spelling
        expect(op.up).toEqual([
          `CREATE INDEX "tidocs_fts_idx" ON "tidocs" USING gin (${tsDocument(db.hooks.quote, T1.info.textSearch!)})`
        ])
        expect(op.down).toEqual([`DROP INDEX "tidocs_fts_idx"`])
      } else {
        expect(op.up[0]).toBe(
          `CREATE VIRTUAL TABLE "${fts}" USING fts5(id UNINDEXED, "title", "body", tokenize='porter unicode61')`
        )
        expect(op.up.slice(1, 4).map((s) => /TRIGGER "([^"]+)"/.exec(s)![1])).toEqual([
          `${fts}_ai`,
          `${fts}_au`,
          `${fts}_ad`
        ])
        expect(op.up[4]).toBe(`INSERT INTO "${fts}" (id, "title", "body") SELECT "id", "title", "body" FROM "tidocs"`)
      }
      const applied = yield* Database.migrate({ models: [T1] })
      const entry = (yield* Effect.flatMap(sqlDatabase, (d) => d.migrations)).find((e) => e.id === applied.id)!
      expect(entry.up).toEqual(op.up)
      expect((yield* Database.migrate({ models: [T1], dryRun: true })).plan.operations).toEqual([])
      yield* T1.bulkCreate({ data: rows(30, 10) })
      if (dialect === "sqlite") {
        expect(yield* inFts).toBe(yield* inTable)
        // porter stemming: "runs" finds "running"; rows before and after the index
        expect(yield* matching("runs")).toBe(40)
        yield* T1.update({ filter: { id: "t00001" }, fields: { title: "zeppelin" } })
        yield* T1.delete({ id: "t00032" })
        expect(yield* inFts).toBe(yield* inTable)
        expect(yield* matching("zeppelin")).toBe(1)
        expect(yield* matching("runs")).toBe(38)
        expect(yield* triggers).toEqual([`${fts}_ad`, `${fts}_ai`, `${fts}_au`])
      } else {
        const doc = tsDocument(db.hooks.quote, T1.info.textSearch!)
        const found = yield* count(
          `SELECT count(*) FROM ${table} WHERE ${doc} @@ websearch_to_tsquery('english', $1)`,
          ["runs"]
        )
        expect(found).toBe(40)
      }
    })
  )

  it.effect("a changed language or field list drops and creates again (destructive); a rebuild keeps it", () =>
    Effect.gen(function* () {
      const t2 = (yield* Database.migrate({ models: [T2], dryRun: true })).plan
      if (dialect === "mysql") {
        expect(t2.operations).toEqual([])
        return yield* Database.migrate({ models: [T4] })
      }
      expect(kinds(t2)).toEqual(["dropIndex!", "addIndex"])
      expect((yield* Database.migrate({ models: [T2], additiveOnly: true })).plan.operations).toEqual([])
      expect((yield* Effect.flip(Database.migrate({ models: [T2] })))._tag).toBe("DestructiveChangeRefused")
      yield* Database.migrate({ models: [T2], allowDestructive: true })
      expect((yield* Database.migrate({ models: [T2], dryRun: true })).plan.operations).toEqual([])
      const t3 = (yield* Database.migrate({ models: [T3], dryRun: true })).plan
      expect(kinds(t3)).toEqual(["dropIndex!", "addIndex"])
      yield* Database.migrate({ models: [T3], allowDestructive: true })
      const t4 = (yield* Database.migrate({ models: [T4], dryRun: true })).plan
      expect(kinds(t4)).toEqual([dialect === "sqlite" ? "rebuildTable" : "alterColumn"])
      yield* Database.migrate({ models: [T4] })
      expect((yield* Database.migrate({ models: [T4], dryRun: true })).plan.operations).toEqual([])
      yield* T4.bulkCreate({ data: rows(40, 5) })
      if (dialect === "sqlite") {
        expect(yield* triggers).toEqual([`${fts}_ad`, `${fts}_ai`, `${fts}_au`])
        expect(yield* inFts).toBe(yield* inTable)
        // simple: no stemming
        expect(yield* matching("runs")).toBe(0)
        expect(yield* matching("running")).toBe(43)
      }
    })
  )

  it.effect("dropping text search is destructive; autoMigrate (additive) never drops it, and makes it again", () =>
    Effect.gen(function* () {
      const { plan } = yield* Database.migrate({ models: [T5], dryRun: true })
      if (dialect === "mysql") return expect(plan.operations).toEqual([])
      expect(kinds(plan)).toEqual(["dropIndex!"])
      expect((yield* Database.migrate({ models: [T5], additiveOnly: true })).plan.operations).toEqual([])
      expect((yield* Effect.flip(Database.migrate({ models: [T5] })))._tag).toBe("DestructiveChangeRefused")
      yield* Database.migrate({ models: [T5], allowDestructive: true })
      // its undo makes it again as it was (SQLite: filled from the rows), then it goes again
      yield* Database.rollback({ steps: 1 })
      expect((yield* Database.migrate({ models: [T4], dryRun: true })).plan.operations).toEqual([])
      if (dialect === "sqlite") expect(yield* inFts).toBe(yield* inTable)
      yield* Database.migrate({ models: [T5], allowDestructive: true })
      expect((yield* Database.migrate({ models: [T5], dryRun: true })).plan.operations).toEqual([])
      if (dialect === "sqlite") {
        expect(yield* triggers).toEqual([])
        expect(yield* count(`SELECT count(*) FROM sqlite_master WHERE name LIKE '${fts}%'`)).toBe(0)
      }
      yield* T5.create({ id: "after", title: "x", body: "y" })
      const auto = yield* Database.migrate({ models: [T4], additiveOnly: true })
      expect(kinds(auto.plan)).toEqual(["addIndex"])
      if (dialect === "sqlite") expect(yield* inFts).toBe(yield* inTable)
    })
  )
})

forEachDialect("text_indexes_more", (it, dialect) => {
  it.effect("EXPLAIN: PostgreSQL's search expression uses the GIN index", () =>
    Effect.gen(function* () {
      if (dialect !== "postgres") return
      yield* Database.migrate({ models: [T1] })
      yield* T1.bulkCreate({ data: rows(0, 2000) })
      yield* raw(`ANALYZE ${table}`)
      const db = yield* sqlDatabase
      const doc = tsDocument(db.hooks.quote, T1.info.textSearch!)
      const plan = yield* raw(
        `EXPLAIN SELECT "id" FROM ${table} WHERE ${doc} @@ websearch_to_tsquery('english'::regconfig, $1)`,
        ["zeppelin"]
      )
      expect(plan.map((r) => String(r["QUERY PLAN"])).join("\n")).toContain("Bitmap Index Scan on tidocs_fts_idx")
    })
  )

  it.effect("SQLite refuses text search on a composite key with SchemaMismatch", () =>
    Effect.gen(function* () {
      const Pair = DataFlow.model(
        "TiPair",
        { a: Schema.String, b: Schema.String, title: Schema.String },
        { table: "tipair", primaryKey: ["a", "b"], textSearch: { fields: ["title"] } }
      )
      const r = yield* Effect.either(Database.migrate({ models: [Pair], dryRun: true }))
      expect(r._tag).toBe(dialect === "sqlite" ? "Left" : "Right")
      if (r._tag === "Left") expect(r.left._tag).toBe("SchemaMismatch")
    })
  )

  it.effect("bounded strings, literal unions and mixed-case (quoted) column names read back as the same index", () =>
    Effect.gen(function* () {
      const Odd = DataFlow.model(
        "TiOdd",
        {
          id: Schema.Int,
          headline: Schema.String.pipe(Schema.maxLength(40), Schema.propertySignature, Schema.fromKey("HeadLine")),
          kind: Schema.Literal("memo", "post")
        },
        { table: "tiodd", textSearch: { fields: ["headline", "kind"], language: "simple" } }
      )
      yield* Database.migrate({ models: [Odd] })
      expect((yield* Database.migrate({ models: [Odd], dryRun: true })).plan.operations).toEqual([])
      yield* Odd.create({ headline: "Quarterly memo", kind: "post" })
      if (dialect === "sqlite")
        expect(yield* count(`SELECT count(*) FROM "tiodd__fts" WHERE "tiodd__fts" MATCH 'post'`)).toBe(1)
    })
  )
})
