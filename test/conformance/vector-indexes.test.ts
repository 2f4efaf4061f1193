/**
 * Vector indexes as migration objects on every database: PostgreSQL's pgvector HNSW / IVFFlat
 * indexes, SQLite's sqlite-vec vec0 tables kept in sync by triggers, nothing on MariaDB. Planned,
 * applied, recorded, introspected (a second plan is empty), recreated when their parameters change,
 * dropped only when destruction is allowed, kept through a SQLite table rebuild; the search uses them.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import type { Plan } from "../../src/migrations/Migrations.js"
import { indexScan } from "../../src/sql/backend/VectorSearch.js"
import pg from "pg"
import { sqliteDialect } from "../../src/dialects/sqlite/Hooks.js"
import * as Errors from "../../src/Errors.js"
import type { MigrationDb } from "../../src/migrations/Backend.js"
import { migrationBackendOf } from "../../src/migrations/Family.js"
import { withVectorSupport } from "../../src/migrations/Prerequisites.js"
import { dialectNames, forEachDialect, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const fields = {
  id: Schema.String,
  cat: Schema.String,
  embedding: Schema.optional(Schema.NullOr(DataFlow.vector(8)))
}
const table = "vidocs"
const V0 = DataFlow.model("ViDoc", fields, { table })
const V1 = DataFlow.model("ViDoc", fields, {
  table,
  vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine" }]
})
// other HNSW parameters: PostgreSQL recreates the index; SQLite's vec0 has none (exact KNN)
const V2 = DataFlow.model("ViDoc", fields, {
  table,
  vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine", m: 8, efConstruction: 32 }]
})
const V3 = DataFlow.model("ViDoc", fields, {
  table,
  vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "l2", m: 8, efConstruction: 32 }]
})
// a change of nullability: SQLite rebuilds the table
const fields4 = { ...fields, cat: Schema.optional(Schema.NullOr(Schema.String)) }
const V4 = DataFlow.model("ViDoc", fields4, {
  table,
  vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "l2", m: 8, efConstruction: 32 }]
})
const V5 = DataFlow.model("ViDoc", fields4, { table })
const V6 = DataFlow.model("ViDoc", fields4, {
  table,
  vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine" }]
})

/** A seeded pseudo-random vector of 8 numbers (distinct for every i). */
const vec = (i: number): ReadonlyArray<number> => {
  let x = Math.imul(i + 1, 2654435761) >>> 0
  return Array.from({ length: 8 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    return Math.round((x / 4294967296 - 0.5) * 2000) / 1000
  })
}

const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `d${String(from + i).padStart(5, "0")}`,
    cat: (from + i) % 2 === 0 ? "even" : "odd",
    embedding: (from + i) % 10 === 3 ? null : vec(from + i)
  }))

