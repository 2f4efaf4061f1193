/**
 * Vectors as fields and `vectorSearch`, the same behaviour on every database: PostgreSQL (pgvector)
 * and SQLite (sqlite-vec) search; MariaDB stores vectors and refuses the search with UnsupportedFeature.
 */
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import { Effect, Logger, LogLevel, Schema } from "effect"
import { rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { Database, DataFlow } from "../../src/index.js"
import { dialectNames, forEachDialect, freshUrl, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Doc = DataFlow.model(
  "VecDoc",
  { id: Schema.String, cat: Schema.String, embedding: DataFlow.vector(3) },
  { softDelete: true }
)

const TwoVectors = DataFlow.model("VecPair", {
  id: Schema.Int,
  a: DataFlow.vector(2),
  b: Schema.optional(Schema.NullOr(DataFlow.vector(2)))
})

const docs = [
  { id: "d1", cat: "x", embedding: [1, 0, 0] },
  { id: "d2", cat: "y", embedding: [0, 1, 0] },
  { id: "d3", cat: "x", embedding: [1, 1, 0] },
  { id: "d4", cat: "y", embedding: [0.9, 0.1, 0] },
  { id: "d5", cat: "x", embedding: [0, 0, 1] },
  { id: "d6", cat: "x", embedding: [-1, 0, 0] },
  // the same vector as d3 under a smaller id: ties come back by id
  { id: "d0", cat: "y", embedding: [1, 1, 0] }
]
const query = [1, 0.2, 0]

const dot = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0)
const norm = (a: ReadonlyArray<number>) => Math.sqrt(dot(a, a))
const exact = {
  cosine: (a: ReadonlyArray<number>) => 1 - dot(a, query) / (norm(a) * norm(query)),
  l2: (a: ReadonlyArray<number>) => Math.sqrt(a.reduce((s, x, i) => s + (x - query[i]!) ** 2, 0)),
  innerProduct: (a: ReadonlyArray<number>) => -dot(a, query)
}

/** The expected ids in order (distance, then id) among `rows`. */
const expected = (distance: keyof typeof exact, rows = docs) =>
  [...rows]
    .map((d) => ({ id: d.id, distance: exact[distance](d.embedding) }))
    .sort((x, y) => x.distance - y.distance || (x.id < y.id ? -1 : 1))

forEachDialect("vector_search", (it, dialect) => {
  it.effect("a vector reads back as the shortest decimal of its 32-bit float, the same on every database", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.create({ id: "r1", cat: "x", embedding: [0.1, 1 / 3, 3.4e38] })
      expect((yield* Doc.read({ id: "r1" })).embedding).toEqual([0.1, 0.33333334, 3.4e38])
      yield* Doc.update({ filter: { id: "r1" }, fields: { embedding: [-2.5, 1e-7, 0] } })
      expect((yield* Doc.list()).records.map((r) => r.embedding)).toEqual([[-2.5, 1e-7, 0]])
    })
  )

  it.effect("a wrong length, NaN, Infinity or a number beyond float32 fails ValidationError naming the field", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      for (const embedding of [
        [1, 2],
        [1, 2, 3, 4],
        [1, Number.NaN, 0],
        [Infinity, 0, 0],
        [1e39, 0, 0]
      ]) {
        const e = yield* Effect.flip(Doc.create({ id: "bad", cat: "x", embedding }))
        expect(e._tag).toBe("ValidationError")
        expect(e.message).toContain("embedding")
      }
      expect(yield* Doc.count()).toBe(0)
      const v = yield* Effect.flip(TwoVectors.create({ a: [1, 2], b: [1, 2, 3] }))
      expect(v._tag === "ValidationError" && v.path).toBe("b")
    })
  )

  if (dialect === "mysql") {
    it.effect("MariaDB stores vectors; vectorSearch fails UnsupportedFeature, the table untouched", () =>
      Effect.gen(function* () {
        yield* reset(Doc)
        yield* Doc.bulkCreate({ data: docs })
        const e = yield* Effect.flip(Doc.vectorSearch({ vector: query, k: 2 }))
        expect(e._tag).toBe("UnsupportedFeature")
        expect(e.message).toContain("vector search")
        expect(yield* Doc.count()).toBe(docs.length)
      })
    )
    return
  }

  it.effect("nearest first by each distance, ties by id, distances as the formulas say", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      for (const distance of ["cosine", "l2", "innerProduct"] as const) {
        const hits = yield* Doc.vectorSearch({ vector: query, k: 5, distance })
        const want = expected(distance).slice(0, 5)
        expect(hits.records.map((h) => h.record.id)).toEqual(want.map((w) => w.id))
        hits.records.forEach((h, i) => expect(h.distance).toBeCloseTo(want[i]!.distance, 5))
      }
      // cosine is the default distance without an index
      const byDefault = yield* Doc.vectorSearch({ vector: query, k: 7 })
      expect(byDefault.records.map((h) => h.record.id)).toEqual(expected("cosine").map((w) => w.id))
      expect(byDefault.records.slice(0, 2).map((h) => h.record.id)).toEqual(["d4", "d1"])
      // d0 and d3 hold the same vector: d0 first
      const ids = byDefault.records.map((h) => h.record.id)
      expect(ids.indexOf("d0")).toBe(ids.indexOf("d3") - 1)
    })
  )

  it.effect("the filter is applied before k: k records whenever k match; soft-deleted hidden", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      const xs = docs.filter((d) => d.cat === "x")
      const hits = yield* Doc.vectorSearch({ vector: query, k: 3, filter: { cat: "x" } })
      expect(hits.records.map((h) => h.record.id)).toEqual(
        expected("cosine", xs)
          .slice(0, 3)
          .map((w) => w.id)
      )
      const all = yield* Doc.vectorSearch({ vector: query, k: 10, filter: { cat: "x" } })
      expect(all.records).toHaveLength(xs.length)
      yield* Doc.delete({ id: "d1" })
      const after = yield* Doc.vectorSearch({ vector: query, k: 10, filter: { cat: "x" } })
      expect(after.records.map((h) => h.record.id)).not.toContain("d1")
      expect(after.records).toHaveLength(xs.length - 1)
      const withDeleted = yield* Doc.vectorSearch({ vector: query, k: 1, filter: { cat: "x" }, includeDeleted: true })
      expect(withDeleted.records.map((h) => h.record.id)).toEqual(["d1"])
    })
  )

  it.effect("maxDistance bounds the results; select projects (the key always kept)", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({ data: docs })
      const near = expected("l2").filter((w) => w.distance <= 0.5)
      const hits = yield* Doc.vectorSearch({ vector: query, k: 10, distance: "l2", maxDistance: 0.5 })
      expect(hits.records.map((h) => h.record.id)).toEqual(near.map((w) => w.id))
      const projected = yield* Doc.vectorSearch({ vector: query, k: 1, select: ["cat"] })
      expect(projected.records.map((h) => h.record)).toEqual([{ id: "d4", cat: "y" }])
    })
  )

  it.effect("a zero vector has no cosine distance: never a cosine result, on every database (it is by l2)", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* Doc.bulkCreate({
        data: [
          { id: "a", cat: "x", embedding: [1, 0, 0] },
          { id: "b", cat: "x", embedding: [0, 0, 0] },
          { id: "c", cat: "x", embedding: [0, 1, 0] }
        ]
      })
      const cos = yield* Doc.vectorSearch({ vector: [1, 0.1, 0], k: 3 })
      expect(cos.records.map((h) => h.record.id)).toEqual(["a", "c"])
      const l2 = yield* Doc.vectorSearch({ vector: [1, 0.1, 0], k: 3, distance: "l2" })
      expect(l2.records.map((h) => h.record.id)).toEqual(["a", "b", "c"])
    })
  )

  it.effect("NULL vectors are never results; a model with two vector fields names the field searched", () =>
    Effect.gen(function* () {
      yield* reset(TwoVectors)
      yield* TwoVectors.bulkCreate({
        data: [
          { a: [1, 0], b: null },
          { a: [0, 1], b: [1, 0] }
        ]
      })
      const e = yield* Effect.flip(TwoVectors.vectorSearch({ vector: [1, 0], k: 2 }))
      expect(e._tag === "ValidationError" && e.path).toBe("field")
      const byB = yield* TwoVectors.vectorSearch({ vector: [1, 0], k: 2, field: "b" })
      expect(byB.records.map((h) => h.record.id)).toEqual([2])
      const byA = yield* TwoVectors.vectorSearch({ vector: [1, 0], k: 2, field: "a", distance: "l2" })
      expect(byA.records.map((h) => h.record.id)).toEqual([1, 2])
    })
  )

  it.effect("bad parameters fail ValidationError naming the parameter, before any SQL", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
        [{ vector: query, k: 0 }, "k"],
        [{ vector: query, k: 1001 }, "k"],
        [{ vector: query, k: 1.5 }, "k"],
        [{ vector: [1, 2], k: 1 }, "vector"],
        [{ vector: [0, 0, 0], k: 1 }, "vector"],
        [{ vector: [1, Number.NaN, 0], k: 1 }, "vector"],
        [{ vector: "1,2,3", k: 1 }, "vector"],
        [{ vector: query, k: 1, distance: "dot" }, "distance"],
        [{ vector: query, k: 1, field: "cat" }, "field"],
        [{ vector: query, k: 1, efSearch: 0 }, "efSearch"],
        [{ vector: query, k: 1, probes: -1 }, "probes"],
        [{ vector: query, k: 1, maxDistance: Infinity }, "maxDistance"],
        [{ vector: query, k: 1, select: ["nope"] }, "select.nope"],
        [{ vector: query, k: 1, filter: { embedding: [1, 0, 0] } }, "embedding"]
      ]
      for (const [params, path] of cases) {
        const e = yield* Effect.flip(Doc.vectorSearch(params as never))
        expect(e._tag).toBe("ValidationError")
        expect(e._tag === "ValidationError" && e.path).toBe(path)
      }
    })
  )
})

