/**
 * Migrations on the three databases: plans and their SQL, the ledger, refusals, rollback, the
 * SQLite rebuild with data, MySQL's dirty entry naming the failed step, autoMigrate of a new field.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import * as Migrations from "../../src/migrations/Migrations.js"
import Sqlite from "better-sqlite3"
import mysql from "mysql2/promise"
import pg from "pg"
import { forEachDialect, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const V1 = DataFlow.model(
  "Person",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String
  },
  { table: "people", unique: [["email"]] }
)

const V2 = DataFlow.model(
  "Person",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    nickname: Schema.optional(Schema.String),
    score: Schema.Int
  },
  { table: "people", unique: [["email"]], indexes: [["score"]] }
)

const ledger = Effect.flatMap(Database.Database, (db) => db.migrations)
const sqlOf = (plan: Migrations.Plan) => plan.operations.map((o) => ({ kind: o.kind, up: o.up, down: o.down }))

forEachDialect("migrations", (it, dialect) => {
  const q = (s: string) => (dialect === "mysql" ? `\`${s}\`` : `"${s}"`)

  it.effect("dryRun returns the plan (create table) and touches nothing: no table, no ledger", () =>
    Effect.gen(function* () {
      const result = yield* Database.migrate({ models: [V1], dryRun: true })
      expect(result.applied).toBe(false)
      expect(result.plan.operations.map((o) => o.kind)).toEqual(["createTable"])
      expect(result.plan.operations[0]!.down).toEqual([`DROP TABLE ${q("people")}`])
      expect(result.plan.operations[0]!.up[0]).toMatch(/^CREATE TABLE IF NOT EXISTS/)
      expect(yield* ledger).toEqual([])
      const db = yield* sqlDatabase
      expect((yield* db.discover()).map((m) => m.table)).not.toContain("people")
    })
  )

  it.effect("applies a plan once, records it in the ledger, and a second run finds nothing to do", () =>
    Effect.gen(function* () {
      const first = yield* Database.migrate({ models: [V1] })
      expect(first.applied).toBe(true)
      yield* V1.create({ id: "p1", name: "Ann", email: "ann@x.io" })
      yield* V1.create({ id: "p2", name: "Bo", email: "bo@x.io" })
      const again = yield* Database.migrate({ models: [V1] })
      expect(again).toMatchObject({ applied: false })
      expect(again.plan.operations).toEqual([])
      const entries = yield* ledger
      const entry = entries.find((e) => e.id === first.id)!
      expect(entry).toMatchObject({ success: true, failedStep: null, checksum: first.plan.checksum })
      expect(entry.up).toEqual(first.plan.operations.flatMap((o) => o.up))
      expect(entry.down).toEqual([`DROP TABLE ${q("people")}`])
      expect(entry.finishedAt).not.toBeNull()
    })
  )

  it.effect(
    "add column (nullable, and required with a default for existing rows) and an index: exact SQL, rows kept",
    () =>
      Effect.gen(function* () {
        const { plan } = yield* Database.migrate({ models: [V2], dryRun: true })
        const int = dialect === "postgres" ? "INTEGER" : dialect === "mysql" ? "INT" : "INTEGER"
        const text = dialect === "postgres" ? `TEXT COLLATE "C"` : dialect === "mysql" ? "LONGTEXT" : "TEXT"
        const dropIndex =
          dialect === "mysql" ? "DROP INDEX `people_score_idx` ON `people`" : `DROP INDEX "people_score_idx"`
        expect(sqlOf(plan)).toEqual([
          {
            kind: "addColumn",
            up: [`ALTER TABLE ${q("people")} ADD COLUMN ${q("nickname")} ${text}`],
            down: [`ALTER TABLE ${q("people")} DROP COLUMN ${q("nickname")}`]
          },
          {
            kind: "addColumn",
            up: [`ALTER TABLE ${q("people")} ADD COLUMN ${q("score")} ${int} DEFAULT 0 NOT NULL`],
            down: [`ALTER TABLE ${q("people")} DROP COLUMN ${q("score")}`]
          },
          {
            kind: "addIndex",
            up: [`CREATE INDEX ${q("people_score_idx")} ON ${q("people")} (${q("score")})`],
            down: [dropIndex]
          }
        ])
        yield* Database.migrate({ models: [V2] })
        const rows = (yield* V2.list({ orderBy: ["id"] })).records
        expect(rows.map((r) => [r.id, r.name, r.nickname, r.score])).toEqual([
          ["p1", "Ann", undefined, 0],
          ["p2", "Bo", undefined, 0]
        ])
        yield* V2.create({ id: "p3", name: "Cy", email: "cy@x.io", nickname: "c", score: 5 })
        expect((yield* V2.read({ id: "p3" })).score).toBe(5)
      })
  )

  it.effect(
    "rollback(1) applies the down SQL of the newest entry and removes it; dropping needs allowDestructive",
    () =>
      Effect.gen(function* () {
        const before = yield* ledger
        const refused = yield* Effect.flip(Database.rollback({ steps: 1 }))
        expect(refused._tag).toBe("DestructiveChangeRefused")
        expect(refused.message).toContain("add column people.nickname")
        const result = yield* Database.rollback({ steps: 1, allowDestructive: true })
        expect(result.entries.map((e) => e.id)).toEqual([before[before.length - 1]!.id])
        expect((yield* ledger).map((e) => e.id)).toEqual(before.slice(0, -1).map((e) => e.id))
        const db = yield* sqlDatabase
        const people = (yield* db.discover()).find((m) => m.table === "people")!
        expect(people.columns.map((c) => c.name)).not.toContain("score")
        expect(people.indexes).toEqual([])
        expect(yield* V1.count()).toBe(3)
        // and forward again
        yield* Database.migrate({ models: [V2] })
        expect((yield* V2.read({ id: "p1" })).score).toBe(0)
      })
  )

  it.effect(
    "destructive changes are refused naming each one; with allowDestructive they apply and keep every row",
    () =>
      Effect.gen(function* () {
        const Narrow = DataFlow.model(
          "Person",
          {
            id: Schema.String,
            name: Schema.optional(Schema.String), // drop not null: safe
            email: Schema.String,
            score: Schema.optional(Schema.BigIntFromSelf) // widening: safe
          },
          { table: "people", indexes: [["score"]] }
        ) // nickname dropped; unique on email dropped
        const refused = yield* Effect.flip(Database.migrate({ models: [Narrow] }))
        expect(refused._tag).toBe("DestructiveChangeRefused")
        // dropping a unique key is destructive too (the database stops enforcing it)
        const first = (refused as { changes: ReadonlyArray<string> }).changes
        expect(first).toContain("drop column people.nickname")
        expect(first.some((c) => /^drop unique key \S+ on people \(email\)$/.test(c))).toBe(true)
        const { plan } = yield* Database.migrate({ models: [Narrow], dryRun: true })
        expect(plan.operations.some((o) => o.kind === (dialect === "sqlite" ? "rebuildTable" : "dropColumn"))).toBe(
          true
        )
        yield* Database.migrate({ models: [Narrow], allowDestructive: true })
        const rows = (yield* Narrow.list({ orderBy: ["id"] })).records
        expect(rows.map((r) => [r.id, r.name, r.email, r.score])).toEqual([
          ["p1", "Ann", "ann@x.io", 0n],
          ["p2", "Bo", "bo@x.io", 0n],
          ["p3", "Cy", "cy@x.io", 0n] // the rollback above dropped its score; re-adding gave the default
        ])
        // nullable now, and no longer unique
        yield* Narrow.create({ id: "p4", email: "ann@x.io" })
        const Back = DataFlow.model(
          "Person",
          { id: Schema.String, email: Schema.String, score: Schema.optional(Schema.Int) },
          {
            table: "people"
          }
        )
        const narrowing = yield* Effect.flip(Database.migrate({ models: [Back] }))
        expect(narrowing._tag).toBe("DestructiveChangeRefused")
        const changes = (narrowing as { changes: ReadonlyArray<string> }).changes
        expect(changes).toContain("drop column people.name")
        expect(changes.some((c) => /people\.score: type bigint -> (integer|int) \(narrowing\)/.test(c))).toBe(true)
      })
  )

  it.effect("SQLite rebuild / ALTER with data: 300 rows survive a type and nullability change byte for byte", () =>
    Effect.gen(function* () {
      const A = DataFlow.model(
        "Doc",
        { id: Schema.String, title: Schema.String, n: Schema.Int, blob: Schema.optional(Schema.Uint8ArrayFromSelf) },
        { table: "docs" }
      )
      const B = DataFlow.model(
        "Doc",
        {
          id: Schema.String,
          title: Schema.optional(Schema.String),
          n: Schema.BigIntFromSelf,
          blob: Schema.optional(Schema.Uint8ArrayFromSelf)
        },
        { table: "docs" }
      )
      yield* Database.migrate({ models: [A] })
      const data = Array.from({ length: 300 }, (_, i) => ({
        id: `d${String(i).padStart(3, "0")}`,
        title: `t'${i}"`,
        n: i * 7,
        blob: new Uint8Array([i % 256, 0, 255])
      }))
      yield* A.bulkCreate({ data })
      const before = (yield* A.list({ orderBy: ["id"], limit: 1000 })).records
      const { plan } = yield* Database.migrate({ models: [B], dryRun: true })
      if (dialect === "sqlite") {
        expect(plan.operations.map((o) => o.kind)).toEqual(["rebuildTable"])
        expect(plan.operations[0]!.up[0]).toMatch(/^CREATE TABLE "_df_rebuild_docs"/)
      } else {
        expect(plan.operations.map((o) => o.kind)).toEqual(["alterColumn", "alterColumn"])
      }
      yield* Database.migrate({ models: [B] })
      // the same layer: its statements were prepared before the type changed (PostgreSQL answers
      // 0A000 "cached plan must not change result type"); the driver re-prepares under a new name
      const after = (yield* B.list({ orderBy: ["id"], limit: 1000 })).records
      expect(after.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(before)
    })
  )

  it.effect("add and drop a unique key and an index: exact SQL", () =>
    Effect.gen(function* () {
      const K1 = DataFlow.model(
        "Key",
        { id: Schema.String, a: Schema.String, b: Schema.String },
        { table: "keyed", unique: [["a"]] }
      )
      const K2 = DataFlow.model(
        "Key",
        { id: Schema.String, a: Schema.String, b: Schema.String },
        { table: "keyed", unique: [["b"]], indexes: [["a"]] }
      )
      yield* Database.migrate({ models: [K1] })
      const { plan } = yield* Database.migrate({ models: [K2], dryRun: true })
      const expected = {
        postgres: [
          [`ALTER TABLE "keyed" DROP CONSTRAINT "keyed_a_key"`],
          [`ALTER TABLE "keyed" ADD CONSTRAINT "keyed_b_key" UNIQUE ("b")`],
          [`CREATE INDEX "keyed_a_idx" ON "keyed" ("a")`]
        ],
        mysql: [
          ["ALTER TABLE `keyed` DROP INDEX `keyed_a_key`"],
          // a keyed string is VARCHAR(255) on MySQL, an unkeyed one LONGTEXT: keying b narrows it
          ["ALTER TABLE `keyed` MODIFY COLUMN `b` VARCHAR(255) NOT NULL"],
          ["ALTER TABLE `keyed` ADD CONSTRAINT `keyed_b_key` UNIQUE (`b`)"],
          ["CREATE INDEX `keyed_a_idx` ON `keyed` (`a`)"]
        ]
      }
      if (dialect === "sqlite") {
        // the UNIQUE table constraint can only go by rebuilding the table
        expect(plan.operations.map((o) => o.kind)).toEqual(["rebuildTable"])
        expect(plan.operations[0]!.description).toMatch(/drop unique key sqlite_autoindex_keyed_\d on keyed \(a\)/)
      } else {
        expect(plan.operations.map((o) => o.up)).toEqual(expected[dialect])
      }
      if (dialect === "mysql") {
        const refused = yield* Effect.flip(Database.migrate({ models: [K2] }))
        expect((refused as { changes: ReadonlyArray<string> }).changes).toEqual([
          "drop unique key keyed_a_key on keyed (a)",
          "alter column keyed.b: type longtext -> varchar(255) (narrowing)"
        ])
      }
      // dropping the unique key on a is destructive on every database
      expect((yield* Effect.flip(Database.migrate({ models: [K2] })))._tag).toBe("DestructiveChangeRefused")
      yield* Database.migrate({ models: [K2], allowDestructive: true })
      const db = yield* sqlDatabase
      const keyed = (yield* db.discover()).find((m) => m.table === "keyed")!
      expect(keyed.unique).toEqual([["b"]])
      expect(keyed.indexes).toEqual([["a"]])
    })
  )

  it.effect("an edited ledger entry fails ChecksumMismatch; an unfinished one fails DirtyMigration", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      const entries = yield* ledger
      const last = entries[entries.length - 1]!
      const t = q("dataflow_migrations")
      const p = (i: number) => (dialect === "postgres" ? `$${i}` : "?")
      yield* db.sql.unsafe(`UPDATE ${t} SET down_sql = ${p(1)} WHERE id = ${p(2)}`, [
        JSON.stringify(["DROP TABLE everything"]),
        last.id
      ])
      const mismatch = yield* Effect.flip(Database.migrate({ models: [V1] }))
      expect(mismatch).toMatchObject({ _tag: "ChecksumMismatch", id: last.id })
      const rb = yield* Effect.flip(Database.rollback({ steps: 1, allowDestructive: true }))
      expect(rb._tag).toBe("ChecksumMismatch")
      yield* db.sql.unsafe(`UPDATE ${t} SET down_sql = ${p(1)} WHERE id = ${p(2)}`, [
        JSON.stringify(last.down),
        last.id
      ])
      yield* db.sql.unsafe(
        `UPDATE ${t} SET finished_at = NULL, success = 0, failed_step = 'step 1 of 1 (x)' WHERE id = ${p(1)}`,
        [last.id]
      )
      // the dirty entry touched keyed: it blocks a plan for keyed, not one for people
      const Keyed = DataFlow.model(
        "Key",
        { id: Schema.String, a: Schema.String, b: Schema.String },
        { table: "keyed", unique: [["b"]], indexes: [["a"]] }
      )
      expect(last.tables).toEqual(["keyed"])
      const dirty = yield* Effect.flip(Database.migrate({ models: [Keyed] }))
      expect(dirty).toMatchObject({ _tag: "DirtyMigration", id: last.id, step: "step 1 of 1 (x)" })
      expect((yield* Effect.flip(Database.migrate({ models: [V1] })))._tag).not.toBe("DirtyMigration")
      yield* db.sql.unsafe(
        `UPDATE ${t} SET finished_at = started_at, success = 1, failed_step = NULL WHERE id = ${p(1)}`,
        [last.id]
      )
    })
  )

  it.effect(
    "duplicates before a new unique key: refused with a count before any DDL, on every database (MySQL no longer goes dirty)",
    () =>
      Effect.gen(function* () {
        const Email = Schema.String.pipe(Schema.maxLength(100))
        const D1 = DataFlow.model("Dup", { id: Schema.String, email: Email }, { table: "dups" })
        const D2 = DataFlow.model(
          "Dup",
          { id: Schema.String, email: Email, extra: Schema.optional(Schema.Int) },
          { table: "dups", unique: [["email"]] }
        )
        yield* Database.migrate({ models: [D1] })
        yield* D1.create({ id: "1", email: "same" })
        yield* D1.create({ id: "2", email: "same" })
        const before = (yield* ledger).length
        const error = yield* Effect.flip(Database.migrate({ models: [D2] }))
        expect(error).toMatchObject({
          _tag: "MigrationPrecheckFailed",
          problems: ["2 rows of dups share their (email) with another row"]
        })
        const db = yield* sqlDatabase
        const dups = (yield* db.discover()).find((m) => m.table === "dups")!
        expect(dups.columns.map((c) => c.name)).not.toContain("extra")
        const entries = yield* ledger
        expect(entries.length).toBe(before)
        expect(entries.every((e) => e.success)).toBe(true)
        // resolve refuses an entry that is not dirty
        const clean = yield* Effect.flip(Migrations.resolve(db, entries[0]!.id))
        expect(clean._tag).toBe("ValidationError")
        expect((yield* Database.migrate({ models: [D1] })).applied).toBe(false)
      })
  )

  it.effect("prune drops tables no model describes, only with allowDestructive", () =>
    Effect.gen(function* () {
      const Stray = DataFlow.model("Stray", { id: Schema.String }, { table: "strays" })
      yield* Database.migrate({ models: [Stray] })
      const all = [V2, DataFlow.model("Doc", { id: Schema.String }, { table: "docs" })]
      const refused = yield* Effect.flip(Database.migrate({ models: [Stray], prune: true }))
      expect(refused._tag).toBe("DestructiveChangeRefused")
      expect((refused as { changes: ReadonlyArray<string> }).changes).toContain("drop table people")
      const keep = yield* Database.migrate({ models: [V1, ...all, Stray], prune: true, dryRun: true })
      expect(
        keep.plan.operations
          .filter((o) => o.kind === "dropTable")
          .map((o) => o.table)
          .sort()
      ).toEqual(["dups", "keyed"])
    })
  )

  it.effect(
    "autoMigrate: a field added to a model whose table exists is added on next use; old rows read it absent / default",
    () =>
      Effect.gen(function* () {
        const url = urlFor(dialect, "df_migrations")
        const Old = DataFlow.model("Pet", { id: Schema.String, name: Schema.String }, { table: "pets" })
        const New = DataFlow.model(
          "Pet",
          { id: Schema.String, name: Schema.String, age: Schema.optional(Schema.Int), legs: Schema.Int },
          { table: "pets" }
        )
        yield* Old.create({ id: "rex", name: "Rex" }).pipe(Effect.provide(Database.layer({ url })))
        const before = (yield* ledger).length
        const rows = yield* Effect.gen(function* () {
          const rex = yield* New.read({ id: "rex" })
          yield* New.create({ id: "tom", name: "Tom", age: 3, legs: 4 })
          return [rex, yield* New.read({ id: "tom" })]
        }).pipe(Effect.provide(Database.layer({ url })))
        expect(rows.map((r) => [r.id, r.age, r.legs])).toEqual([
          ["rex", undefined, 0],
          ["tom", 3, 4]
        ])
        const entries = yield* ledger
        expect(entries.length).toBe(before + 1)
        expect(entries[entries.length - 1]!.description).toEqual([
          "add column pets.age (" +
            (dialect === "postgres" ? "INTEGER" : dialect === "mysql" ? "INT" : "INTEGER") +
            ", nullable)",
          "add column pets.legs (" + (dialect === "mysql" ? "INT" : "INTEGER") + ", not null, existing rows get 0)"
        ])
      })
  )

  it.effect(
    "the lock held by another connection past the bounded wait: MigrationLockTimeout (and the migration ran nothing)",
    () =>
      Effect.gen(function* () {
        const url = urlFor(dialect, "df_migrations")
        const Late = DataFlow.model("Late", { id: Schema.String }, { table: "lates" })
        const hold = <A>(body: Effect.Effect<A, unknown>) =>
          Effect.acquireUseRelease(
            Effect.promise(async () => {
              if (dialect === "postgres") {
                const c = new pg.Client({ connectionString: url })
                await c.connect()
                await c.query("BEGIN")
                await c.query(
                  "SELECT pg_advisory_xact_lock(hashtextextended('dataflow_migrations:' || current_database() || '.' || current_schema(), 0))"
                )
                return async () => {
                  await c.query("ROLLBACK")
                  await c.end()
                }
              }
              if (dialect === "mysql") {
                const c = await mysql.createConnection({ uri: url })
                await c.query("SELECT GET_LOCK(CONCAT('dataflow_migrations:', LEFT(DATABASE(), 40)), 0)")
                return async () => void (await c.end())
              }
              const c = new Sqlite(url.slice("sqlite:".length))
              c.exec("BEGIN IMMEDIATE")
              return async () => {
                c.exec("ROLLBACK")
                c.close()
              }
            }),
            () => body,
            (release) => Effect.promise(release)
          )
        const error = yield* hold(
          Effect.flip(
            Database.migrate({ models: [Late], lockTimeout: "300 millis" }).pipe(
              // SQLite waits for its write lock up to the layer's busy timeout (connectTimeout)
              Effect.provide(Database.layer({ url, autoMigrate: false, connectTimeout: "300 millis" }))
            )
          )
        )
        expect(error).toMatchObject({ _tag: "MigrationLockTimeout", dialect })
        const db = yield* sqlDatabase
        expect((yield* db.discover()).map((m) => m.table)).not.toContain("lates")
      })
  )

  it.effect(
    "migrate called inside a transaction runs outside it (SQLite: inside, as a savepoint) and the caller's work is unaffected",
    () =>
      Effect.gen(function* () {
        const Inner = DataFlow.model("Inner", { id: Schema.String }, { table: "inners" })
        const Outer = DataFlow.model("Outer", { id: Schema.String, name: Schema.String }, { table: "outers" })
        yield* Database.migrate({ models: [Outer] })
        const result = yield* Database.transaction(
          Effect.gen(function* () {
            yield* Outer.create({ id: "tx1", name: "Tx" })
            return yield* Database.migrate({ models: [Inner] })
          })
        )
        expect(result.applied).toBe(true)
        expect((yield* Outer.read({ id: "tx1" })).name).toBe("Tx")
        yield* Inner.create({ id: "i1" })
        expect(yield* Inner.count()).toBe(1)
      })
  )

  it.effect("a pool of one connection migrates (the lock's connection runs the statements) without deadlock", () =>
    Effect.gen(function* () {
      const Solo = DataFlow.model("Solo", { id: Schema.String, n: Schema.optional(Schema.Int) }, { table: "solos" })
      const result = yield* Effect.gen(function* () {
        const r = yield* Database.migrate({ models: [Solo] })
        yield* Solo.create({ id: "s", n: 1 })
        return r
      }).pipe(
        Effect.provide(Database.layer({ url: urlFor(dialect, "df_migrations"), poolSize: 1, autoMigrate: false })),
        Effect.timeout("20 seconds")
      )
      expect(result.applied).toBe(true)
    })
  )
})