const raw = (sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(sqlDatabase, (db) => db.query({ sql, params }))

const count = (sql: string) => Effect.map(raw(sql), (r) => Number(Object.values(r[0] ?? {})[0]))

const kinds = (plan: Plan) => plan.operations.map((o) => `${o.kind}${o.destructive ? "!" : ""}`)

forEachDialect("vector_indexes", (it, dialect) => {
  const vt = `${table}__vec_embedding`
  const withVectors = Effect.suspend(() => count(`SELECT count(*) AS n FROM ${table} WHERE embedding IS NOT NULL`))
  const inVec0 = Effect.suspend(() => count(`SELECT count(*) AS n FROM "${vt}"`))
  const triggers = Effect.suspend(() =>
    Effect.map(
      raw("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name", [table]),
      (r) => r.map((x) => String(x["name"]))
    )
  )

  it.effect("plan shows the create; apply; introspection makes the second plan empty; search finds every row", () =>
    Effect.gen(function* () {
      yield* Database.migrate({ models: [V0] })
      yield* V0.bulkCreate({ data: rows(0, 40) })
      const { plan } = yield* Database.migrate({ models: [V1], dryRun: true })
      if (dialect === "mysql") {
        // MariaDB has no vector index: nothing is made, and nothing stays pending
        expect(plan.operations).toEqual([])
        return
      }
      expect(kinds(plan)).toEqual(["addIndex"])
      const op = plan.operations[0]!
      if (dialect === "postgres") {
        expect(op.description).toBe(
          `add vector index vidocs_embedding_hnsw_idx on vidocs (embedding: hnsw, cosine, m = 16, ef_construction = 64)`
        )
        expect(op.up).toEqual([
          `CREATE INDEX "vidocs_embedding_hnsw_idx" ON "vidocs" USING hnsw ("embedding" vector_cosine_ops) WITH (m = 16, ef_construction = 64)`
        ])
        expect(op.down).toEqual([`DROP INDEX "vidocs_embedding_hnsw_idx"`])
      } else {
        expect(op.description).toBe(`add vector index ${vt} on vidocs (embedding: vec0, cosine)`)
        expect(op.up[0]).toBe(
          `CREATE VIRTUAL TABLE "${vt}" USING vec0(id text primary key, embedding float[8] distance_metric=cosine)`
        )
        expect(op.up.slice(1, 4).map((s) => /TRIGGER "([^"]+)"/.exec(s)![1])).toEqual([
          `${vt}_ai`,
          `${vt}_au`,
          `${vt}_ad`
        ])
        expect(op.up[4]).toBe(
          `INSERT INTO "${vt}" (id, embedding) SELECT "id", "embedding" FROM "vidocs" WHERE "embedding" IS NOT NULL`
        )
      }
      const applied = yield* Database.migrate({ models: [V1] })
      expect(applied.applied).toBe(true)
      const entry = (yield* Effect.flatMap(sqlDatabase, (db) => db.migrations)).find((e) => e.id === applied.id)!
      expect(entry.up).toEqual(op.up)
      expect(entry.tables).toEqual([table])
      expect((yield* Database.migrate({ models: [V1], dryRun: true })).plan.operations).toEqual([])
      // rows before and after the index are found through it
      yield* V1.bulkCreate({ data: rows(40, 20) })
      if (dialect === "sqlite") {
        expect(yield* inVec0).toBe(yield* withVectors)
        yield* V1.update({ filter: { id: "d00001" }, fields: { embedding: null } })
        yield* V1.update({ filter: { id: "d00003" }, fields: { embedding: vec(3) } })
        yield* V1.delete({ id: "d00050" })
        expect(yield* inVec0).toBe(yield* withVectors)
        expect(yield* triggers).toEqual([`${vt}_ad`, `${vt}_ai`, `${vt}_au`])
      }
      for (const i of [5, 45]) {
        const hits = yield* V1.vectorSearch({ vector: vec(i), k: 3 })
        expect(hits.records[0]!.record.id).toBe(`d${String(i).padStart(5, "0")}`)
      }
    })
  )

  it.effect("changed parameters drop and create again (destructive); a rebuild keeps the index in sync", () =>
    Effect.gen(function* () {
      const v2 = (yield* Database.migrate({ models: [V2], dryRun: true })).plan
      // SQLite: vec0 has no HNSW parameters (exact KNN), so nothing changes; MariaDB: nothing to change
      expect(kinds(v2)).toEqual(dialect === "postgres" ? ["dropIndex!", "addIndex"] : [])
      const v3 = (yield* Database.migrate({ models: [V3], dryRun: true })).plan
      if (dialect === "mysql") {
        expect(v3.operations).toEqual([])
        return yield* Database.migrate({ models: [V4] })
      }
      expect(kinds(v3)).toEqual(["dropIndex!", "addIndex"])
      expect(v3.operations[0]!.down.length).toBeGreaterThan(0)
      // autoMigrate neither drops it nor trips over the name the new one would take
      expect((yield* Database.migrate({ models: [V3], additiveOnly: true })).plan.operations).toEqual([])
      const refused = yield* Effect.flip(Database.migrate({ models: [V3] }))
      expect(refused._tag).toBe("DestructiveChangeRefused")
      yield* Database.migrate({ models: [V3], allowDestructive: true })
      expect((yield* Database.migrate({ models: [V3], dryRun: true })).plan.operations).toEqual([])
      const v4 = (yield* Database.migrate({ models: [V4], dryRun: true })).plan
      expect(kinds(v4)).toEqual([dialect === "sqlite" ? "rebuildTable" : "alterColumn"])
      yield* Database.migrate({ models: [V4] })
      expect((yield* Database.migrate({ models: [V4], dryRun: true })).plan.operations).toEqual([])
      yield* V4.bulkCreate({ data: rows(60, 10) })
      yield* V4.delete({ id: "d00002" })
      if (dialect === "sqlite") {
        expect(yield* triggers).toEqual([`${vt}_ad`, `${vt}_ai`, `${vt}_au`])
        expect(yield* inVec0).toBe(yield* withVectors)
      }
      const hits = yield* V4.vectorSearch({ vector: vec(65), k: 2, distance: "l2" })
      expect(hits.records[0]!.record.id).toBe("d00065")
      // the rebuild's undo makes the triggers again too
      yield* Database.rollback({ steps: 1 })
      if (dialect === "sqlite") {
        expect(yield* triggers).toEqual([`${vt}_ad`, `${vt}_ai`, `${vt}_au`])
        yield* V3.create({ id: "d09999", cat: "z", embedding: vec(9999) })
        expect(yield* inVec0).toBe(yield* withVectors)
      }
      yield* Database.migrate({ models: [V4] })
    })
  )

  it.effect("dropping a vector index is destructive; autoMigrate (additive) never drops it", () =>
    Effect.gen(function* () {
      const { plan } = yield* Database.migrate({ models: [V5], dryRun: true })
      if (dialect === "mysql") return expect(plan.operations).toEqual([])
      expect(kinds(plan)).toEqual(["dropIndex!"])
      const additive = (yield* Database.migrate({ models: [V5], additiveOnly: true })).plan
      expect(additive.operations).toEqual([])
      const e = yield* Effect.flip(Database.migrate({ models: [V5] }))
      expect(e._tag).toBe("DestructiveChangeRefused")
      yield* Database.migrate({ models: [V5], allowDestructive: true })
      // its undo makes it again as it was (SQLite: filled from the rows), then it goes again
      yield* Database.rollback({ steps: 1 })
      expect((yield* Database.migrate({ models: [V4], dryRun: true })).plan.operations).toEqual([])
      if (dialect === "sqlite") expect(yield* inVec0).toBe(yield* withVectors)
      yield* Database.migrate({ models: [V5], allowDestructive: true })
      expect((yield* Database.migrate({ models: [V5], dryRun: true })).plan.operations).toEqual([])
      if (dialect === "sqlite") {
        expect(yield* triggers).toEqual([])
        expect(yield* count(`SELECT count(*) FROM sqlite_master WHERE name LIKE '${vt}%'`)).toBe(0)
      }
      yield* V5.create({ id: "after-drop", cat: "x", embedding: vec(1) })
      // autoMigrate (additive only) creates it again on a table this library created
      const auto = yield* Database.migrate({ models: [V6], additiveOnly: true })
      expect(kinds(auto.plan)).toEqual(["addIndex"])
      if (dialect === "sqlite") expect(yield* inVec0).toBe(yield* withVectors)
    })
  )
})