/** A seeded generator (mulberry32): the same vectors on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const Indexed = DataFlow.model(
  "VecIndexed",
  { id: Schema.Int, bucket: Schema.Int, embedding: DataFlow.vector(8) },
  { vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine" }], timestamps: false }
)

forEachDialect("vector_index_search", (it, dialect) => {
  if (dialect === "mysql") {
    it.effect("MariaDB: a declared vector index creates nothing; the search is refused", () =>
      Effect.gen(function* () {
        yield* reset(Indexed)
        yield* Indexed.create({ bucket: 1, embedding: [1, 0, 0, 0, 0, 0, 0, 0] })
        const e = yield* Effect.flip(Indexed.vectorSearch({ vector: [1, 0, 0, 0, 0, 0, 0, 0], k: 1 }))
        expect(e._tag).toBe("UnsupportedFeature")
        expect((yield* Indexed.list()).records.map((r) => r.embedding)).toEqual([[1, 0, 0, 0, 0, 0, 0, 0]])
      })
    )
    return
  }
  const random = seeded(42)
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    bucket: i % 100,
    embedding: Array.from({ length: 8 }, () => random() * 2 - 1)
  }))
  const q = Array.from({ length: 8 }, () => random() * 2 - 1)
  const cosine = (a: ReadonlyArray<number>) => 1 - dot(a, q) / (norm(a) * norm(q))

  if (dialect === "postgres") {
    it.effect("PostgreSQL connections open with the search defaults: ef_search 100, iterative scans", () =>
      Effect.gen(function* () {
        const db = yield* sqlDatabase
        const rows = yield* db.sql
          .unsafe<{ ef: string; hnsw: string; ivf: string; path: string }>(
            "SELECT current_setting('hnsw.ef_search') AS ef, current_setting('hnsw.iterative_scan') AS hnsw, " +
              "current_setting('ivfflat.iterative_scan') AS ivf, current_setting('search_path') AS path"
          )
          .pipe(Effect.orDie)
        expect(rows[0]!).toMatchObject({ ef: "100", hnsw: "relaxed_order", ivf: "relaxed_order" })
        // the URL's own options still apply
        expect(rows[0]!.path).toContain("vector_index_search")
      })
    )
  }

  it.effect(
    "through the index (pgvector HNSW, sqlite-vec vec0): sorted, filtered first, exactly k whenever k match",
    () =>
      Effect.gen(function* () {
        yield* reset(Indexed)
        yield* Indexed.bulkCreate({ data: rows })
        // 1% of the rows match: an HNSW scan alone would find few of them among its first candidates
        for (const k of [1, 10, 30]) {
          const hits = yield* Indexed.vectorSearch({ vector: q, k, filter: { bucket: 7 }, efSearch: 10 })
          expect(hits.records).toHaveLength(Math.min(k, 30))
          expect(hits.records.every((h) => h.record.bucket === 7)).toBe(true)
          const distances = hits.records.map((h) => h.distance)
          expect(distances).toEqual([...distances].sort((a, b) => a - b))
        }
        // fewer matches than k: all of them
        const few = yield* Indexed.vectorSearch({ vector: q, k: 50, filter: { bucket: 7, id: { $lte: 1000 } } })
        expect(few.records).toHaveLength(10)
        // filtered to 30 rows the answer is exact on both: the same ids as a brute-force ranking
        const all = yield* Indexed.vectorSearch({ vector: q, k: 30, filter: { bucket: 7 } })
        const want = (yield* Indexed.list({ filter: { bucket: 7 }, limit: 100 })).records
          .map((r) => ({ id: r.id, d: cosine(r.embedding) }))
          .sort((a, b) => a.d - b.d || a.id - b.id)
          .map((r) => r.id)
        expect(all.records.map((h) => h.record.id)).toEqual(want)
        // a zero vector (no direction) is never a cosine result, through the index too
        yield* Indexed.bulkCreate({
          data: [
            { bucket: 500, embedding: [0, 0, 0, 0, 0, 0, 0, 0] },
            { bucket: 500, embedding: [1, 0, 0, 0, 0, 0, 0, 0] }
          ]
        })
        const zero = yield* Indexed.vectorSearch({ vector: q, k: 2, filter: { bucket: 500 } })
        expect(zero.records.map((h) => h.record.embedding[0])).toEqual([1])
        // unfiltered top-10: sorted, 10 rows, and on SQLite (vec0 is exact) the brute-force answer
        const top = yield* Indexed.vectorSearch({ vector: q, k: 10 })
        expect(top.records).toHaveLength(10)
        if (dialect === "sqlite") {
          const every = (yield* Indexed.list({ limit: 10_000 })).records
            .map((r) => ({ id: r.id, d: cosine(r.embedding) }))
            .sort((a, b) => a.d - b.d || a.id - b.id)
          expect(top.records.map((h) => h.record.id)).toEqual(every.slice(0, 10).map((r) => r.id))
        }
      }),
    { timeout: 60_000 }
  )
})

describe("a declared index that autoMigrate did not make (a table this library did not create)", () => {
  it("SQLite searches it by the exact scan: the same answer, no missing-table error", async () => {
    const file = `${tmpdir()}/${process.env["DATAFLOW_TEST_NS"] ?? ""}vec_existing.db`
    rmSync(file, { force: true })
    const raw = new Sqlite(file)
    raw.exec("CREATE TABLE their_docs (id TEXT PRIMARY KEY, e BLOB)")
    const insert = raw.prepare("INSERT INTO their_docs VALUES (?, ?)")
    insert.run("a", Buffer.from(new Float32Array([1, 0]).buffer))
    insert.run("b", Buffer.from(new Float32Array([0, 1]).buffer))
    raw.close()
    const Theirs = DataFlow.model(
      "TheirDoc",
      { id: Schema.String, e: DataFlow.vector(2) },
      { table: "their_docs", timestamps: false, vectorIndexes: [{ field: "e", method: "hnsw", distance: "cosine" }] }
    )
    try {
      const hits = await Effect.runPromise(
        Theirs.vectorSearch({ vector: [0.1, 1], k: 2 }).pipe(
          Effect.provide(Database.layer({ url: `sqlite:${file}`, models: [Theirs] })),
          Logger.withMinimumLogLevel(LogLevel.Error)
        )
      )
      expect(hits.records.map((h) => h.record.id)).toEqual(["b", "a"])
    } finally {
      rmSync(file, { force: true })
    }
  })
})

describe("pgvector installed in a schema that is not on the search_path", () => {
  it("PostgreSQL: the layer fails SchemaMismatch saying to put the schema on the search_path", async () => {
    if (!dialectNames.includes("postgres")) return
    const url = (await freshUrl("postgres", "df_vector_off_path")).replace(encodeURIComponent(",extensions"), "")
    const Off = DataFlow.model("VecOffPath", { id: Schema.String, e: DataFlow.vector(2) })
    const e = await Effect.runPromise(
      Effect.flip(Off.count().pipe(Effect.provide(Database.layer({ url, models: [Off] }))))
    )
    expect(e._tag).toBe("SchemaMismatch")
    expect(e.message).toContain(`installed in schema "extensions", not on this connection's search_path`)
  })
})
