/**
 * A database this library did not create: the Chinook sample (its own published SQLite script, kept
 * under test/fixtures/chinook), read and changed through models as `dataflow discover` writes them.
 *
 *   npx tsx examples/existing-database.ts
 *
 * Shows: keys and columns of other names (Schema.fromKey), no managed timestamps, a composite key,
 * NUMERIC(10,2) declared as DataFlow.decimal(10, 2) (a value it would round is refused), a model
 * stricter than the data failing InvalidRow, and autoMigrate refusing to touch a table it did not
 * create (SchemaMismatch) — see docs/existing-databases.md.
 */
import Sqlite from "better-sqlite3"
import { BigDecimal, Effect, Schema } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DataFlow, Database } from "effect-dataflow"

// stands in for your existing database: Chinook loaded from its published script
const dir = mkdtempSync(join(tmpdir(), "chinook-"))
const file = join(dir, "chinook.db")
const seed = new Sqlite(file)
seed.exec(readFileSync(new URL("../test/fixtures/chinook/Chinook_Sqlite.sql", import.meta.url), "utf8"))
seed.close()

// as `dataflow discover --out models.ts` writes them (trimmed to the fields used here)
const Genre = DataFlow.model(
  "Genre",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("GenreId")),
    name: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(120)))).pipe(Schema.fromKey("Name"))
  },
  { table: "Genre", timestamps: false, autoIncrement: false }
)

const Track = DataFlow.model(
  "Track",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("TrackId")),
    name: Schema.String.pipe(Schema.maxLength(200), Schema.propertySignature, Schema.fromKey("Name")),
    albumId: Schema.optional(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("AlbumId")),
    mediaTypeId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("MediaTypeId")),
    genreId: Schema.optional(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("GenreId")),
    composer: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(220)))).pipe(
      Schema.fromKey("Composer")
    ),
    milliseconds: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("Milliseconds")),
    bytes: Schema.optional(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("Bytes")),
    unitPrice: DataFlow.decimal(10, 2).pipe(Schema.propertySignature, Schema.fromKey("UnitPrice"))
  },
  { table: "Track", timestamps: false, autoIncrement: false, indexes: [["albumId"], ["genreId"], ["mediaTypeId"]] }
)

const PlaylistTrack = DataFlow.model(
  "PlaylistTrack",
  {
    playlistId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("PlaylistId")),
    trackId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("TrackId"))
  },
  { table: "PlaylistTrack", timestamps: false, primaryKey: ["playlistId", "trackId"], indexes: [["trackId"]] }
)

const program = Effect.gen(function* () {
  const rock = yield* Genre.list({ filter: { name: "Rock" } })
  const longest = yield* Track.list({
    filter: { genreId: rock.records[0]!.id },
    orderBy: ["-milliseconds"],
    limit: 3,
    select: ["name", "milliseconds"]
  })
  console.log(
    `${longest.total} rock tracks; the longest:`,
    longest.records.map((t) => `${t.name} (${Math.round(t.milliseconds / 60000)} min)`)
  )

  const onPlaylist = yield* PlaylistTrack.read({ id: { playlistId: 1, trackId: 3402 } })
  console.log("composite key:", onPlaylist)

  const repriced = yield* Track.update({
    filter: { id: 1 },
    fields: { unitPrice: BigDecimal.unsafeFromString("1.29") }
  })
  console.log("repriced:", repriced.name, BigDecimal.format(repriced.unitPrice))
  const rounded = yield* Effect.flip(
    Track.update({ filter: { id: 1 }, fields: { unitPrice: BigDecimal.unsafeFromString("0.995") } })
  )
  console.log(`${rounded._tag}: ${rounded.message}`)

  // a model that says every track has a composer: the first row without one fails typed
  const Strict = DataFlow.model(
    "StrictTrack",
    {
      id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("TrackId")),
      composer: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("Composer"))
    },
    { table: "Track", timestamps: false, autoIncrement: false }
  )
  const misfit = yield* Effect.flip(Strict.list({ orderBy: ["id"] }))
  console.log(`${misfit._tag}: ${misfit.message}`)

  // a model whose default table would be "genres" beside the existing Genre: refused, nothing created
  const Shadow = DataFlow.model("Genre", { id: Schema.Int, name: Schema.String }, { timestamps: false })
  const refused = yield* Effect.flip(Shadow.count())
  console.log(`${refused._tag}: ${refused.message}`)
})

Effect.runPromise(
  program.pipe(Effect.provide(Database.layer({ url: `sqlite:${file}`, models: [Genre, Track, PlaylistTrack] })))
).finally(() => rmSync(dir, { recursive: true, force: true }))
