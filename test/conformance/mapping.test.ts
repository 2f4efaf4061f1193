/**
 * Mapping a model onto a table it did not create: a key column of another name, columns of other
 * names (Schema.fromKey), no managed timestamps, a composite key, an Int key the database does not
 * generate; and the same mapping on tables the library creates. Rows are checked over raw SQL.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { type DialectName, forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Genre = DataFlow.model(
  "Genre",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("genre_id")),
    name: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(120))))
  },
  { table: "genre", timestamps: false, autoIncrement: false }
)

const PlaylistTrack = DataFlow.model(
  "PlaylistTrack",
  {
    playlistId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("playlist_id")),
    trackId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("track_id")),
    position: Schema.optional(Schema.NullOr(Schema.Int))
  },
  { table: "playlist_track", timestamps: false, primaryKey: ["playlistId", "trackId"] }
)

/** Created by the library: mapped columns, renamed timestamps, a unique key and an index on mapped fields. */
const Customer = DataFlow.model(
  "Customer",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("CustomerId")),
    firstName: Schema.String.pipe(Schema.maxLength(40), Schema.propertySignature, Schema.fromKey("FirstName")),
    email: Schema.String.pipe(Schema.maxLength(60), Schema.propertySignature, Schema.fromKey("Email")),
    supportRepId: Schema.optional(Schema.Int).pipe(Schema.fromKey("SupportRepId"))
  },
  {
    table: "mapped_customer",
    timestamps: { createdAt: "CreatedOn", updatedAt: "ModifiedOn" },
    unique: [["email"]],
    indexes: [["supportRepId"]]
  }
)

const legacyDdl: Record<DialectName, ReadonlyArray<string>> = {
  postgres: [
    `CREATE TABLE genre (genre_id INT NOT NULL, name VARCHAR(120), CONSTRAINT genre_pkey PRIMARY KEY (genre_id))`,
    `CREATE TABLE playlist_track (playlist_id INT NOT NULL, track_id INT NOT NULL, position INT, CONSTRAINT playlist_track_pkey PRIMARY KEY (playlist_id, track_id))`
  ],
  mysql: [
    "CREATE TABLE genre (genre_id INT NOT NULL, name VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, PRIMARY KEY (genre_id))",
    "CREATE TABLE playlist_track (playlist_id INT NOT NULL, track_id INT NOT NULL, position INT, PRIMARY KEY (playlist_id, track_id))"
  ],
  sqlite: [
    `CREATE TABLE genre (genre_id INTEGER NOT NULL, name NVARCHAR(120), CONSTRAINT pk_genre PRIMARY KEY (genre_id))`,
    `CREATE TABLE playlist_track (playlist_id INTEGER NOT NULL, track_id INTEGER NOT NULL, position INTEGER, CONSTRAINT pk_pt PRIMARY KEY (playlist_id, track_id))`
  ]
}

/** Rows over raw SQL (SQLite's integers come back as bigint: compared as numbers). */
const raw = (sql: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql)).pipe(
    Effect.map((rows) =>
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])))
    ),
    Effect.orDie
  )

const legacy = (dialect: DialectName) =>
  Effect.gen(function* () {
    for (const t of ["genre", "playlist_track"]) yield* raw(`DROP TABLE IF EXISTS ${t}`)
    for (const ddl of legacyDdl[dialect]) yield* raw(ddl)
  })

const columnsOf = (dialect: DialectName, table: string) =>
  Effect.map(
    raw(
      dialect === "sqlite"
        ? `SELECT name AS c FROM pragma_table_info('${table}') ORDER BY cid`
        : dialect === "postgres"
          ? `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`
          : `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${table}' ORDER BY ordinal_position`
    ),
    (rows) => rows.map((r) => String(r["c"] ?? r["C"] ?? r["COLUMN_NAME"]))
  )

