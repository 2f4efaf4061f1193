/**
 * Exact values on columns the library did not create (tables made here by raw SQL), in a process
 * whose time zone is not UTC: zone-less timestamps and dates read and write as UTC; SQLite's own
 * date text and our ISO text compare and sort as instants; decimals and datetimes that a column
 * would round are refused; `_ci` / NOCASE text compares and sorts by code point; a NOT NULL key
 * without a default is named; SQLite's journal mode is left alone unless asked.
 */

import "../support/NewYorkTime.js"
import { expect } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import { BigDecimal, Effect, Either, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { toExpr } from "../../src/query/Filter.js"
import { selectWhere } from "../../src/sql/backend/Selects.js"
import { orderClause } from "../../src/sql/Compiler.js"
import { type DialectName, forEachDialect, urlFor } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const Invoice = DataFlow.model(
  "LegacyInvoice",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("invoice_id")),
    issuedAt: DataFlow.dateTime({ precision: 0 }).pipe(Schema.propertySignature, Schema.fromKey("issued_at")),
    dueOn: Schema.optional(Schema.NullOr(DataFlow.dateOnly())).pipe(Schema.fromKey("due_on")),
    total: DataFlow.decimal(10, 2),
    loggedAt: Schema.optional(Schema.NullOr(Schema.Date)).pipe(Schema.fromKey("logged_at"))
  },
  { table: "legacy_invoice", timestamps: false, autoIncrement: false }
)

const Genre = DataFlow.model(
  "LegacyGenre",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("genre_id")),
    name: Schema.String,
    code: Schema.optional(Schema.NullOr(Schema.String))
  },
  { table: "legacy_genre", timestamps: false, autoIncrement: false }
)

/** The same table through narrower declarations than its columns: stored values that do not fit fail typed. */
const InvoiceNarrow = DataFlow.model(
  "LegacyInvoiceNarrow",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("invoice_id")),
    total: DataFlow.decimal(4, 2),
    loggedAt: Schema.optional(Schema.NullOr(DataFlow.dateTime({ precision: 0 }))).pipe(Schema.fromKey("logged_at"))
  },
  { table: "legacy_invoice", timestamps: false, autoIncrement: false }
)

/** The same table seen as if its key were generated: it is not (no default, no auto-increment). */
const GenreAuto = DataFlow.model(
  "LegacyGenreAuto",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("genre_id")),
    name: Schema.String
  },
  { table: "legacy_genre", timestamps: false }
)

/** A unique key the database enforces under the column's own collation (NOCASE, _ci). */
const Tag = DataFlow.model(
  "LegacyTag",
  {
    id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("tag_id")),
    label: Schema.String,
    uses: Schema.Int
  },
  { table: "legacy_tag", timestamps: false, autoIncrement: false, unique: [["label"]] }
)

/** Created by the library: the declared precision and scale become the column types. */
const Priced = DataFlow.model(
  "ValuePriced",
  {
    id: Schema.String,
    price: DataFlow.decimal(12, 3),
    at: DataFlow.dateTime({ precision: 0 }),
    code: Schema.String
  },
  { indexes: [["code"]] }
)

const ddl: Record<DialectName, ReadonlyArray<string>> = {
  postgres: [
    "CREATE TABLE legacy_invoice (invoice_id INT NOT NULL PRIMARY KEY, issued_at TIMESTAMP(0) NOT NULL, due_on DATE, total NUMERIC(10,2) NOT NULL, logged_at TIMESTAMPTZ(3))",
    // a locale collation orders "a" < "B" (and ignores nothing for equality: deterministic)
    `CREATE TABLE legacy_genre (genre_id INT NOT NULL PRIMARY KEY, name VARCHAR(120) COLLATE "en-US-x-icu" NOT NULL, code VARCHAR(20) COLLATE "en-US-x-icu")`,
    "CREATE TABLE legacy_tag (tag_id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL UNIQUE, uses INT NOT NULL)"
  ],
  mysql: [
    "CREATE TABLE legacy_invoice (invoice_id INT NOT NULL PRIMARY KEY, issued_at DATETIME NOT NULL, due_on DATE, total DECIMAL(10,2) NOT NULL, logged_at TIMESTAMP(3) NULL)",
    "CREATE TABLE legacy_genre (genre_id INT NOT NULL PRIMARY KEY, name VARCHAR(120) NOT NULL, " +
      "code VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, KEY legacy_genre_name (name)) DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci",
    "CREATE TABLE legacy_tag (tag_id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL, uses INT NOT NULL, UNIQUE KEY legacy_tag_label (label)) DEFAULT CHARSET=utf8mb3"
  ],
  sqlite: [
    "CREATE TABLE legacy_invoice (invoice_id INT NOT NULL PRIMARY KEY, issued_at DATETIME NOT NULL, due_on DATE, total NUMERIC(10,2) NOT NULL, logged_at TEXT)",
    "CREATE TABLE legacy_genre (genre_id INT NOT NULL PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, code TEXT COLLATE NOCASE)",
    "CREATE TABLE legacy_tag (tag_id INT NOT NULL PRIMARY KEY, label TEXT NOT NULL COLLATE NOCASE UNIQUE, uses INT NOT NULL)"
  ]
}