forEachDialect("vector_indexes_more", (it, dialect) => {
  it.effect("the search statement uses the index: EXPLAIN (PostgreSQL), EXPLAIN QUERY PLAN (SQLite)", () =>
    Effect.gen(function* () {
      if (dialect === "mysql") return
      yield* Database.migrate({ models: [V1] })
      yield* V1.bulkCreate({ data: rows(0, 2000) })
      const db = yield* sqlDatabase
      const field = V1.info.columnMap.get("embedding")!
      if (dialect === "postgres") {
        yield* raw(`ANALYZE ${table}`)
        const q = indexScan(db.hooks, db.hooks.vectors!, V1.info, {
          field,
          vector: vec(7),
          k: 5,
          distance: "cosine",
          expr: { _tag: "And", items: [] },
          includeDeleted: false,
          fields: V1.info.columns
        })
        const plan = (yield* db.query({ sql: `EXPLAIN ${q.sql}`, params: q.params })).map((r) => r["QUERY PLAN"])
        expect(plan.join("\n")).toContain(`Index Scan using vidocs_embedding_hnsw_idx`)
      } else {
        const knn = db.hooks.vectors!.knnTable!(`"${table}__vec_embedding"`, "?", "?", undefined)
        const blob = Buffer.from(new Float32Array(vec(7)).buffer)
        const plan = yield* db.query({ sql: `EXPLAIN QUERY PLAN ${knn}`, params: [blob, 5] })
        expect(plan.map((r) => String(r["detail"])).join("\n")).toMatch(/VIRTUAL TABLE INDEX/)
      }
      const hits = yield* V1.vectorSearch({ vector: vec(7), k: 1 })
      expect(hits.records[0]!.record.id).toBe("d00007")
    })
  )

  it.effect("SQLite refuses what vec0 cannot serve (innerProduct, a composite key) with SchemaMismatch", () =>
    Effect.gen(function* () {
      const Ip = DataFlow.model("ViIp", fields, {
        table: "viip",
        vectorIndexes: [{ field: "embedding", method: "ivfflat", distance: "innerProduct" }]
      })
      const Pair = DataFlow.model(
        "ViPair",
        { a: Schema.String, b: Schema.String, embedding: DataFlow.vector(2) },
        {
          table: "vipair",
          primaryKey: ["a", "b"],
          vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "l2" }]
        }
      )
      for (const model of [Ip, Pair]) {
        const r = yield* Effect.either(Database.migrate({ models: [model], dryRun: true }))
        if (dialect !== "sqlite") {
          expect(r._tag).toBe("Right")
          continue
        }
        expect(r._tag === "Left" && r.left._tag).toBe("SchemaMismatch")
        if (r._tag === "Left")
          expect(r.left.message).toMatch(model === Ip ? /viip_embedding_ivfflat_idx/ : /single key/)
      }
      if (dialect === "postgres") {
        const { plan } = yield* Database.migrate({ models: [Ip], dryRun: true })
        expect(plan.operations[1]!.up[0]).toContain('USING ivfflat ("embedding" vector_ip_ops) WITH (lists = 100)')
      }
    })
  )

  it.effect("a required vector column added to a table with rows: existing rows get the zero vector", () =>
    Effect.gen(function* () {
      const A = DataFlow.model("ViAdd", { id: Schema.String }, { table: "viadd" })
      const B = DataFlow.model("ViAdd", { id: Schema.String, v: DataFlow.vector(3) }, { table: "viadd" })
      yield* Database.migrate({ models: [A] })
      yield* A.bulkCreate({ data: [{ id: "a" }, { id: "b" }] })
      const { plan } = yield* Database.migrate({ models: [B], dryRun: true })
      expect(plan.operations[0]!.description).toContain("existing rows get the zero vector")
      if (dialect === "sqlite") expect(plan.operations[0]!.up[0]).toContain("DEFAULT X'000000000000000000000000'")
      yield* Database.migrate({ models: [B] })
      expect((yield* B.list()).records.map((r) => r.v)).toEqual([
        [0, 0, 0],
        [0, 0, 0]
      ])
      yield* B.create({ id: "c", v: [1, 2, 3] })
      expect((yield* B.read({ id: "c" })).v).toEqual([1, 2, 3])
    })
  )

  it.effect("discovery: a PostgreSQL vector(n) column is DataFlow.vector(n); SQLite's BLOB stays bytes", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      const found = (yield* db.discover()).find((m) => m.table === "viadd")!
      const v = found.columns.find((c) => c.name === "v")!
      if (dialect === "postgres") expect(v).toMatchObject({ kind: "vector", dimensions: 3 })
      else if (dialect === "sqlite") expect(v.kind).toBe("bytes")
      // vec0 tables and their shadow tables are not models
      expect((yield* db.discover()).map((m) => m.table).filter((t) => t.includes("__vec_"))).toEqual([])
    })
  )
  it.effect(
    "autoMigrate: a layer given the model makes its table and index at start; the next start plans nothing",
    () =>
      Effect.gen(function* () {
        const Auto = DataFlow.model(
          "ViAuto",
          { id: Schema.Int, body: Schema.String, e: DataFlow.vector(4) },
          { table: "viauto", vectorIndexes: [{ field: "e", method: "ivfflat", distance: "l2", lists: 10 }] }
        )
        const url = urlFor(dialect, "df_vector_indexes_more")
        const started = Effect.flatMap(sqlDatabase, (db) =>
          Effect.map(db.migrations, (entries) => entries.filter((e) => e.tables.includes("viauto")))
        )
        const first = yield* Effect.provide(started, Database.layer({ url, models: [Auto] }))
        expect(first).toHaveLength(1)
        expect(first[0]!.description).toEqual([
          expect.stringMatching(/^create table viauto/),
          ...(dialect === "mysql"
            ? []
            : [
                dialect === "postgres"
                  ? "add vector index viauto_e_ivfflat_idx on viauto (e: ivfflat, l2, lists = 10)"
                  : "add vector index viauto__vec_e on viauto (e: vec0, l2)"
              ])
        ])
        const again = yield* Effect.provide(
          Effect.zipRight(
            Auto.create({ body: "x", e: [1, 0, 0, 0] }),
            Database.migrate({ models: [Auto], dryRun: true })
          ),
          Database.layer({ url, models: [Auto] })
        )
        expect(again.plan.operations).toEqual([])
        expect(yield* started).toHaveLength(1)
      })
  )

  it.effect("prune drops a table with its vector index; rollback makes both again, filled", () =>
    Effect.gen(function* () {
      if (dialect === "mysql") return
      const objects = count(
        dialect === "sqlite"
          ? `SELECT count(*) FROM sqlite_master WHERE name LIKE '${table}\\_\\_vec%' ESCAPE '\\'`
          : `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = '${table}_embedding_hnsw_idx'`
      )
      expect(yield* objects).toBeGreaterThan(0)
      const pruned = yield* Database.migrate({ models: [], prune: true, allowDestructive: true })
      expect(pruned.plan.operations.map((o) => o.kind)).toContain("dropTable")
      expect(yield* objects).toBe(0)
      yield* Database.rollback({ steps: 1, allowDestructive: true })
      expect(yield* objects).toBeGreaterThan(0)
      expect((yield* Database.migrate({ models: [V1], dryRun: true })).plan.operations).toEqual([])
      if (dialect === "sqlite") {
        const n = yield* count(`SELECT count(*) FROM "${table}__vec_embedding"`)
        expect(n).toBe(yield* count(`SELECT count(*) FROM ${table} WHERE embedding IS NOT NULL`))
        expect(n).toBe(0)
        yield* V1.create({ id: "back", cat: "x", embedding: vec(1) })
        expect(yield* count(`SELECT count(*) FROM "${table}__vec_embedding"`)).toBe(1)
      }
    })
  )
})

