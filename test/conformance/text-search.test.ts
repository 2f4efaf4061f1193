/**
 * `textSearch` and `hybridSearch`, the same answers on PostgreSQL (tsvector over the GIN index's
 * document, websearch_to_tsquery, ts_rank_cd) and SQLite (FTS5, −bm25): words AND'ed, phrases, `or`,
 * exclusions, stemming under english only, the filter applied before k, soft-deleted rows hidden,
 * select, ties by key; MariaDB refuses with UnsupportedFeature. Every fixture document has six
 * tokens and no stop words, so scores tie wherever the query's terms occur alike.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { filterOf } from "../../src/nodes/Shared.js"
import { parseTextQuery } from "../../src/query/TextQuery.js"
import { rowSearch, tableSearch } from "../../src/sql/backend/TextSearch.js"
import { forEachDialect, reset } from "../support/Dialects.js"
import { recordingTracer } from "../support/Tracing.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const fields = { id: Schema.String, title: Schema.String, body: Schema.String, cat: Schema.String }
const Doc = DataFlow.model("TxDoc", fields, { softDelete: true, textSearch: { fields: ["title", "body"] } })
const Simple = DataFlow.model("TxSimple", fields, { textSearch: { fields: ["title", "body"], language: "simple" } })
const Plain = DataFlow.model("TxPlain", fields)
// an integer key under another name: ties come back in numeric key order (2 before 10)
const Numbered = DataFlow.model(
  "TxNumbered",
  {
    id: Schema.propertySignature(Schema.Int).pipe(Schema.fromKey("num")),
    title: Schema.String,
    embedding: DataFlow.vector(2)
  },
  { autoIncrement: false, textSearch: { fields: ["title"], language: "simple" } }
)

const docs = [
  { id: "d3", cat: "x", title: "Road bike", body: "fast bike carbon frame" },
  { id: "d1", cat: "x", title: "Running shoes", body: "road light model daily" },
  { id: "d2", cat: "y", title: "Trail run", body: "grippy shoes mud track" },
  { id: "d4", cat: "y", title: "Swimming goggles", body: "clear view pool lanes" },
  { id: "d5", cat: "x", title: "Road shoes", body: "running daily city model" },
  { id: "d6", cat: "y", title: "Running shoes", body: "trail model grippy sole" },
  { id: "d0", cat: "x", title: "Winter jacket", body: "warm running layer city" }
]

const Hy = DataFlow.model(
  "TxHybrid",
  { id: Schema.String, title: Schema.String, embedding: DataFlow.vector(2) },
  { textSearch: { fields: ["title"] } }
)
const hyDocs = [
  { id: "h1", title: "apple pie", embedding: [0, 1] },
  { id: "h2", title: "apple tart", embedding: [1, 0] },
  { id: "h3", title: "banana split", embedding: [0.9, 0.1] },
  { id: "h4", title: "apple crumble", embedding: [0.5, 0.5] },
  { id: "h5", title: "cherry pie", embedding: [0.95, 0.05] }
]

const ids = (r: { readonly records: ReadonlyArray<{ readonly record: { readonly id: string } }> }) =>
  r.records.map((h) => h.record.id)

forEachDialect("text_search", (it, dialect) => {
  if (dialect === "mysql") {
    it.effect("MariaDB: textSearch and hybridSearch fail UnsupportedFeature", () =>
      Effect.gen(function* () {
        yield* reset(Doc, Hy)
        yield* Doc.bulkCreate({ data: docs })
        const e = yield* Effect.flip(Doc.textSearch({ text: "shoes", k: 3 }))
        expect(e._tag).toBe("UnsupportedFeature")
        expect(e.message).toContain("text search")
        const h = yield* Effect.flip(Hy.hybridSearch({ text: "apple", vector: [1, 0], k: 3 }))
        expect(h._tag).toBe("UnsupportedFeature")
      })
    )
    return
  }

  const search = (text: string, k = 10) => Effect.map(Doc.textSearch({ text, k }), ids)

  it.effect("words are AND'ed; ties by key; scores descending with ranks from 1", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      const r = yield* Doc.textSearch({ text: "Shoes ROAD", k: 10 })
      expect(ids(r)).toEqual(["d1", "d5"])
      expect(r.records.map((h) => h.rank)).toEqual([1, 2])
      expect(r.records[0]!.score).toBeGreaterThan(0)
      expect(r.records[0]!.score).toBe(r.records[1]!.score)
      expect(r.records[0]!.record).toMatchObject(docs[1]!)
      // more occurrences score higher
      const bikes = yield* Doc.textSearch({ text: "bike or goggles", k: 10 })
      expect(ids(bikes)).toEqual(["d3", "d4"])
      expect(bikes.records[0]!.score).toBeGreaterThan(bikes.records[1]!.score)
      expect(yield* search("shoes", 2)).toEqual(["d1", "d2"])
      expect(yield* search("nothing here")).toEqual([])
    })
  )

  it.effect("a quoted phrase needs its words in order; or; -word and -phrase exclude", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      expect(yield* search('"running shoes"')).toEqual(["d1", "d6"])
      expect([...(yield* search("running shoes"))].sort()).toEqual(["d1", "d2", "d5", "d6"])
      expect(yield* search("goggles OR jacket")).toEqual(["d0", "d4"])
      expect(yield* search("shoes -trail")).toEqual(["d1", "d5"])
      expect(yield* search('shoes -"running shoes"')).toEqual(["d2", "d5"])
      expect([...(yield* search('"running shoes" -trail or carbon'))].sort()).toEqual(["d1", "d3"])
      // words joined by punctuation are a phrase of them; a word "or" in quotes is a word
      expect(yield* search("pool-lanes")).toEqual(["d4"])
      expect(yield* search("lanes-pool")).toEqual([])
      expect(yield* search('"or"')).toEqual([])
    })
  )

  it.effect("english stems (running finds run), simple does not", () =>
    Effect.gen(function* () {
      yield* reset(Doc, Simple)
      yield* Doc.bulkCreate({ data: docs })
      yield* Simple.bulkCreate({ data: docs })
      expect(yield* search("running")).toEqual(["d0", "d1", "d2", "d5", "d6"])
      expect(yield* search("run")).toEqual(["d0", "d1", "d2", "d5", "d6"])
      expect(ids(yield* Simple.textSearch({ text: "running", k: 10 }))).toEqual(["d0", "d1", "d5", "d6"])
      expect(ids(yield* Simple.textSearch({ text: "run", k: 10 }))).toEqual(["d2"])
    })
  )

  it.effect("the filter is applied before k: k results when k match; soft-deleted hidden; select", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      expect(ids(yield* Doc.textSearch({ text: "running", k: 2, filter: { cat: "y" } }))).toEqual(["d2", "d6"])
      expect(ids(yield* Doc.textSearch({ text: "running", k: 3, filter: { cat: "x" } }))).toEqual(["d0", "d1", "d5"])
      yield* Doc.delete({ id: "d1" })
      expect(yield* search("running")).toEqual(["d0", "d2", "d5", "d6"])
      const all = yield* Doc.textSearch({ text: "running", k: 10, includeDeleted: true })
      expect(ids(all)).toEqual(["d0", "d1", "d2", "d5", "d6"])
      const projected = yield* Doc.textSearch({ text: "goggles", k: 5, select: ["cat"] })
      expect(projected.records).toEqual([
        { record: { id: "d4", cat: "y" }, score: projected.records[0]!.score, rank: 1 }
      ])
      // the index follows updates
      yield* Doc.update({ filter: { id: "d4" }, fields: { title: "Diving mask" } })
      expect(yield* search("goggles")).toEqual([])
      expect(yield* search("diving")).toEqual(["d4"])
    })
  )

  it.effect("the statement: exact SQL and parameters; on PostgreSQL the GIN index serves it (EXPLAIN)", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      const db = yield* sqlDatabase
      const d = db.hooks
      const expr = yield* filterOf(Doc.info, { cat: "x" })
      const fields = Doc.info.columns.filter((c) => c.name === "id" || c.name === "cat")
      const q = { query: parseTextQuery("shoes -trail"), k: 5, expr, includeDeleted: false, fields }
      if (dialect === "postgres") {
        const doc = `to_tsvector('english'::regconfig, coalesce("title", '') || ' ' || coalesce("body", ''))`
        const query = `websearch_to_tsquery('english'::regconfig, $%)`
        const statement = rowSearch(d, d.text!, Doc.info, Doc.info.textSearch!, q)
        expect(statement).toEqual({
          sql:
            `SELECT "id", "cat", ts_rank_cd(${doc}, ${query.replace("%", "1")}) AS df_score FROM "tx_docs"` +
            ` WHERE "deleted_at" IS NULL AND "cat" = $2 AND ${doc} @@ ${query.replace("%", "3")}` +
            ` ORDER BY df_score DESC, "id"::text COLLATE "C" ASC NULLS LAST LIMIT 5`,
          params: ['"shoes" -"trail"', "x", '"shoes" -"trail"']
        })
        const many = Array.from({ length: 3000 }, (_, i) => ({
          id: `m${i}`,
          cat: i % 2 === 0 ? "x" : "y",
          title: `note ${i}`,
          body: i % 500 === 0 ? "shoes for the trail" : `words ${i} more text`
        }))
        yield* Doc.bulkCreate({ data: many })
        yield* db.query({ sql: `ANALYZE "tx_docs"`, params: [] })
        const plan = yield* db.query({ sql: `EXPLAIN ${statement.sql}`, params: statement.params })
        expect(plan.map((r) => String(r["QUERY PLAN"])).join("\n")).toContain("Bitmap Index Scan on tx_docs_fts_idx")
      } else {
        expect(tableSearch(d, d.text!, Doc.info, q)).toEqual({
          sql:
            `SELECT "tx_docs"."id", "tx_docs"."cat", df_t.df_score AS df_score FROM (SELECT "id" AS df_key,` +
            ` -bm25("tx_docs__fts") AS df_score FROM "tx_docs__fts" WHERE "tx_docs__fts" MATCH ? AND "id" IN` +
            ` (SELECT "id" FROM "tx_docs" WHERE "deleted_at" IS NULL AND "cat" COLLATE BINARY = ?)) df_t` +
            ` JOIN "tx_docs" ON "tx_docs"."id" = df_t.df_key ORDER BY df_t.df_score DESC, "tx_docs"."id" COLLATE BINARY ASC LIMIT 5`,
          params: ['("shoes" NOT "trail")', "x"]
        })
      }
    })
  )

  it.effect("an integer key named otherwise: ties by numeric key in textSearch and hybridSearch", () =>
    Effect.gen(function* () {
      expect(Numbered.info.key[0]!.column).toBe("num")
      yield* reset(Numbered)
      yield* Numbered.bulkCreate({
        data: [10, 2, 33, 1].map((id) => ({ id, title: id === 1 ? "pear" : "plum tree", embedding: [1, 0] }))
      })
      const t = yield* Numbered.textSearch({ text: "plum", k: 5 })
      expect(t.records.map((h) => h.record.id)).toEqual([2, 10, 33])
      const h = yield* Numbered.hybridSearch({ text: "tree", vector: [1, 0], k: 5 })
      expect(h.records.map((r) => [r.record.id, r.textRank, r.vectorRank])).toEqual([
        [2, 1, 2],
        [10, 2, 3],
        [33, 3, 4],
        [1, null, 1]
      ])
    })
  )

  it.effect("ValidationError: empty text, only exclusions, too long, no textSearch fields, bad k", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      const fail = (params: Parameters<typeof Doc.textSearch>[0]) => Effect.flip(Doc.textSearch(params))
      for (const text of ["", "  ,.; ", "or", "-shoes", "shoes or -trail", "x".repeat(1001)]) {
        const e = yield* fail({ text, k: 3 })
        expect(e._tag === "ValidationError" && e.path).toBe("text")
      }
      const k = yield* fail({ text: "shoes", k: 0 })
      expect(k._tag === "ValidationError" && k.path).toBe("k")
      const e = yield* Effect.flip(Plain.textSearch({ text: "shoes", k: 3 } as never))
      expect(e._tag === "ValidationError" && [e.path, e.reason]).toEqual([
        "textSearch",
        "the model declares no textSearch fields"
      ])
    })
  )

  it.effect("hybridSearch: reciprocal rank fusion, exact order, ranks and distances", () =>
    Effect.gen(function* () {
      yield* reset(Hy)
      yield* Hy.bulkCreate({ data: hyDocs })
      // text "apple": h1, h2, h4 (a tie, by key); vector [1, 0] by cosine: h2, h5, h3, h4, h1
      const r = yield* Hy.hybridSearch({ text: "apple", vector: [1, 0], k: 4 })
      expect(ids(r)).toEqual(["h2", "h1", "h4", "h5"])
      expect(r.records.map((h) => [h.textRank, h.vectorRank])).toEqual([
        [2, 1],
        [1, 5],
        [3, 4],
        [null, 2]
      ])
      expect(r.records[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12)
      expect(r.records[3]!.score).toBeCloseTo(1 / 62, 12)
      expect(r.records[0]!.distance).toBeCloseTo(0, 6)
      expect(r.records[1]!.distance).toBeCloseTo(1, 6)
      // weights: the vector ranking alone (text weight 0) is the vector order
      const v = yield* Hy.hybridSearch({ text: "apple", vector: [1, 0], k: 5, weights: { text: 0 } })
      expect(ids(v)).toEqual(["h2", "h5", "h3", "h4", "h1"])
      // few candidates: h1 is not among the 2 nearest, so only its text rank counts
      const c = yield* Hy.hybridSearch({ text: "apple", vector: [1, 0], k: 5, candidates: 2 })
      expect(c.records.map((h) => [h.record.id, h.textRank, h.vectorRank])).toEqual([
        ["h2", 2, 1],
        ["h1", 1, null],
        ["h5", null, 2]
      ])
      expect(c.records[1]!.distance).toBeNull()
      const f = yield* Hy.hybridSearch({ text: "pie", vector: [1, 0], k: 5, filter: { id: { $ne: "h5" } } })
      expect(ids(f)).toEqual(["h1", "h2", "h3", "h4"])
      const bad = yield* Effect.flip(
        Hy.hybridSearch({ text: "apple", vector: [1, 0], k: 4, weights: { text: 0, vector: 0 } })
      )
      expect(bad._tag === "ValidationError" && bad.path).toBe("weights")
    })
  )
})

describe("spans", () => {
  const recording = recordingTracer

  it.effect("textSearch: k and rows; hybridSearch: k, distance and rows; never the text or the vector", () =>
    Effect.gen(function* () {
      const { spans, layer } = recording()
      yield* Effect.gen(function* () {
        yield* Hy.bulkCreate({ data: hyDocs })
        yield* Hy.textSearch({ text: "zanzibar or apple", k: 2 })
        yield* Hy.hybridSearch({ text: "zanzibar or apple", vector: [0.987654, 0.456789], k: 3, distance: "l2" })
      }).pipe(Effect.provide(Database.layer({ url: "sqlite::memory:", models: [Hy] })), Effect.provide(layer))
      const attributes = (name: string) => spans.find((s) => s.name === name)!.attributes
      expect(attributes("dataflow.textSearch")).toEqual({
        "dataflow.model": "TxHybrid",
        "dataflow.operation": "textSearch",
        "dataflow.k": 2,
        "dataflow.rows": 2
      })
      expect(attributes("dataflow.hybridSearch")).toEqual({
        "dataflow.model": "TxHybrid",
        "dataflow.operation": "hybridSearch",
        "dataflow.k": 3,
        "dataflow.distance": "l2",
        "dataflow.rows": 3
      })
      expect(JSON.stringify(spans)).not.toMatch(/zanzibar|0\.98765/)
    })
  )
})