/** What another program wrote: zone-less text meaning UTC (the TIMESTAMP column through a UTC session). */
const seed = [
  "INSERT INTO legacy_invoice VALUES (1, '2009-01-01 10:00:00', '2009-01-15', 1.98, '2009-01-01 10:00:00.250')",
  "INSERT INTO legacy_invoice VALUES (2, '2009-01-02 23:30:00', NULL, 13.86, NULL)",
  "INSERT INTO legacy_invoice VALUES (3, '2009-01-03 00:15:00', NULL, 0.99, NULL)",
  "INSERT INTO legacy_genre VALUES (1, 'Rock', 'ab'), (2, 'rock', 'AB'), (3, 'Rock ', 'ab '), (4, 'Électro', 'àb'), (5, 'electro', NULL), (6, 'Jazz', NULL)",
  "INSERT INTO legacy_tag VALUES (1, 'Rock', 0)"
]

const raw = (sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql, params)).pipe(
    Effect.map((rows) =>
      rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), typeof v === "bigint" ? Number(v) : v]))
      )
    ),
    Effect.orDie
  )

const legacy = (dialect: DialectName) =>
  Effect.gen(function* () {
    for (const t of ["legacy_invoice", "legacy_genre", "legacy_tag"]) yield* raw(`DROP TABLE IF EXISTS ${t}`)
    for (const s of [...ddl[dialect], ...seed]) yield* raw(s)
  })

const at = (iso: string) => new Date(iso)
const ids = (records: ReadonlyArray<{ readonly id: number }>) => records.map((r) => r.id)

