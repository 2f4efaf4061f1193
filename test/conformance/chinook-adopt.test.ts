/**
 * Issue 10 on a schema nobody here wrote: Chinook (test/fixtures/chinook, loaded from its own
 * published SQL) on the three databases, through hand-written models as a user writes them.
 * Each test checks the library against raw SQL on the same database: mapping (1), autoMigrate
 * never touching the tables (3), reads that never lie (4), migrations refused before any DDL (5),
 * exact values (6) and messages that name the column (7). Discovery (2): chinook-discover.test.ts.
 */
// not UTC, so that a zone-less date read or written in the local zone would move (issue 10: +5 h)
import "../support/NewYorkTime.js"
import { expect, layer } from "@effect/vitest"
import { BigDecimal, Effect, Layer, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { loadChinook } from "../support/Chinook.js"
import { type DialectName, dialectNames } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

/** Chinook's names: snake_case on PostgreSQL, PascalCase in the MySQL and SQLite scripts. */
const naming = (dialect: DialectName) => (snake: string) =>
  dialect === "postgres"
    ? snake
    : snake
        .split("_")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("")

const modelsFor = (dialect: DialectName) => {
  const n = naming(dialect)
  const req = <A, I>(schema: Schema.Schema<A, I>, column: string) =>
    schema.pipe(Schema.propertySignature, Schema.fromKey(n(column)))
  const opt = <A, I>(schema: Schema.Schema<A, I>, column: string) =>
    Schema.optional(Schema.NullOr(schema)).pipe(Schema.fromKey(n(column)))
  const Genre = DataFlow.model(
    "Genre",
    {
      id: req(Schema.Int, "genre_id"),
      name: opt(Schema.String.pipe(Schema.maxLength(120)), "name")
    },
    { table: n("genre"), timestamps: false, autoIncrement: false }
  )
  const Track = DataFlow.model(
    "Track",
    {
      id: req(Schema.Int, "track_id"),
      name: req(Schema.String.pipe(Schema.maxLength(200)), "name"),
      albumId: opt(Schema.Int, "album_id"),
      mediaTypeId: req(Schema.Int, "media_type_id"),
      genreId: opt(Schema.Int, "genre_id"),
      composer: opt(Schema.String.pipe(Schema.maxLength(220)), "composer"),
      milliseconds: req(Schema.Int, "milliseconds"),
      bytes: opt(Schema.Int, "bytes"),
      unitPrice: req(DataFlow.decimal(10, 2), "unit_price")
    },
    { table: n("track"), timestamps: false, autoIncrement: false, indexes: [["genreId"]] }
  )
  /** The same table through a model stricter than its data: composer is required. */
  const StrictTrack = DataFlow.model(
    "StrictTrack",
    {
      id: req(Schema.Int, "track_id"),
      name: req(Schema.String, "name"),
      composer: req(Schema.String, "composer")
    },
    { table: n("track"), timestamps: false, autoIncrement: false }
  )
  const Invoice = DataFlow.model(
    "Invoice",
    {
      id: req(Schema.Int, "invoice_id"),
      customerId: req(Schema.Int, "customer_id"),
      invoiceDate: req(DataFlow.dateTime({ precision: 0 }), "invoice_date"),
      total: req(DataFlow.decimal(10, 2), "total")
    },
    { table: n("invoice"), timestamps: false, autoIncrement: false }
  )
  const PlaylistTrack = DataFlow.model(
    "PlaylistTrack",
    {
      playlistId: req(Schema.Int, "playlist_id"),
      trackId: req(Schema.Int, "track_id")
    },
    { table: n("playlist_track"), timestamps: false, primaryKey: ["playlistId", "trackId"] }
  )
  return { Genre, Track, StrictTrack, Invoice, PlaylistTrack, n, req }
}

const rows = (sql: string) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql)).pipe(
    Effect.map((rs) =>
      rs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])))
    ),
    Effect.orDie
  )
const one = (sql: string) => Effect.map(rows(sql), (rs) => Object.values(rs[0]!)[0])
/** A COUNT(*) as a number (PostgreSQL's bigint and MySQL's counts come back as text). */
const count = (sql: string) => Effect.map(one(sql), Number)

