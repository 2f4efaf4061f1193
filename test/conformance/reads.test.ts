/**
 * Reads never lie: a stored row that does not fit its model (NULL in a required field, a value
 * outside a literal union, a date no database can read, an integer that is not a boolean) fails
 * InvalidRow naming model, field and key, never the value — on read, list (its cursor pages and
 * `select` projections), the records create/update/upsert return, workflow nodes and the searches;
 * also after a rollback re-added a literal column nullable.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database, Workflow } from "../../src/index.js"
import { type DialectName, forEachDialect, reset, urlFor } from "../support/Dialects.js"
import { rawSql as raw } from "../support/SqlDatabase.js"

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
    "CREATE TABLE legacy_album (album_id INT PRIMARY KEY, title VARCHAR(160), kind VARCHAR(10) DEFAULT 'single', released TIMESTAMPTZ, active BOOLEAN)",
  mysql:
    "CREATE TABLE legacy_album (album_id INT PRIMARY KEY, title VARCHAR(160), kind VARCHAR(10) DEFAULT 'single', released DATETIME(3), active TINYINT(1))",
  sqlite:
    "CREATE TABLE legacy_album (album_id INTEGER PRIMARY KEY, title TEXT, kind TEXT DEFAULT 'single', released TEXT, active INTEGER)"
}

/** A model whose literal column a migration drops and a rollback puts back (nullable on PostgreSQL and MariaDB). */
const Ticket = DataFlow.model(
  "ReadsTicket",
  { id: Schema.String, status: Schema.Literal("open", "closed") },
  { table: "reads_tickets" }
)
const TicketWithout = DataFlow.model("ReadsTicket", { id: Schema.String }, { table: "reads_tickets" })