forEachDialect("values_existing", (it, dialect) => {
  it.effect("the process runs in New York time (the rest of the file proves nothing otherwise)", () =>
    Effect.sync(() => expect(new Date(2009, 0, 1).getTimezoneOffset()).toBe(300))
  )

  it.effect("zone-less timestamps and dates read as UTC", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      const one = yield* Invoice.read({ id: 1 })
      expect(one.issuedAt).toEqual(at("2009-01-01T10:00:00.000Z"))
      expect(one.dueOn).toEqual(at("2009-01-15T00:00:00.000Z"))
      expect(one.loggedAt).toEqual(at("2009-01-01T10:00:00.250Z"))
      expect(BigDecimal.equals(one.total, BigDecimal.unsafeFromString("1.98"))).toBe(true)
      if (dialect === "sqlite") {
        // a number in a date column (epoch seconds? Julian days?) is not guessed at
        yield* raw("INSERT INTO legacy_invoice VALUES (5, 1230804000, NULL, 1, NULL)")
        const e = yield* Effect.flip(Invoice.read({ id: 5 }))
        expect([e._tag, e._tag === "InvalidRow" ? e.field : ""]).toEqual(["InvalidRow", "issuedAt"])
        yield* raw("DELETE FROM legacy_invoice WHERE invoice_id = 5")
      }
      const all = yield* Invoice.list({ orderBy: ["id"] })
      expect(all.records.map((r) => r.issuedAt.toISOString())).toEqual([
        "2009-01-01T10:00:00.000Z",
        "2009-01-02T23:30:00.000Z",
        "2009-01-03T00:15:00.000Z"
      ])
    })
  )

  it.effect("dates are written as UTC: the stored text is the UTC wall-clock time", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      yield* Invoice.create({
        id: 4,
        issuedAt: at("2009-01-02T12:00:00Z"),
        dueOn: at("2009-02-01T00:00:00Z"),
        total: BigDecimal.unsafeFromString("12.3"),
        loggedAt: at("2009-01-02T12:00:00.500Z")
      })
      const text = {
        postgres:
          "SELECT issued_at::text AS a, due_on::text AS d, extract(epoch from logged_at)::text AS l FROM legacy_invoice WHERE invoice_id = 4",
        mysql:
          "SELECT CAST(issued_at AS CHAR) AS a, CAST(due_on AS CHAR) AS d, CAST(UNIX_TIMESTAMP(logged_at) AS CHAR) AS l FROM legacy_invoice WHERE invoice_id = 4",
        sqlite: "SELECT issued_at AS a, due_on AS d, logged_at AS l FROM legacy_invoice WHERE invoice_id = 4"
      }[dialect]
      const [row] = yield* raw(text)
      if (dialect === "sqlite") {
        // our ISO-8601 text: a zone is written, so any reader gets the instant
        expect(row).toEqual({
          a: "2009-01-02T12:00:00.000Z",
          d: "2009-02-01T00:00:00.000Z",
          l: "2009-01-02T12:00:00.500Z"
        })
      } else {
        expect({ a: row!["a"], d: row!["d"], l: Number(row!["l"]) }).toEqual({
          a: "2009-01-02 12:00:00",
          d: "2009-02-01",
          l: 1230897600.5
        })
      }
      if (dialect === "mysql") expect(yield* raw("SELECT @@session.time_zone AS tz")).toEqual([{ tz: "+00:00" }])
      const back = yield* Invoice.read({ id: 4 })
      expect([back.issuedAt, back.dueOn, back.loggedAt]).toEqual([
        at("2009-01-02T12:00:00Z"),
        at("2009-02-01T00:00:00Z"),
        at("2009-01-02T12:00:00.500Z")
      ])
    })
  )

  it.effect("dates in either text form compare and sort as instants in every operator, order and cursor", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      yield* Invoice.create({ id: 4, issuedAt: at("2009-01-02T12:00:00Z"), total: BigDecimal.unsafeFromString("5") })
      const where = (filter: Record<string, unknown>) =>
        Effect.map(Invoice.list({ filter: { issuedAt: filter }, orderBy: ["id"] }), (p) => ids(p.records))
      expect(yield* where({ $gte: at("2009-01-02T00:00:00Z") })).toEqual([2, 3, 4])
      expect(yield* where({ $gt: at("2009-01-02T12:00:00Z") })).toEqual([2, 3])
      expect(yield* where({ $lt: at("2009-01-02T12:00:00Z") })).toEqual([1])
      expect(yield* where({ $lte: at("2009-01-02T12:00:00Z") })).toEqual([1, 4])
      expect(yield* where({ $eq: at("2009-01-02T23:30:00Z") })).toEqual([2])
      expect(yield* where({ $ne: at("2009-01-01T10:00:00Z") })).toEqual([2, 3, 4])
      expect(yield* where({ $in: [at("2009-01-01T10:00:00Z"), at("2009-01-02T12:00:00Z")] })).toEqual([1, 4])
      expect(yield* where({ $nin: [at("2009-01-01T10:00:00Z"), at("2009-01-02T12:00:00Z")] })).toEqual([2, 3])
      expect(ids((yield* Invoice.list({ orderBy: ["issuedAt"] })).records)).toEqual([1, 4, 2, 3])
      expect(ids((yield* Invoice.list({ orderBy: ["-issuedAt"] })).records)).toEqual([3, 2, 4, 1])
      const seen: Array<number> = []
      let cursor: string | undefined = undefined
      do {
        const page: DataFlow.Page<typeof Invoice.Type> = yield* Invoice.list({
          orderBy: ["issuedAt"],
          limit: 1,
          ...(cursor ? { cursor } : {})
        })
        seen.push(...ids(page.records))
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      expect(seen).toEqual([1, 4, 2, 3])
      expect(yield* Invoice.count({ filter: { total: { $gte: BigDecimal.unsafeFromString("1.98") } } })).toBe(3)
    })
  )

  it.effect("values a column would round are refused, naming the field", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      const base = { id: 9, issuedAt: at("2009-01-05T00:00:00Z"), total: BigDecimal.unsafeFromString("1") }
      const refused = (input: typeof base) => Effect.flip(Invoice.create(input))
      const cents = yield* refused({ ...base, total: BigDecimal.unsafeFromString("0.995") })
      expect([cents._tag, cents._tag === "ValidationError" ? cents.path : ""]).toEqual(["ValidationError", "total"])
      const wide = yield* refused({ ...base, total: BigDecimal.unsafeFromString("123456789") })
      expect([wide._tag, wide._tag === "ValidationError" ? wide.path : ""]).toEqual(["ValidationError", "total"])
      const millis = yield* refused({ ...base, issuedAt: at("2009-01-05T00:00:00.120Z") })
      expect([millis._tag, millis._tag === "ValidationError" ? millis.path : ""]).toEqual([
        "ValidationError",
        "issuedAt"
      ])
      const update = yield* Effect.flip(
        Invoice.update({ filter: { id: 1 }, fields: { total: BigDecimal.unsafeFromString("2.001") } })
      )
      expect([update._tag, update._tag === "ValidationError" ? update.path : ""]).toEqual(["ValidationError", "total"])
      const bulk = yield* Effect.flip(
        Invoice.bulkCreate({ data: [base, { ...base, id: 10, issuedAt: at("2009-01-05T00:00:00.5Z") }] })
      )
      expect([bulk._tag, bulk._tag === "ValidationError" ? bulk.path : ""]).toEqual([
        "ValidationError",
        "data[1].issuedAt"
      ])
      expect(yield* Invoice.count()).toBe(3)
      // a stored value the declaration cannot hold is never returned as something else
      const misfit = (id: number) =>
        Effect.map(Effect.flip(InvoiceNarrow.read({ id })), (e) => [e._tag, e._tag === "InvalidRow" ? e.field : ""])
      expect(yield* misfit(1)).toEqual(["InvalidRow", "loggedAt"])
      expect(
        BigDecimal.equals((yield* InvoiceNarrow.read({ id: 2 })).total, BigDecimal.unsafeFromString("13.86"))
      ).toBe(true)
      // what fits is stored exactly: 99999999.99 is the largest DECIMAL(10,2)
      yield* Invoice.create({ ...base, total: BigDecimal.unsafeFromString("99999999.99") })
      expect(
        BigDecimal.equals((yield* Invoice.read({ id: 9 })).total, BigDecimal.unsafeFromString("99999999.99"))
      ).toBe(true)
      expect(yield* misfit(9)).toEqual(["InvalidRow", "total"])
    })
  )

  it.effect("our own tables get the declared precision and scale", () =>
    Effect.gen(function* () {
      yield* Priced.create({
        id: "p1",
        price: BigDecimal.unsafeFromString("1.5"),
        at: at("2020-01-01T00:00:01Z"),
        code: "x"
      })
      const types = {
        postgres:
          "SELECT column_name AS c, format_type(atttypid, atttypmod) AS t FROM information_schema.columns JOIN pg_attribute ON attname = column_name AND attrelid = 'value_priceds'::regclass WHERE table_schema = current_schema() AND table_name = 'value_priceds' AND column_name IN ('price', 'at') ORDER BY c",
        mysql:
          "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'value_priceds' AND COLUMN_NAME IN ('price', 'at') ORDER BY c",
        sqlite:
          "SELECT name AS c, type AS t FROM pragma_table_info('value_priceds') WHERE name IN ('price', 'at') ORDER BY c"
      }[dialect]
      expect((yield* raw(types)).map((r) => `${r["c"]} ${r["t"]}`)).toEqual(
        {
          postgres: ["at timestamp(0) with time zone", "price numeric(12,3)"],
          mysql: ["at datetime", "price decimal(12,3)"],
          sqlite: ["at TEXT", "price TEXT"]
        }[dialect]
      )
      expect(
        (yield* Database.migrate({ dryRun: true })).plan.operations.filter((o) => o.table === "value_priceds")
      ).toEqual([])
    })
  )

  it.effect(
    "_ci / NOCASE text compares and sorts by code point: =, $in, $like, $startsWith, $ilike, $regex, ranges, order, cursor",
    () =>
      Effect.gen(function* () {
        yield* legacy(dialect)
        const where = (filter: Record<string, unknown>) =>
          Effect.map(Genre.list({ filter, orderBy: ["id"] }), (p) => ids(p.records))
        expect(yield* where({ name: "rock" })).toEqual([2])
        expect(yield* where({ name: "Rock" })).toEqual([1])
        expect(yield* where({ name: { $in: ["electro", "jazz"] } })).toEqual([5])
        expect(yield* where({ name: { $ne: "rock" } })).toEqual([1, 3, 4, 5, 6])
        expect(yield* where({ name: { $like: "rock" } })).toEqual([2])
        expect(yield* where({ name: { $startsWith: "R" } })).toEqual([1, 3])
        expect(yield* where({ name: { $ilike: "ROCK" } })).toEqual([1, 2])
        expect(yield* where({ name: { $ilike: "electro" } })).toEqual([5])
        expect(yield* where({ name: { $regex: "^r" } })).toEqual([2])
        expect(yield* where({ name: { $gt: "Rock" } })).toEqual([2, 3, 4, 5])
        expect(yield* where({ code: "ab" })).toEqual([1])
        expect(yield* where({ code: { $in: ["ab", "zz"] } })).toEqual([1])
        expect(yield* Genre.count({ filter: { name: "rock" } })).toBe(1)
        expect(ids((yield* Genre.list({ orderBy: ["name"] })).records)).toEqual([6, 1, 3, 5, 2, 4])
        expect(ids((yield* Genre.list({ orderBy: ["code", "id"] })).records)).toEqual([2, 1, 3, 4, 5, 6])
        const seen: Array<number> = []
        let cursor: string | undefined = undefined
        do {
          const page: DataFlow.Page<typeof Genre.Type> = yield* Genre.list({
            orderBy: ["-name"],
            limit: 2,
            ...(cursor ? { cursor } : {})
          })
          seen.push(...ids(page.records))
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        expect(seen).toEqual([4, 2, 5, 3, 1, 6])
      })
  )

  it.effect("upsert on a _ci / NOCASE unique key never updates a row of another value", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      const same = yield* Tag.upsert({ where: { label: "Rock" }, create: { id: 2, uses: 1 }, update: { uses: 5 } })
      expect([same.created, same.record]).toEqual([false, { id: 1, label: "Rock", uses: 5 }])
      const other = yield* Effect.either(
        Tag.upsert({ where: { label: "rock" }, create: { id: 3, uses: 1 }, update: { uses: 9 } })
      )
      if (dialect === "postgres") {
        // a deterministic collation: "rock" is another key, inserted
        expect(other).toEqual(
          Either.right({ record: { id: 3, label: "rock", uses: 1 }, created: true, action: "created" })
        )
      } else {
        // the database's key holds "Rock" for "rock": refused as a plain create is, nothing written
        expect(Either.isLeft(other) && other.left._tag === "UniqueViolation" ? other.left.fields : other).toEqual([
          "label"
        ])
        expect((yield* Effect.flip(Tag.create({ id: 4, label: "ROCK", uses: 0 })))._tag).toBe("UniqueViolation")
      }
      expect(yield* Tag.read({ id: 1 })).toEqual({ id: 1, label: "Rock", uses: 5 })
    })
  )

  it.effect("an Int key without a default: the failure names the column and says why", () =>
    Effect.gen(function* () {
      yield* legacy(dialect)
      const e = yield* Effect.flip(GenreAuto.create({ name: "Blues" }))
      expect(e._tag).toBe("ValidationError")
      if (e._tag !== "ValidationError") return
      expect(e.path).toBe("id")
      expect(e.reason).toBe("column genre_id has no default and was not given a value (the database requires one)")
      expect(yield* Genre.count()).toBe(6)
    })
  )

  if (dialect === "postgres") {
    it.effect(
      'a range and ORDER BY on our own indexed text column still use its index (the COLLATE "C" is dropped)',
      () =>
        Effect.gen(function* () {
          yield* Priced.create({
            id: "p2",
            price: BigDecimal.unsafeFromString("2"),
            at: at("2020-01-01T00:00:02Z"),
            code: "y"
          })
          const db = yield* sqlDatabase
          const model = Priced.info
          const ordered = selectWhere(db, model, toExpr(model.name, model.columnMap, { code: { $gt: "a" } }), {
            suffix: orderClause(db.hooks, [{ field: model.columnMap.get("code")!, descending: false }]) + " LIMIT 1"
          })
          expect(ordered.sql).toContain(`"code"::text COLLATE "C" > $1 ORDER BY "code"::text COLLATE "C" ASC`)
          const plan = yield* Database.transaction(
            Effect.gen(function* () {
              yield* raw("SET LOCAL enable_seqscan = off")
              return (yield* raw(`EXPLAIN (COSTS OFF) ${ordered.sql}`, ordered.params)).map((r) =>
                String(r["query plan"])
              )
            })
          )
          expect(plan.join("\n")).toContain("Index Scan using value_priceds_code_idx")
          expect(plan.join("\n")).not.toContain("Sort")
        })
    )
  }

  if (dialect !== "postgres") {
    it.effect("an equality on our own indexed text column still uses its index; ORDER BY too", () =>
      Effect.gen(function* () {
        yield* Priced.create({
          id: "p2",
          price: BigDecimal.unsafeFromString("2"),
          at: at("2020-01-01T00:00:02Z"),
          code: "y"
        })
        const db = yield* sqlDatabase
        const model = Priced.info
        const filtered = selectWhere(db, model, toExpr(model.name, model.columnMap, { code: "y" }))
        const ordered = selectWhere(db, model, toExpr(model.name, model.columnMap, { code: { $gt: "a" } }), {
          suffix: dialect === "mysql" ? " ORDER BY `code` LIMIT 1" : ` ORDER BY "code" COLLATE BINARY LIMIT 1`
        })
        if (dialect === "mysql") {
          expect(filtered.sql).toContain("`code` = ? COLLATE utf8mb4_nopad_bin")
          const [plan] = yield* raw(`EXPLAIN ${filtered.sql}`, filtered.params)
          expect(plan!["key"]).toBe("value_priceds_code_idx")
          const [order] = yield* raw(`EXPLAIN ${ordered.sql}`, ordered.params)
          expect([order!["key"], String(order!["extra"])]).toEqual([
            "value_priceds_code_idx",
            expect.not.stringContaining("filesort")
          ])
          // a layer without autoMigrate still inspects the table once: our binary column sorts bare
          const term = yield* Effect.provide(
            Effect.zipRight(
              Priced.count(),
              Effect.map(sqlDatabase, (db2) =>
                orderClause(db2.hooks, [{ field: model.columnMap.get("code")!, descending: false }])
              )
            ),
            Database.layer({ url: urlFor("mysql", "df_values_existing"), autoMigrate: false })
          )
          expect(term).toBe(" ORDER BY `code` ASC")
          // the utf8mb3_general_ci column: its index cannot serve a binary comparison
          const legacyPlan = yield* raw(
            "EXPLAIN SELECT genre_id FROM legacy_genre WHERE name = ? COLLATE utf8mb4_nopad_bin",
            ["rock"]
          )
          expect(legacyPlan[0]!["possible_keys"]).toBeNull()
        } else {
          expect(filtered.sql).toContain(`"code" COLLATE BINARY = ?`)
          const plan = (yield* raw(`EXPLAIN QUERY PLAN ${filtered.sql}`, filtered.params)).map((r) =>
            String(r["detail"])
          )
          expect(plan).toEqual([expect.stringContaining("USING INDEX value_priceds_code_idx")])
          const order = (yield* raw(`EXPLAIN QUERY PLAN ${ordered.sql}`, ordered.params)).map((r) =>
            String(r["detail"])
          )
          expect(order).toEqual([expect.stringContaining("USING INDEX value_priceds_code_idx")])
        }
      })
    )
  }

  if (dialect === "sqlite") {
    it.effect("SQLite: the journal mode is the file's own unless the layer asks for WAL", () =>
      Effect.gen(function* () {
        const url = urlFor("sqlite", "df_values_journal")
        const mode = Effect.map(raw("PRAGMA journal_mode"), (rows) => String(rows[0]!["journal_mode"]))
        const file = url.slice("sqlite:".length)
        yield* Effect.promise(async () => {
          const fs = await import("node:fs")
          for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
        })
        expect(yield* Effect.provide(mode, Database.layer({ url }))).toBe("delete")
        // a layer that creates its table, its ledger and a row leaves the file as it was: a
        // connection of its own finds no WAL (SQLite keeps WAL in the file; nothing else persists)
        yield* Effect.provide(
          Genre.create({ id: 1, name: "Rock" }),
          Database.layer({ url, models: [Genre], autoMigrate: true })
        ).pipe(Effect.orDie)
        const own = new Sqlite(file, { readonly: true })
        expect(own.pragma("journal_mode", { simple: true })).toBe("delete")
        own.close()
        expect(yield* Effect.provide(mode, Database.layer({ url, sqlite: { journalMode: "wal" } }))).toBe("wal")
        // WAL is kept in the file (SQLite's rule): a later layer without the option finds it so
        expect(yield* Effect.provide(mode, Database.layer({ url }))).toBe("wal")
        expect(yield* Effect.provide(mode, Database.layer({ url, sqlite: { journalMode: "delete" } }))).toBe("delete")
      })
    )
  }
})