forEachDialect("mapping", (it, dialect) => {
  it.effect("a key column of another name, no timestamps, a client-given Int key: the 11 operations", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      const rock = yield* Genre.create({ id: 1, name: "Rock" })
      expect(rock).toStrictEqual({ id: 1, name: "Rock" })
      yield* Genre.bulkCreate({ data: [{ id: 2, name: "Jazz" }, { id: 3, name: null }, { id: 4 }] })
      expect(yield* raw("SELECT genre_id, name FROM genre ORDER BY genre_id")).toEqual([
        { genre_id: 1, name: "Rock" },
        { genre_id: 2, name: "Jazz" },
        { genre_id: 3, name: null },
        { genre_id: 4, name: null }
      ])
      expect(yield* Genre.read({ id: 2 })).toStrictEqual({ id: 2, name: "Jazz" })
      const page = yield* Genre.list({ filter: { id: { $gte: 2 } }, orderBy: ["-id"], limit: 2 })
      expect(page.records.map((r) => r.id)).toEqual([4, 3])
      expect(page.total).toBe(3)
      const next = yield* Genre.list({
        filter: { id: { $gte: 2 } },
        orderBy: ["-id"],
        limit: 2,
        cursor: page.nextCursor!
      })
      expect(next.records.map((r) => r.id)).toEqual([2])
      expect(yield* Genre.count({ filter: { name: null } })).toBe(2)
      expect(yield* Genre.update({ filter: { id: 2 }, fields: { name: "Bebop" } })).toStrictEqual({
        id: 2,
        name: "Bebop"
      })
      expect(
        (yield* Genre.upsert({ where: { id: 5 }, create: { name: "Blues" }, update: { name: "x" } })).created
      ).toBe(true)
      expect(
        (yield* Genre.upsert({ where: { id: 5 }, create: { name: "Blues" }, update: { name: "Soul" } })).record
      ).toStrictEqual({ id: 5, name: "Soul" })
      expect(
        yield* Genre.bulkUpsert({
          data: [
            { id: 5, name: "Funk" },
            { id: 6, name: "Pop" }
          ]
        })
      ).toEqual({ inserted: 1, updated: 1, skipped: 0 })
      expect(yield* Genre.bulkUpdate({ filter: { id: { $in: [3, 4] } }, fields: { name: "?" } })).toEqual({
        updated: 2
      })
      expect(yield* Genre.delete({ id: 1 })).toEqual({ id: 1, deleted: true })
      expect(yield* Genre.bulkDelete({ filter: { name: "?" } })).toEqual({ deleted: 2 })
      expect(yield* raw("SELECT genre_id, name FROM genre ORDER BY genre_id")).toEqual([
        { genre_id: 2, name: "Bebop" },
        { genre_id: 5, name: "Funk" },
        { genre_id: 6, name: "Pop" }
      ])
      // nothing was added to the table
      expect(yield* columnsOf(dialect, "genre")).toEqual(["genre_id", "name"])
      // the key is required on create: the database does not generate it
      const missing = yield* Effect.flip(Genre.create({ name: "NoKey" } as never))
      expect(missing).toMatchObject({ _tag: "ValidationError", path: "id" })
    })
  )

  it.effect(
    "a composite key: read, update, delete and upsert by { id: { ...key } }; list orders by the whole key",
    () =>
      Effect.gen(function* () {
        yield* legacy(dialect)
        yield* PlaylistTrack.bulkCreate({
          data: [
            { playlistId: 1, trackId: 2, position: 1 },
            { playlistId: 1, trackId: 1, position: 1 },
            { playlistId: 2, trackId: 1 }
          ]
        })
        const skipped = yield* PlaylistTrack.bulkCreate({
          data: [
            { playlistId: 1, trackId: 1 },
            { playlistId: 3, trackId: 3 }
          ],
          onConflict: "skip"
        })
        expect(skipped).toEqual({ inserted: 1, skipped: 1 })
        expect(yield* PlaylistTrack.read({ id: { playlistId: 1, trackId: 2 } })).toStrictEqual({
          playlistId: 1,
          trackId: 2,
          position: 1
        })
        const all = yield* PlaylistTrack.list({ orderBy: ["position"] })
        expect(all.records.map((r) => [r.playlistId, r.trackId])).toEqual([
          [1, 1],
          [1, 2],
          [2, 1],
          [3, 3]
        ])
        const updated = yield* PlaylistTrack.update({
          filter: { id: { playlistId: 2, trackId: 1 } },
          fields: { position: 7 }
        })
        expect(updated).toStrictEqual({ playlistId: 2, trackId: 1, position: 7 })
        const missing = yield* Effect.flip(PlaylistTrack.read({ id: { playlistId: 9, trackId: 9 } }))
        expect(missing._tag).toBe("NotFound")
        const partial = yield* Effect.flip(PlaylistTrack.read({ id: { playlistId: 1 } } as never))
        expect(partial).toMatchObject({ _tag: "ValidationError", path: "id.trackId" })
        const upserted = yield* PlaylistTrack.upsert({
          where: { playlistId: 3, trackId: 3 },
          create: {},
          update: { position: 2 }
        })
        expect(upserted).toMatchObject({ created: false, record: { playlistId: 3, trackId: 3, position: 2 } })
        expect(
          yield* PlaylistTrack.bulkUpsert({
            data: [
              { playlistId: 3, trackId: 3, position: 5 },
              { playlistId: 4, trackId: 1 }
            ]
          })
        ).toEqual({ inserted: 1, updated: 1, skipped: 0 })
        expect(yield* PlaylistTrack.delete({ id: { playlistId: 1, trackId: 1 } })).toEqual({
          id: { playlistId: 1, trackId: 1 },
          deleted: true
        })
        expect(
          yield* raw("SELECT playlist_id, track_id, position FROM playlist_track ORDER BY playlist_id, track_id")
        ).toEqual([
          { playlist_id: 1, track_id: 2, position: 1 },
          { playlist_id: 2, track_id: 1, position: 7 },
          { playlist_id: 3, track_id: 3, position: 5 },
          { playlist_id: 4, track_id: 1, position: null }
        ])
        expect(yield* columnsOf(dialect, "playlist_track")).toEqual(["playlist_id", "track_id", "position"])
      })
  )

  it.effect(
    "a composite key: create (a duplicate is UniqueViolation), count, keyset pages through ties by the whole key, bulkUpdate, bulkDelete",
    () =>
      Effect.gen(function* () {
        yield* legacy(dialect)
        expect(yield* PlaylistTrack.create({ playlistId: 1, trackId: 1, position: 3 })).toStrictEqual({
          playlistId: 1,
          trackId: 1,
          position: 3
        })
        const dup = yield* Effect.flip(PlaylistTrack.create({ playlistId: 1, trackId: 1 }))
        expect(dup._tag).toBe("UniqueViolation")
        for (const [playlistId, trackId, position] of [
          [1, 2, 1],
          [1, 3, 1],
          [2, 1, 1],
          [2, 2, 2]
        ] as const)
          yield* PlaylistTrack.create({ playlistId, trackId, position })
        expect(yield* PlaylistTrack.count({ filter: { playlistId: 1 } })).toBe(3)
        const pages: Array<Array<[number, number]>> = []
        // one record a page: every boundary falls inside a tie, which only the whole key breaks
        let page = yield* PlaylistTrack.list({ orderBy: ["position"], limit: 1 })
        pages.push(page.records.map((r) => [r.playlistId, r.trackId]))
        while (page.nextCursor !== null && pages.length < 10) {
          page = yield* PlaylistTrack.list({ orderBy: ["position"], limit: 1, cursor: page.nextCursor })
          pages.push(page.records.map((r) => [r.playlistId, r.trackId]))
        }
        // three rows tie on position 1: the key orders them, and no page repeats or skips one
        expect(pages).toEqual([[[1, 2]], [[1, 3]], [[2, 1]], [[2, 2]], [[1, 1]]])
        expect(yield* PlaylistTrack.bulkUpdate({ filter: { playlistId: 2 }, fields: { position: 9 } })).toEqual({
          updated: 2
        })
        expect(yield* PlaylistTrack.bulkDelete({ filter: { trackId: 3 } })).toEqual({ deleted: 1 })
        expect(
          yield* raw("SELECT playlist_id, track_id, position FROM playlist_track ORDER BY playlist_id, track_id")
        ).toEqual([
          { playlist_id: 1, track_id: 1, position: 3 },
          { playlist_id: 1, track_id: 2, position: 1 },
          { playlist_id: 2, track_id: 1, position: 9 },
          { playlist_id: 2, track_id: 2, position: 9 }
        ])
      })
  )

  it.effect(
    "a table the library creates from a mapped model: its columns, renamed timestamps, keys on mapped fields",
    () =>
      Effect.gen(function* () {
        yield* raw("DROP TABLE IF EXISTS mapped_customer")
        const c = yield* Customer.create({ firstName: "Ada", email: "ada@x.io", supportRepId: 3 })
        expect(c).toMatchObject({ firstName: "Ada", email: "ada@x.io", supportRepId: 3 })
        expect(c.created_at).toBeInstanceOf(Date)
        expect(yield* columnsOf(dialect, "mapped_customer")).toEqual([
          "CustomerId",
          "FirstName",
          "Email",
          "SupportRepId",
          "CreatedOn",
          "ModifiedOn"
        ])
        yield* Effect.sleep("5 millis")
        const u = yield* Customer.update({ filter: { id: c.id }, fields: { firstName: "Augusta" } })
        expect(u.updated_at.getTime()).toBeGreaterThan(c.updated_at.getTime())
        expect(u.created_at).toEqual(c.created_at)
        const dup = yield* Effect.flip(Customer.create({ firstName: "B", email: "ada@x.io" }))
        expect(dup).toMatchObject({ _tag: "UniqueViolation", fields: ["email"] })
        const [row] = yield* raw(
          `SELECT ${dialect === "mysql" ? "`FirstName` AS f" : `"FirstName" AS f`} FROM mapped_customer`
        )
        expect(row).toEqual({ f: "Augusta" })
        expect((yield* Customer.list({ filter: { supportRepId: 3 }, select: ["firstName"] })).records).toEqual([
          { id: c.id, firstName: "Augusta" }
        ])
      })
  )
})