for (const dialect of dialectNames) {
  const { Genre, Invoice, n, PlaylistTrack, req, StrictTrack, Track } = modelsFor(dialect)
  const q = (name: string) => (dialect === "mysql" ? `\`${n(name)}\`` : `"${n(name)}"`)
  const chinook = Layer.unwrapEffect(
    Effect.map(
      Effect.promise(() => loadChinook(dialect, "df_chinook_adopt")),
      (url) => Database.layer({ url, models: [Genre, Track, Invoice, PlaylistTrack] })
    )
  )
  const dateText =
    dialect === "postgres"
      ? `to_char(${q("invoice_date")}, 'YYYY-MM-DD HH24:MI:SS')`
      : dialect === "mysql"
        ? `DATE_FORMAT(${q("invoice_date")}, '%Y-%m-%d %H:%i:%s')`
        : `${q("invoice_date")}`

  layer(chinook, { timeout: "120 seconds", excludeTestServices: true })(dialect, (it) => {
    it.effect("(1) mapped models read exactly the rows raw SQL reads; composite keys work", () =>
      Effect.gen(function* () {
        const raw = yield* rows(`SELECT * FROM ${q("track")} ORDER BY ${q("track_id")}`)
        const page = yield* Track.list({ orderBy: ["id"], limit: 10_000 })
        expect(page.total).toBe(3503)
        expect(page.records.length).toBe(raw.length)
        page.records.forEach((t, i) => {
          const r = raw[i]!
          expect([t.id, t.name, t.albumId, t.mediaTypeId, t.genreId, t.composer, t.milliseconds, t.bytes]).toEqual(
            ["track_id", "name", "album_id", "media_type_id", "genre_id", "composer", "milliseconds", "bytes"].map(
              (c) => r[n(c)]
            )
          )
          expect(BigDecimal.equals(t.unitPrice, BigDecimal.unsafeFromString(String(r[n("unit_price")])))).toBe(true)
        })
        expect(yield* PlaylistTrack.count({ filter: { playlistId: 1 } })).toBe(
          yield* count(`SELECT COUNT(*) FROM ${q("playlist_track")} WHERE ${q("playlist_id")} = 1`)
        )
        const [pair] = yield* rows(
          `SELECT ${q("playlist_id")} AS p, ${q("track_id")} AS t FROM ${q("playlist_track")} ORDER BY 1, 2 LIMIT 1`
        )
        expect(
          yield* PlaylistTrack.read({ id: { playlistId: pair!["p"] as number, trackId: pair!["t"] as number } })
        ).toStrictEqual({ playlistId: pair!["p"], trackId: pair!["t"] })
        const renamed = yield* Genre.update({ filter: { id: 1 }, fields: { name: "Rock!" } })
        expect(renamed).toStrictEqual({ id: 1, name: "Rock!" })
        expect(yield* one(`SELECT ${q("name")} FROM ${q("genre")} WHERE ${q("genre_id")} = 1`)).toBe("Rock!")
        yield* Genre.update({ filter: { id: 1 }, fields: { name: "Rock" } })
      })
    )

    it.effect("(3) autoMigrate refuses a model that would alter or shadow Chinook's tables, and changes nothing", () =>
      Effect.gen(function* () {
        const tablesBefore = yield* rows(
          dialect === "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            : dialect === "postgres"
              ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
              : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
        )
        // the model means Chinook's track table, but its default table name is "tracks"
        const Shadow = DataFlow.model("Track", { id: Schema.Int, name: Schema.String }, { timestamps: false })
        expect(yield* Effect.flip(Shadow.count())).toMatchObject({ _tag: "SchemaMismatch" })
        // a key named id over genre, whose key is genre_id: no id column is added
        const Unmapped = DataFlow.model(
          "Genre",
          { id: Schema.Int, name: Schema.NullOr(Schema.String) },
          { table: n("genre"), timestamps: false }
        )
        expect(yield* Effect.flip(Unmapped.count({ filter: { id: 0 } }))).toMatchObject({
          _tag: "SchemaMismatch",
          field: "id"
        })
        // managed timestamps Chinook's tables do not have are not added either
        const Stamped = DataFlow.model(
          "Genre",
          {
            id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey(n("genre_id"))),
            name: Schema.NullOr(Schema.String)
          },
          { table: n("genre") }
        )
        expect(yield* Effect.flip(Stamped.read({ id: 1 }))).toMatchObject({ _tag: "SchemaMismatch" })
        const tablesAfter = yield* rows(
          dialect === "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            : dialect === "postgres"
              ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
              : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
        )
        expect(
          tablesAfter
            .map((t) => String(t["name"] ?? t["NAME"] ?? t["TABLE_NAME"]))
            .filter((t) => !t.startsWith("dataflow_"))
        ).toEqual(
          tablesBefore
            .map((t) => String(t["name"] ?? t["NAME"] ?? t["TABLE_NAME"]))
            .filter((t) => !t.startsWith("dataflow_"))
        )
        const genreColumns = yield* rows(`SELECT * FROM ${q("genre")} WHERE ${q("genre_id")} = 1`)
        expect(Object.keys(genreColumns[0]!).sort()).toEqual([n("genre_id"), n("name")].sort())
      })
    )

    it.effect("(4) a model stricter than the data fails InvalidRow naming the first misfit row's key", () =>
      Effect.gen(function* () {
        const firstNull = yield* one(`SELECT MIN(${q("track_id")}) FROM ${q("track")} WHERE ${q("composer")} IS NULL`)
        const error = yield* Effect.flip(StrictTrack.list({ orderBy: ["id"], limit: 10_000 }))
        expect(error).toMatchObject({ _tag: "InvalidRow", model: "StrictTrack", field: "composer", key: firstNull })
        expect(yield* Effect.flip(StrictTrack.read({ id: firstNull as number }))).toMatchObject({
          _tag: "InvalidRow",
          field: "composer"
        })
        const withComposer = yield* one(
          `SELECT MIN(${q("track_id")}) FROM ${q("track")} WHERE ${q("composer")} IS NOT NULL`
        )
        expect((yield* StrictTrack.read({ id: withComposer as number })).id).toBe(withComposer)
      })
    )

    it.effect("(5) a migration that existing rows would break is refused before any DDL, every problem counted", () =>
      Effect.gen(function* () {
        const nulls = yield* count(`SELECT COUNT(*) FROM ${q("track")} WHERE ${q("composer")} IS NULL`)
        const long = yield* count(
          `SELECT COUNT(*) FROM ${q("track")} WHERE ${dialect === "sqlite" ? "length" : "CHAR_LENGTH"}(${q("name")}) > 10`
        )
        // grouped under the column's own collation, as the database would enforce the key (MariaDB: _ci)
        const shared = yield* count(
          `SELECT COALESCE(SUM(c), 0) FROM (SELECT COUNT(*) AS c FROM ${q("track")} GROUP BY ${q("name")} HAVING COUNT(*) > 1) g`
        )
        const ledger = Effect.flatMap(sqlDatabase, (db) => db.migrations)
        const indexes = Effect.flatMap(sqlDatabase, (db) =>
          Effect.map(db.discover(), (ms) => ms.find((m) => m.table === n("track"))!)
        )
        const before = { ledger: yield* ledger, track: yield* indexes }
        // a column added first, then NOT NULL, a shorter name, a unique name; the model drops the
        // indexes Chinook's foreign keys on album_id and media_type_id use (MariaDB failed 1553 on
        // that drop after earlier steps ran, and PostgreSQL dropped them without asking)
        const Required = DataFlow.model(
          "Track",
          {
            ...Track.fields,
            name: req(Schema.String.pipe(Schema.maxLength(10)), "name"),
            composer: req(Schema.String.pipe(Schema.maxLength(220)), "composer"),
            note: Schema.optional(Schema.NullOr(Schema.String))
          },
          { table: n("track"), timestamps: false, autoIncrement: false, indexes: [["genreId"]], unique: [["name"]] }
        )
        const refused = yield* Effect.flip(Database.migrate({ models: [Required], allowDestructive: true }))
        expect(refused._tag).toBe("MigrationPrecheckFailed")
        const problems = refused._tag === "MigrationPrecheckFailed" ? refused.problems : []
        expect(problems).toContain(`${nulls} rows have NULL in ${n("track")}.${n("composer")}`)
        if (dialect !== "sqlite") {
          const type = dialect === "mysql" ? "varchar(10)" : "character varying(10)"
          expect(problems).toContain(
            `${long} rows of ${n("track")} have a value in ${n("name")} that does not fit ${type}`
          )
        }
        expect(problems).toContain(`${shared} rows of ${n("track")} share their (${n("name")}) with another row`)
        for (const column of ["album_id", "media_type_id"])
          expect(problems.join("\n")).toMatch(
            new RegExp(`foreign key \\S+ on ${n("track")} \\(${n(column)}\\) needs index`)
          )
        // nothing ran: no column, no index dropped, no ledger entry (and none dirty to block a layer's start)
        expect({ ledger: yield* ledger, track: yield* indexes }).toEqual(before)
        expect(yield* count(`SELECT COUNT(*) FROM ${q("track")} WHERE ${q("composer")} IS NULL`)).toBe(nulls)
        yield* Track.update({ filter: { id: 1 }, fields: { composer: null } })
        yield* Track.update({ filter: { id: 1 }, fields: { composer: "Angus Young, Malcolm Young, Brian Johnson" } })
      })
    )

    it.effect("(6) exact values: zone-less dates as UTC, decimals never rounded, comparisons by code point", () =>
      Effect.gen(function* () {
        expect(new Date(2009, 0, 1).getTimezoneOffset()).toBe(300) // New York: the dates below prove nothing in UTC
        const raw = yield* rows(`SELECT ${q("invoice_id")} AS id, ${dateText} AS d FROM ${q("invoice")} ORDER BY 1`)
        const invoices = (yield* Invoice.list({ orderBy: ["id"], limit: 1000 })).records
        expect(invoices.length).toBe(412)
        invoices.forEach((inv, i) =>
          expect(inv.invoiceDate.toISOString()).toBe(`${String(raw[i]!["d"]).replace(" ", "T")}.000Z`)
        )
        const since = new Date("2013-01-01T00:00:00Z")
        expect(yield* Invoice.count({ filter: { invoiceDate: { $gte: since } } })).toBe(
          yield* count(`SELECT COUNT(*) FROM ${q("invoice")} WHERE ${q("invoice_date")} >= '2013-01-01 00:00:00'`)
        )
        const price = yield* one(`SELECT ${q("unit_price")} FROM ${q("track")} WHERE ${q("track_id")} = 2`)
        const rounded = yield* Effect.flip(
          Track.update({ filter: { id: 2 }, fields: { unitPrice: BigDecimal.unsafeFromString("0.995") } })
        )
        expect(rounded).toMatchObject({ _tag: "ValidationError", path: "unitPrice" })
        expect(yield* one(`SELECT ${q("unit_price")} FROM ${q("track")} WHERE ${q("track_id")} = 2`)).toEqual(price)
        // MariaDB's Chinook columns are utf8mb3_general_ci: raw SQL matches "ROCK", a filter never does
        expect(yield* Genre.count({ filter: { name: "ROCK" } })).toBe(0)
        expect(yield* Genre.count({ filter: { name: { $in: ["ROCK", "Rock"] } } })).toBe(1)
        expect(yield* Genre.count({ filter: { name: { $like: "ROCK%" } } })).toBe(0)
        if (dialect === "mysql") expect(yield* count("SELECT COUNT(*) FROM `Genre` WHERE `Name` = 'ROCK'")).toBe(1)
      })
    )

    it.effect("(7) a NOT NULL column without a default is named in the error, not blamed on the input", () =>
      Effect.gen(function* () {
        const Loose = DataFlow.model(
          "Loose",
          {
            id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey(n("track_id"))),
            name: Schema.String.pipe(Schema.propertySignature, Schema.fromKey(n("name"))),
            mediaTypeId: Schema.optional(Schema.Int).pipe(Schema.fromKey(n("media_type_id")))
          },
          { table: n("track"), timestamps: false, autoIncrement: false }
        )
        const error = yield* Effect.flip(Loose.create({ id: 99_001, name: "x" }))
        // the first NOT NULL column the insert left out, by its field and its column name
        expect(error).toMatchObject({
          _tag: "ValidationError",
          model: "Loose",
          path: "mediaTypeId",
          reason: `column ${n("media_type_id")} has no default and was not given a value (the database requires one)`
        })
        expect(yield* count(`SELECT COUNT(*) FROM ${q("track")} WHERE ${q("track_id")} = 99001`)).toBe(0)
      })
    )
  })
}
