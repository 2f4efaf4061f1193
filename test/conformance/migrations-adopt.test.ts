/**
 * autoMigrate over tables it did not create: each refusal fails with its own tag (SchemaMismatch)
 * naming model, field and column, and leaves the live table exactly as it was (columns read back
 * through the catalog, rows counted, no ledger entry). A table the library created still gets
 * additions on its own; an older ledger without `affected_tables` is read from its descriptions.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { type DialectName, forEachDialect, urlFor } from "../support/Dialects.js"
import { rawSql as raw, sqlDatabase } from "../support/SqlDatabase.js"

/** Column names and types of a table, through introspection. */
const columns = (table: string) =>
  Effect.flatMap(sqlDatabase, (db) =>
    Effect.map(
      db.discover(),
      (ms) => ms.find((m) => m.table === table)?.columns.map((c) => `${c.name}:${c.type}`) ?? []
    )
  )

const tableNames = Effect.flatMap(sqlDatabase, (db) => Effect.map(db.discover(), (ms) => ms.map((m) => m.table).sort()))

const count = (table: string) =>
  Effect.flatMap(sqlDatabase, (db) =>
    Effect.map(raw(`SELECT COUNT(*) AS n FROM ${db.hooks.quote(table)}`), (r) => Number(Object.values(r[0]!)[0]))
  )

const ledger = Effect.flatMap(sqlDatabase, (db) => db.migrations)

/** Runs `fail` (a first use) and checks it failed SchemaMismatch with `expected`, changing nothing. */
const refusedUnchanged = <A, E>(
  table: string,
  fail: Effect.Effect<A, E, Database.Database>,
  expected: Record<string, unknown>
) =>
  Effect.gen(function* () {
    const before = { columns: yield* columns(table), rows: yield* count(table), tables: yield* tableNames }
    const entries = (yield* ledger).length
    const error = yield* Effect.flip(fail)
    expect(error).toMatchObject({ _tag: "SchemaMismatch", ...expected })
    expect({ columns: yield* columns(table), rows: yield* count(table), tables: yield* tableNames }).toEqual(before)
    const after = yield* ledger
    expect(after.length).toBe(entries)
    expect(after.every((e) => e.success)).toBe(true)
    return error as unknown as { readonly reason: string; readonly message: string }
  })

const legacy: Record<DialectName, Record<string, string>> = {
  postgres: {
    genre: "CREATE TABLE genre (genre_id INT NOT NULL PRIMARY KEY, name VARCHAR(120))",
    track: `CREATE TABLE "Track" (id INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL)`,
    invoice:
      "CREATE TABLE invoice (id INT NOT NULL PRIMARY KEY, total NUMERIC(10,2) NOT NULL, issued TIMESTAMP(0) WITH TIME ZONE NOT NULL)"
  },
  mysql: {
    genre: "CREATE TABLE genre (genre_id INT NOT NULL PRIMARY KEY, name VARCHAR(120))",
    track: "CREATE TABLE `Track` (id INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL)",
    invoice:
      "CREATE TABLE invoice (id INT NOT NULL PRIMARY KEY, total DECIMAL(10,2) NOT NULL, issued DATETIME NOT NULL)"
  },
  sqlite: {
    genre: "CREATE TABLE genre (genre_id INTEGER NOT NULL PRIMARY KEY, name NVARCHAR(120))",
    track: `CREATE TABLE "Track" (id INTEGER NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL)`,
    invoice:
      "CREATE TABLE invoice (id INTEGER NOT NULL PRIMARY KEY, total NUMERIC(10,2) NOT NULL, issued DATETIME NOT NULL)"
  }
}

const GenreId = Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("genre_id"))

