/**
 * Reads never lie: a stored row that does not fit its model (NULL in a required field, a value
 * outside a literal union, text that is not a date, an integer that is not a boolean) fails
 * InvalidRow naming model, field and key — on read, list, update/upsert results and workflows.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database, Workflow } from "../../src/index.js"
import { type DialectName, forEachDialect, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Album = DataFlow.model(
  "Album",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("album_id")),
    title: Schema.String,
    kind: Schema.optional(Schema.Literal("lp", "ep")),
    released: Schema.optional(Schema.DateFromSelf),
    active: Schema.optional(Schema.Boolean)
  },
  { table: "legacy_album", timestamps: false, autoIncrement: false }
)

const ddl: Record<DialectName, string> = {
  postgres:
    "CREATE TABLE legacy_album (album_id INT PRIMARY KEY, title VARCHAR(160), kind VARCHAR(10), released TIMESTAMPTZ, active BOOLEAN)",
  mysql:
    "CREATE TABLE legacy_album (album_id INT PRIMARY KEY, title VARCHAR(160), kind VARCHAR(10), released DATETIME(3), active TINYINT(1))",
  sqlite:
    "CREATE TABLE legacy_album (album_id INTEGER PRIMARY KEY, title TEXT, kind TEXT, released TEXT, active INTEGER)"
}

const raw = (sql: string) => Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe(sql)).pipe(Effect.orDie)

const setup = (dialect: DialectName) =>
  Effect.gen(function* () {
    yield* raw("DROP TABLE IF EXISTS legacy_album")
    yield* raw(ddl[dialect])
    yield* raw(
      "INSERT INTO legacy_album (album_id, title, kind) VALUES (1, 'Good', 'lp'), (2, NULL, 'lp'), (3, 'Odd', 'single'), (4, 'Fine', NULL)"
    )
  })

forEachDialect("reads", (it, dialect) => {
  it.effect("read fails InvalidRow naming model, field and key; never returns a record that lies", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      expect(yield* Album.read({ id: 1 })).toStrictEqual({ id: 1, title: "Good", kind: "lp" })
      expect(yield* Album.read({ id: 4 })).toStrictEqual({ id: 4, title: "Fine" })
      const nul = yield* Effect.flip(Album.read({ id: 2 }))
      expect(nul).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "title", key: 2 })
      expect(nul.message).toContain("NULL")
      const odd = yield* Effect.flip(Album.read({ id: 3 }))
      expect(odd).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "kind", key: 3 })
      // the message names the problem, not the value
      expect(odd.message).not.toContain("single")
    })
  )

  it.effect("list fails on a misfit row in its page, succeeds on pages without one", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const all = yield* Effect.flip(Album.list({ orderBy: ["id"] }))
      expect(all).toMatchObject({ _tag: "InvalidRow", field: "title", key: 2 })
      const fine = yield* Album.list({ filter: { id: { $in: [1, 4] } }, orderBy: ["id"] })
      expect(fine.records.map((r) => r.id)).toEqual([1, 4])
      expect(yield* Album.count()).toBe(4)
    })
  )

  it.effect("update and upsert results are decoded too; an update that fixes the row succeeds", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const stillOdd = yield* Effect.flip(Album.update({ filter: { id: 3 }, fields: { title: "Odder" } }))
      expect(stillOdd).toMatchObject({ _tag: "InvalidRow", field: "kind", key: 3 })
      // the write stands (on every database): the error says the stored row does not fit
      expect(yield* raw("SELECT title FROM legacy_album WHERE album_id = 3")).toEqual([{ title: "Odder" }])
      expect(yield* Album.update({ filter: { id: 2 }, fields: { title: "Fixed" } })).toStrictEqual({
        id: 2,
        title: "Fixed",
        kind: "lp"
      })
      const upserted = yield* Effect.flip(
        Album.upsert({ where: { id: 3 }, create: { title: "x" }, update: { title: "y" } })
      )
      expect(upserted).toMatchObject({ _tag: "InvalidRow", field: "kind", key: 3 })
      expect(
        (yield* Album.upsert({ where: { id: 3 }, create: { title: "x" }, update: { kind: "ep" } })).record
      ).toStrictEqual({ id: 3, title: "y", kind: "ep" })
    })
  )

  it.effect("a workflow node reading a misfit row fails NodeFailed with the InvalidRow inside", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const wf = Workflow.make("misfit").addNode("AlbumReadNode", "read_album", { id: "{id}" })
      const failed = yield* Effect.flip(
        Workflow.run(wf, { id: 2 }).pipe(
          Effect.provide(Database.layer({ url: urlFor(dialect, "df_reads"), models: [Album] }))
        )
      )
      expect(failed).toMatchObject({
        _tag: "NodeFailed",
        nodeId: "read_album",
        cause: { _tag: "InvalidRow", field: "title", key: 2 }
      })
    })
  )

  if (dialect !== "postgres") {
    // PostgreSQL's column types cannot hold these; SQLite's dynamic typing and MySQL's TINYINT(1) can
    it.effect("text that is not a date and an integer that is not a boolean fail InvalidRow", () =>
      Effect.gen(function* () {
        yield* setup(dialect)
        yield* raw("UPDATE legacy_album SET active = 2 WHERE album_id = 1")
        expect(yield* Effect.flip(Album.read({ id: 1 }))).toMatchObject({ _tag: "InvalidRow", field: "active", key: 1 })
        if (dialect === "sqlite") {
          yield* raw("UPDATE legacy_album SET released = 'someday' WHERE album_id = 4")
          expect(yield* Effect.flip(Album.read({ id: 4 }))).toMatchObject({
            _tag: "InvalidRow",
            field: "released",
            key: 4
          })
        }
      })
    )
  }
})