/** Our own table, searched by text and by vector. */
const Note = DataFlow.model(
  "ReadsNote",
  { id: Schema.String, title: Schema.String, seen: Schema.DateFromSelf, embedding: DataFlow.vector(2) },
  { table: "reads_notes", textSearch: { fields: ["title"] } }
)

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

  it.effect("a date no database can read fails InvalidRow: PostgreSQL infinity, MariaDB's zero date, SQLite text", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const unreadable: Record<DialectName, string> = {
        postgres: "UPDATE legacy_album SET released = 'infinity' WHERE album_id = 4",
        // the server's sql_mode may refuse zero dates: this one statement allows them
        mysql:
          "SET STATEMENT sql_mode = '' FOR UPDATE legacy_album SET released = '0000-00-00 00:00:00' WHERE album_id = 4",
        sqlite: "UPDATE legacy_album SET released = 'someday' WHERE album_id = 4"
      }
      yield* raw(unreadable[dialect])
      const e = yield* Effect.flip(Album.read({ id: 4 }))
      expect(e).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "released", key: 4 })
      expect(e.message).toBe(
        "Album: a stored row (key 4) does not fit the model: released holds a value that is not a valid date"
      )
      expect(yield* Effect.flip(Album.list({ filter: { id: 4 } }))).toMatchObject({ _tag: "InvalidRow", key: 4 })
      if (dialect !== "postgres") {
        // PostgreSQL's BOOLEAN cannot hold it; SQLite's dynamic typing and MySQL's TINYINT(1) can
        yield* raw("UPDATE legacy_album SET active = 2 WHERE album_id = 1")
        expect(yield* Effect.flip(Album.read({ id: 1 }))).toMatchObject({ _tag: "InvalidRow", field: "active", key: 1 })
      }
    })
  )

  it.effect("a cursor page fails on the misfit row it holds; the page before it reads", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const first = yield* Album.list({ orderBy: ["id"], limit: 1 })
      expect(first.records).toStrictEqual([{ id: 1, title: "Good", kind: "lp" }])
      expect(first.nextCursor).not.toBeNull()
      const second = yield* Effect.flip(Album.list({ orderBy: ["id"], limit: 1, cursor: first.nextCursor }))
      expect(second).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "title", key: 2 })
    })
  )

  it.effect("select: a projection holding the misfit field fails; one without it reads the fields that fit", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const titles = yield* Effect.flip(Album.list({ orderBy: ["id"], select: ["title"] }))
      expect(titles).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "title", key: 2 })
      const kinds = yield* Effect.flip(Album.list({ orderBy: ["id"], select: ["kind"] }))
      expect(kinds).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "kind", key: 3 })
      const fitting = yield* Album.list({ filter: { id: { $in: [1, 2] } }, orderBy: ["id"], select: ["kind"] })
      expect(fitting.records).toStrictEqual([
        { id: 1, kind: "lp" },
        { id: 2, kind: "lp" }
      ])
    })
  )

  it.effect("the records create and upsert return are decoded: a column default outside the union fails", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const created = yield* Effect.flip(Album.create({ id: 9, title: "New" }))
      expect(created).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "kind", key: 9 })
      expect(created.message).not.toContain("single")
      const upserted = yield* Effect.flip(Album.upsert({ where: { id: 10 }, create: { title: "New" }, update: {} }))
      expect(upserted).toMatchObject({ _tag: "InvalidRow", model: "Album", field: "kind", key: 10 })
      // the writes stand (on every database): the error says the stored row does not fit
      const stored = yield* raw("SELECT album_id, kind FROM legacy_album WHERE album_id >= 9 ORDER BY album_id")
      expect(stored.map((r) => [Number(r["album_id"]), r["kind"]])).toEqual([
        [9, "single"],
        [10, "single"]
      ])
    })
  )

  it.effect("a workflow's list node fails NodeFailed with the InvalidRow of the misfit row", () =>
    Effect.gen(function* () {
      yield* setup(dialect)
      const wf = Workflow.make("misfit_list").addNode("AlbumListNode", "list_albums", { orderBy: ["id"] })
      const failed = yield* Effect.flip(
        Workflow.run(wf, {}).pipe(Effect.provide(Database.layer({ url: urlFor(dialect, "df_reads"), models: [Album] })))
      )
      expect(failed).toMatchObject({
        _tag: "NodeFailed",
        nodeId: "list_albums",
        cause: { _tag: "InvalidRow", model: "Album", field: "title", key: 2 }
      })
    })
  )

  it.effect(
    "after a rollback re-added a literal column nullable, reads fail InvalidRow instead of returning null",
    () =>
      Effect.gen(function* () {
        yield* Database.migrate({ models: [Ticket] })
        yield* Ticket.create({ id: "t1", status: "open" })
        yield* Database.migrate({ models: [TicketWithout], allowDestructive: true })
        const rolledBack = yield* Effect.exit(Database.rollback({ steps: 1, allowDestructive: true }))
        if (dialect === "sqlite") {
          // SQLite puts the column back by rebuilding the table with it NOT NULL as it was: copying
          // the row fails, and the rollback with it; the table is left as it was
          expect(rolledBack).toMatchObject({
            _tag: "Failure",
            cause: { _tag: "Fail", error: { _tag: "ValidationError", path: "status" } }
          })
          expect(yield* TicketWithout.read({ id: "t1" })).toMatchObject({ id: "t1" })
          return
        }
        expect(rolledBack._tag).toBe("Success")
        expect(yield* raw("SELECT status FROM reads_tickets")).toEqual([{ status: null }])
        const misfit = { _tag: "InvalidRow", model: "ReadsTicket", field: "status", key: "t1" }
        expect(yield* Effect.flip(Ticket.read({ id: "t1" }))).toMatchObject(misfit)
        expect(yield* Effect.flip(Ticket.list())).toMatchObject(misfit)
      })
  )

  if (dialect !== "mysql") {
    // MariaDB has no vector or text search (UnsupportedFeature: vector-search and text-search tests)
    it.effect("vector, text and hybrid search fail InvalidRow on a misfit record they would return", () =>
      Effect.gen(function* () {
        yield* reset(Note)
        yield* Note.create({ id: "n1", title: "apple pie", seen: new Date(0), embedding: [1, 0] })
        yield* Note.create({ id: "n2", title: "apple tart", seen: new Date(0), embedding: [0, 1] })
        yield* raw(`UPDATE reads_notes SET seen = '${dialect === "postgres" ? "infinity" : "someday"}' WHERE id = 'n2'`)
        const misfit = { _tag: "InvalidRow", model: "ReadsNote", field: "seen", key: "n2" }
        expect(yield* Effect.flip(Note.textSearch({ text: "apple", k: 5 }))).toMatchObject(misfit)
        expect(yield* Effect.flip(Note.vectorSearch({ vector: [0, 1], k: 5 }))).toMatchObject(misfit)
        expect(yield* Effect.flip(Note.hybridSearch({ text: "apple", vector: [0, 1], k: 5 }))).toMatchObject(misfit)
        // searches that do not return it read
        expect((yield* Note.textSearch({ text: "pie", k: 5 })).records.map((r) => r.record.id)).toEqual(["n1"])
        expect((yield* Note.vectorSearch({ vector: [1, 0], k: 1 })).records.map((r) => r.record.id)).toEqual(["n1"])
      })
    )
  }
})