forEachDialect("migr_adopt", (it, dialect) => {
  it.effect("a key the table does not have: refused (map it with Schema.fromKey), no id column added", () =>
    Effect.gen(function* () {
      yield* raw(legacy[dialect].genre)
      yield* raw("INSERT INTO genre (genre_id, name) VALUES (1, 'Rock'), (2, NULL)")
      const Genre = DataFlow.model(
        "Genre",
        { id: Schema.Int, name: Schema.optional(Schema.NullOr(Schema.String)) },
        {
          table: "genre",
          timestamps: false
        }
      )
      const e = yield* refusedUnchanged("genre", Genre.list(), {
        model: "Genre",
        table: "genre",
        field: "id",
        column: "id"
      })
      expect(e.reason).toContain(`map the key with Schema.fromKey("genre_id")`)
      // an explicit migrate refuses it too: adding a key column is never planned
      expect((yield* Effect.flip(Database.migrate({ models: [Genre], dryRun: true })))._tag).toBe("SchemaMismatch")
    })
  )

  it.effect(
    "an id column that is not the table's key (what an older autoMigrate added): refused; read, count and update touch no row",
    () =>
      Effect.gen(function* () {
        yield* raw(
          "CREATE TABLE legacy_genre (genre_id INT NOT NULL PRIMARY KEY, name VARCHAR(120), id INT NOT NULL DEFAULT 0)"
        )
        yield* raw("INSERT INTO legacy_genre (genre_id, name) VALUES (1, 'Rock'), (2, 'Jazz'), (3, 'Metal')")
        const Genre = DataFlow.model(
          "Genre",
          { id: Schema.Int, name: Schema.NullOr(Schema.String) },
          { table: "legacy_genre", timestamps: false }
        )
        const e = yield* refusedUnchanged("legacy_genre", Genre.update({ filter: { id: 0 }, fields: { name: "X" } }), {
          model: "Genre",
          table: "legacy_genre",
          field: "id",
          column: "id"
        })
        expect(e.reason).toContain(`is not the table's primary key (genre_id)`)
        expect(e.reason).toContain(`map the key with Schema.fromKey("genre_id")`)
        expect((yield* Effect.flip(Genre.read({ id: 0 })))._tag).toBe("SchemaMismatch")
        expect((yield* Effect.flip(Genre.count({ filter: { id: 0 } })))._tag).toBe("SchemaMismatch")
        expect((yield* Effect.flip(Database.migrate({ models: [Genre], dryRun: true })))._tag).toBe("SchemaMismatch")
        expect(yield* raw("SELECT name FROM legacy_genre ORDER BY genre_id")).toEqual([
          { name: "Rock" },
          { name: "Jazz" },
          { name: "Metal" }
        ])
        // a unique key over NOT NULL columns is a key too: one id, one row
        yield* raw("CREATE TABLE legacy_code (n INT NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE)")
        yield* raw("INSERT INTO legacy_code (n, code) VALUES (1, 'a'), (2, 'b')")
        const Code = DataFlow.model(
          "Code",
          { id: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("code")) },
          { table: "legacy_code", timestamps: false }
        )
        expect(yield* Code.read({ id: "b" })).toStrictEqual({ id: "b" })
      })
  )

  it.effect(
    "managed timestamps and a field the table lacks: refused naming the field and column; no values in the message",
    () =>
      Effect.gen(function* () {
        const Stamped = DataFlow.model(
          "Genre",
          { id: GenreId, name: Schema.optional(Schema.NullOr(Schema.String)) },
          { table: "genre" }
        )
        const e = yield* refusedUnchanged("genre", Stamped.count(), { field: "created_at", column: "created_at" })
        expect(e.reason).toContain("timestamps: false")
        const Extra = DataFlow.model(
          "Genre",
          {
            id: GenreId,
            name: Schema.optional(Schema.NullOr(Schema.String)),
            slug: Schema.String
          },
          { table: "genre", timestamps: false }
        )
        const x = yield* refusedUnchanged("genre", Extra.read({ id: 1 }), { field: "slug", column: "slug" })
        expect(x.reason).toContain("dataflow migrate plan")
        expect(x.message).not.toContain("Rock")
      })
  )

  it.effect("a model that matches a table it did not create reads it; extra indexes are left for migrate plan", () =>
    Effect.gen(function* () {
      const Genre = DataFlow.model(
        "Genre",
        { id: GenreId, name: Schema.optional(Schema.NullOr(Schema.String)) },
        {
          table: "genre",
          timestamps: false,
          autoIncrement: false,
          indexes: [["name"]]
        }
      )
      const before = yield* columns("genre")
      expect((yield* Genre.list({ orderBy: ["id"] })).records.map((r) => r.id)).toEqual([1, 2])
      expect(yield* columns("genre")).toEqual(before)
      const db = yield* sqlDatabase
      expect((yield* db.discover()).find((m) => m.table === "genre")!.indexes).toEqual([])
      expect((yield* ledger).some((e) => e.tables.includes("genre"))).toBe(false)
    })
  )

  it.effect("a second table beside the one the model obviously means: refused (set table), no `tracks` created", () =>
    Effect.gen(function* () {
      yield* raw(legacy[dialect].track)
      const Track = DataFlow.model("Track", { id: Schema.Int, name: Schema.String }, { timestamps: false })
      expect(Track.table).toBe("tracks")
      const e = yield* refusedUnchanged("Track", Track.list(), { model: "Track", table: "tracks" })
      expect(e.reason).toContain(`set table: "Track"`)
      expect(yield* tableNames).not.toContain("tracks")
    })
  )

  it.effect(
    "a decimal column with fewer places, a timestamp with fewer fractional digits: refused where the database keeps them",
    () =>
      Effect.gen(function* () {
        yield* raw(legacy[dialect].invoice)
        const Loose = DataFlow.model(
          "Invoice",
          { id: Schema.Int, total: Schema.BigDecimal, issued: Schema.DateFromSelf },
          {
            table: "invoice",
            timestamps: false,
            autoIncrement: false
          }
        )
        if (dialect === "sqlite") {
          // SQLite keeps decimals and dates as given: nothing to refuse
          expect(yield* Loose.count()).toBe(0)
          return
        }
        const e = yield* refusedUnchanged("invoice", Loose.count(), { field: "total", column: "total" })
        expect(e.reason).toContain("DataFlow.decimal(10, 2)")
        // DataFlow.decimal(10, 2) fits; the timestamp keeps whole seconds (MariaDB DATETIME, PostgreSQL TIMESTAMP(0))
        const Dated = DataFlow.model(
          "Invoice",
          { id: Schema.Int, total: DataFlow.decimal(10, 2), issued: Schema.DateFromSelf },
          {
            table: "invoice",
            timestamps: false,
            autoIncrement: false
          }
        )
        const d = yield* refusedUnchanged("invoice", Dated.count(), { field: "issued", column: "issued" })
        expect(d.reason).toContain("DataFlow.dateTime({ precision: 0 })")
        const Exact = DataFlow.model(
          "Invoice",
          {
            id: Schema.Int,
            total: DataFlow.decimal(8, 2), // narrower than the column: fine
            issued: DataFlow.dateTime({ precision: 0 })
          },
          { table: "invoice", timestamps: false, autoIncrement: false }
        )
        expect(yield* Exact.count()).toBe(0)
      })
  )

  it.effect(
    "MySQL/MariaDB: a case-insensitive collation is a note in migrate plan with the ALTER that makes it binary, not a refusal",
    () =>
      Effect.gen(function* () {
        if (dialect !== "mysql") return
        yield* raw(
          "CREATE TABLE tag (id INT NOT NULL PRIMARY KEY, label VARCHAR(50) COLLATE utf8mb4_general_ci NOT NULL)"
        )
        const Tag = DataFlow.model(
          "Tag",
          { id: Schema.Int, label: Schema.String.pipe(Schema.maxLength(50)) },
          {
            table: "tag",
            timestamps: false,
            autoIncrement: false
          }
        )
        expect(yield* Tag.count()).toBe(0)
        const { plan } = yield* Database.migrate({ models: [Tag], dryRun: true })
        expect(plan.notes).toEqual([
          "tag.label has collation utf8mb4_general_ci, which compares case- or accent-insensitively; to make it binary: " +
            "ALTER TABLE `tag` MODIFY COLUMN `label` varchar(50) NOT NULL COLLATE utf8mb4_nopad_bin"
        ])
      })
  )

  it.effect(
    "a table the library created still gets additions on its own; an older ledger row is read from its descriptions",
    () =>
      Effect.gen(function* () {
        const V1 = DataFlow.model("Album", { id: Schema.String, title: Schema.String })
        yield* V1.create({ id: "a1", title: "One" })
        const created = (yield* ledger).find((e) => e.createdTables.includes("albums"))!
        expect(created.tables).toEqual(["albums"])
        // as a ledger written before affected_tables existed
        const db = yield* sqlDatabase
        const p = dialect === "postgres" ? "$1" : "?"
        yield* db.sql.unsafe(`UPDATE dataflow_migrations SET affected_tables = NULL WHERE id = ${p}`, [created.id])
        expect((yield* ledger).find((e) => e.id === created.id)!.createdTables).toEqual(["albums"])
        const V2 = DataFlow.model("Album", {
          id: Schema.String,
          title: Schema.String,
          year: Schema.optional(Schema.Int)
        })
        // a new layer (a new deploy) uses V2 first: the added column goes in on its own
        expect(
          (yield* Effect.provide(V2.list(), Database.layer({ url: urlFor(dialect, "df_migr_adopt") }))).records
        ).toEqual([expect.objectContaining({ id: "a1", title: "One" })])
        expect(yield* columns("albums")).toEqual(expect.arrayContaining([expect.stringMatching(/^year:/)]))
      })
  )
})