// pgvector in a database of its own: made by the plan when the user may, refused with how to install it when not
describe.runIf(dialectNames.includes("postgres"))("postgres: the pgvector extension", () => {
  const base = new URL(process.env["DATAFLOW_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test")
  const ns = `${process.env["DATAFLOW_TEST_NS"] ?? ""}df_vecext`
  const role = `${ns}_user`
  const urlAs = (user: string | undefined, database: string) => {
    const u = new URL(base.href)
    if (user !== undefined) {
      u.username = user
      u.password = ""
    }
    u.pathname = `/${database}`
    return u.href
  }
  const admin = async (database: string, ...statements: ReadonlyArray<string>) => {
    const client = new pg.Client({ connectionString: urlAs(undefined, database) })
    await client.connect()
    try {
      for (const s of statements) await client.query(s)
    } finally {
      await client.end()
    }
  }
  const Emb = DataFlow.model("ViExt", { id: Schema.String, v: DataFlow.vector(3) }, { table: "viext" })
  const Emb2 = DataFlow.model("ViExt2", { id: Schema.String, v: DataFlow.vector(3) }, { table: "viext2" })
  const as = <A, E>(user: string | undefined, effect: Effect.Effect<A, E, Database.Database>) =>
    Effect.runPromise(
      Effect.either(Effect.provide(effect, Database.layer({ url: urlAs(user, ns), autoMigrate: false })))
    )

  beforeAll(async () => {
    await admin(base.pathname.slice(1), `DROP DATABASE IF EXISTS "${ns}" WITH (FORCE)`, `DROP ROLE IF EXISTS "${role}"`)
    await admin(base.pathname.slice(1), `CREATE DATABASE "${ns}"`, `CREATE ROLE "${role}" LOGIN`)
    await admin(ns, `GRANT CREATE ON SCHEMA public TO "${role}"`)
  })
  afterAll(async () => {
    await admin(base.pathname.slice(1), `DROP DATABASE IF EXISTS "${ns}" WITH (FORCE)`, `DROP ROLE IF EXISTS "${role}"`)
  })

  it("refused with SchemaMismatch saying how to install pgvector; created by the plan for a superuser; then fine for anyone", async () => {
    const refused = await as(role, Database.migrate({ models: [Emb] }))
    expect(refused._tag).toBe("Left")
    if (refused._tag === "Left") {
      expect(refused.left._tag).toBe("SchemaMismatch")
      expect(refused.left.message).toContain("CREATE EXTENSION vector")
      expect(refused.left.message).toContain("postgresql-15-pgvector")
    }
    const plan = await as(undefined, Database.migrate({ models: [Emb], dryRun: true }))
    expect(plan._tag === "Right" && plan.right.plan.operations.map((o) => [o.kind, o.up[0]])).toEqual([
      ["createExtension", "CREATE EXTENSION IF NOT EXISTS vector"],
      ["createTable", expect.stringContaining('"v" vector(3) NOT NULL')]
    ])
    expect((await as(undefined, Database.migrate({ models: [Emb] })))._tag).toBe("Right")
    await admin(ns, `GRANT ALL ON ALL TABLES IN SCHEMA public TO "${role}"`)
    // present now: a user who may not create extensions migrates vector tables, and nothing repeats
    const again = await as(role, Database.migrate({ models: [Emb, Emb2] }))
    expect(again._tag === "Right" && again.right.plan.operations.map((o) => o.kind)).toEqual(["createTable"])
    const ok = await as(role, Effect.zipRight(Emb2.create({ id: "a", v: [1, 2, 3] }), Emb2.read({ id: "a" })))
    expect(ok._tag === "Right" && ok.right.v).toEqual([1, 2, 3])
  })
})

// sqlite-vec is an optional peer: without it, a plan that makes a vec0 table is refused before anything runs
describe("sqlite: vector indexes without the sqlite-vec extension", () => {
  it("the plan's vector support answers missing, saying to install sqlite-vec", async () => {
    const db = {
      dialect: "sqlite",
      hooks: sqliteDialect,
      query: () =>
        Effect.fail(new Errors.DatabaseError({ dialect: "sqlite", reason: "no such function: vec_version" })),
      write: () => Effect.die("no writes")
    } as unknown as MigrationDb
    const support = await Effect.runPromise(migrationBackendOf(sqliteDialect).vectorSupport(db, "index"))
    expect(support).toMatchObject({ kind: "missing", reason: expect.stringContaining("npm install sqlite-vec") })
    const ops = await Effect.runPromise(
      Effect.either(
        withVectorSupport(
          db,
          migrationBackendOf(sqliteDialect),
          [V1.info],
          [],
          [
            {
              kind: "addIndex",
              table,
              description: "",
              up: [],
              down: [],
              destructive: false,
              additive: true,
              vectorIndex: true
            }
          ]
        )
      )
    )
    expect(ops._tag === "Left" && ops.left._tag).toBe("SchemaMismatch")
  })
})
