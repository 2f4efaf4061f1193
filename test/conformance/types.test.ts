/**
 * Type conformance: every field kind of docs/models.md ("Type mapping") round-trips exactly through create, read and list
 * on SQLite, PostgreSQL and MariaDB, and the columns have the documented types.
 */
import { expect } from "@effect/vitest"
import { BigDecimal, Effect, Equal, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { type DialectName, forEachDialect, reset } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

// ---------------------------------------------------------------------------------------------
// Models (unique to this file)
// ---------------------------------------------------------------------------------------------

const Text = DataFlow.model(
  "Text",
  {
    id: Schema.String,
    body: Schema.String, // TEXT (LONGTEXT on MySQL)
    code: Schema.String, // indexed: VARCHAR(255) on MySQL
    short: Schema.String.pipe(Schema.maxLength(20))
  },
  { indexes: [["code"]] }
)

const Num = DataFlow.model("Num", {
  id: Schema.String,
  i: Schema.Int,
  big: Schema.BigIntFromSelf,
  x: Schema.Number,
  flag: Schema.Boolean
})

const Event = DataFlow.model("Event", { id: Schema.String, at: Schema.Date })

const Doc = DataFlow.model("Doc", {
  id: Schema.String,
  profile: Schema.Struct({
    name: Schema.String,
    age: Schema.Number,
    tags: Schema.Array(Schema.String),
    address: Schema.Struct({ city: Schema.String, zip: Schema.NullOr(Schema.String) }),
    nick: Schema.optional(Schema.String)
  }),
  items: Schema.Array(Schema.Struct({ sku: Schema.String, qty: Schema.Int, price: Schema.Number })),
  scores: Schema.Record({ key: Schema.String, value: Schema.Number }),
  pair: Schema.Tuple(Schema.String, Schema.Int, Schema.Boolean),
  meta: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

const Blob = DataFlow.model("Blob", { id: Schema.String, data: Schema.Uint8ArrayFromSelf })

const Amount = DataFlow.model("Amount", { id: Schema.String, value: Schema.BigDecimalFromSelf })

const Ref = DataFlow.model("Ref", { id: Schema.UUID, other: Schema.UUID, label: Schema.String })

const statuses = ["open", "in_progress", "it's", "back\\slash", "ünïcødé"] as const
const Ticket = DataFlow.model("Ticket", {
  id: Schema.Int,
  status: Schema.Literal(...statuses),
  priority: Schema.optional(Schema.NullOr(Schema.Literal("low", "high")))
})
// The same table seen through a newer schema that allows one more status (a deploy skew): the
// value passes validation, and the table's CHECK constraint rejects it.
const TicketWide = DataFlow.model(
  "TicketWide",
  {
    id: Schema.Int,
    status: Schema.Literal(...statuses, "archived"),
    priority: Schema.optional(Schema.NullOr(Schema.Literal("low", "high")))
  },
  { table: "tickets" }
)

const Maybe = DataFlow.model("Maybe", {
  id: Schema.String,
  nick: Schema.NullOr(Schema.String),
  extra: Schema.NullOr(Schema.Struct({ a: Schema.Number })),
  big: Schema.NullOr(Schema.BigIntFromSelf),
  age: Schema.optional(Schema.Int),
  born: Schema.optional(Schema.Date),
  flag: Schema.optional(Schema.Boolean),
  tags: Schema.optional(Schema.Array(Schema.String)),
  blob: Schema.optional(Schema.Uint8ArrayFromSelf),
  bio: Schema.optional(Schema.NullOr(Schema.String)),
  seen: Schema.optional(Schema.NullOr(Schema.Date)),
  amount: Schema.optional(Schema.NullOr(Schema.BigDecimalFromSelf))
})

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const strip = <A extends { readonly created_at: Date; readonly updated_at: Date }>(record: A) => {
  const { created_at: _c, updated_at: _u, ...rest } = record
  return rest
}

/**
 * Creates every row, then checks create's result, read() and list() all equal the input exactly;
 * then writes the same rows again through bulkCreate and reads them back.
 */
const roundTrip = <R extends { readonly id: unknown; readonly created_at: Date; readonly updated_at: Date }>(
  model: {
    readonly create: (input: any) => Effect.Effect<R, any, Database.Database>
    readonly read: (params: { readonly id: any }) => Effect.Effect<R, any, Database.Database>
    readonly list: (params?: any) => Effect.Effect<{ readonly records: ReadonlyArray<R> }, any, Database.Database>
    readonly bulkDelete: (params: any) => Effect.Effect<{ readonly deleted: number }, any, Database.Database>
    readonly bulkCreate: (
      params: any
    ) => Effect.Effect<{ readonly inserted: number; readonly skipped: number }, any, Database.Database>
  },
  rows: ReadonlyArray<Record<string, unknown>>
) =>
  Effect.gen(function* () {
    const created: Array<R> = []
    for (const row of rows) {
      const record = yield* model.create(row)
      expect(strip(record)).toStrictEqual(row)
      expect(record.created_at).toBeInstanceOf(Date)
      created.push(record)
    }
    for (const record of created) {
      const read = yield* model.read({ id: record.id })
      expect(read).toStrictEqual(record)
    }
    const page = yield* model.list({ limit: 1000 })
    expect(page.records).toHaveLength(rows.length)
    for (const record of created) {
      expect(page.records.find((r) => r.id === record.id)).toStrictEqual(record)
    }
    if (rows.every((r) => r["id"] !== undefined)) {
      // the same rows through bulkCreate (COPY on PostgreSQL, multi-row VALUES elsewhere) read back the same
      expect(yield* model.bulkDelete({ filter: {}, confirmed: true })).toEqual({ deleted: rows.length })
      expect(yield* model.bulkCreate({ data: rows })).toEqual({ inserted: rows.length, skipped: 0 })
      for (const record of created) {
        expect(strip(yield* model.read({ id: record.id }))).toStrictEqual(strip(record))
      }
    }
    return created
  })

/** The declared type of each column, as the database reports it (lower case). */
const columnTypes = (table: string) =>
  Effect.gen(function* () {
    const db = yield* sqlDatabase
    const out: Record<string, string> = {}
    switch (db.dialect) {
      case "postgres": {
        const rows = yield* db.sql.unsafe<{
          column_name: string
          data_type: string
          character_maximum_length: number | null
        }>(
          "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
          [table]
        )
        for (const r of rows)
          out[r.column_name] = r.data_type + (r.character_maximum_length ? `(${r.character_maximum_length})` : "")
        break
      }
      case "mysql": {
        const rows = yield* db.sql.unsafe<{ COLUMN_NAME: string; COLUMN_TYPE: string }>(
          "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
          [table]
        )
        for (const r of rows) out[r.COLUMN_NAME] = r.COLUMN_TYPE.toLowerCase()
        break
      }
      case "sqlite": {
        const rows = yield* db.sql.unsafe<{ name: string; type: string }>(`PRAGMA table_info("${table}")`)
        for (const r of rows) out[r.name] = r.type.toLowerCase()
        break
      }
    }
    return out
  }).pipe(Effect.orDie)

/**
 * A Database that fails the test if anything but its tracing mode is touched: proves a failure
 * happened before SQL (and before any table was created).
 */
const untouchable = Database.Database.of(
  new Proxy({} as Database.DatabaseService, {
    get: (_t, key) => {
      if (key === "tracing") return "off"
      throw new Error(`the database was used (${String(key)}) although validation should have failed first`)
    }
  })
)

const expectedTypes: Record<DialectName, Record<string, Record<string, string | RegExp>>> = {
  postgres: {
    texts: { id: "text", body: "text", code: "text", short: "character varying(20)" },
    nums: { i: "integer", big: "bigint", x: "double precision", flag: "boolean" },
    events: { at: "timestamp with time zone", created_at: "timestamp with time zone" },
    docs: { profile: "jsonb", items: "jsonb", pair: "jsonb" },
    blobs: { data: "bytea" },
    amounts: { value: "numeric" },
    refs: { id: "uuid", other: "uuid" },
    tickets: { id: "integer", status: "text" }
  },
  mysql: {
    texts: { id: "varchar(255)", body: "longtext", code: "varchar(255)", short: "varchar(20)" },
    nums: { i: /^int(\(11\))?$/, big: /^bigint(\(20\))?$/, x: "double", flag: "tinyint(1)" },
    events: { at: "datetime(6)", created_at: "datetime(6)" },
    // MariaDB's JSON is LONGTEXT with a json_valid CHECK; MySQL 8 has a native JSON type
    docs: { profile: /^(json|longtext)$/, items: /^(json|longtext)$/, pair: /^(json|longtext)$/ },
    blobs: { data: "longblob" },
    amounts: { value: "decimal(65,30)" },
    refs: { id: "char(36)", other: "char(36)" },
    tickets: { id: /^int(\(11\))?$/, status: /^varchar\(\d+\)$/ }
  },
  sqlite: {
    texts: { id: "text", body: "text", code: "text", short: "text" },
    nums: { i: "integer", big: "bigint", x: "real", flag: "integer" },
    events: { at: "text", created_at: "text" },
    docs: { profile: "text", items: "text", pair: "text" },
    blobs: { data: "blob" },
    amounts: { value: "text" },
    refs: { id: "text", other: "text" },
    tickets: { id: "integer", status: "text" }
  }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

forEachDialect("types", (it, dialect) => {
  it.effect("strings: empty, unicode and emoji, very long, quotes; string ids come back unchanged", () =>
    Effect.gen(function* () {
      yield* reset(Text)
      const long = "long text ✓ ".repeat(30_000) // 360,000 characters (> MySQL TEXT's 64 KiB)
      yield* roundTrip(Text, [
        { id: "plain", body: "", code: "", short: "" },
        { id: " spaced id ", body: "trailing spaces   ", code: " x ", short: "12345678901234567890" },
        { id: "MiXeD", body: "MiXeD", code: "mixed", short: "ü".repeat(20) },
        { id: "ünï-cødé ✓", body: "Grüße, 日本語, Ελληνικά, עברית", code: "日本語", short: "🎉".repeat(10) },
        { id: "emoji-👩‍👩‍👧‍👦", body: "family 👩‍👩‍👧‍👦 clef 𝄞 flag 🇩🇪", code: "🎉".repeat(100), short: "𝄞" },
        {
          id: "q'\"\\%_",
          body: 'it\'s "quoted" \\ back\\slash %_ wildcards',
          code: "'; DROP TABLE texts; --",
          short: "\\'"
        },
        { id: "ws\n\t", body: "line\nbreak\r\ntab\tend", code: "c".repeat(255), short: "\n" },
        { id: "long", body: long, code: "long", short: "long" },
        // what COPY's text format gives meaning to must come back as written
        { id: "\\N", body: "\\N", code: "\\.", short: "\\t\\n\\\\x41" },
        { id: "copy\\.", body: "a\tb\\\tc\n\\.\n\\N\r", code: "\\x41", short: "\t" }
      ])
      // the id "" is a real, distinct id
      yield* Text.create({ id: "", body: "empty id", code: "e", short: "e" })
      expect((yield* Text.read({ id: "" })).body).toBe("empty id")
      expect((yield* Text.read({ id: " spaced id " })).id).toBe(" spaced id ")
      expect(yield* Effect.flip(Text.read({ id: "spaced id" }))).toMatchObject({ _tag: "NotFound" })
      expect(yield* Effect.flip(Text.read({ id: "mixed" }))).toMatchObject({ _tag: "NotFound" })
    })
  )

  it.effect("maxLength is checked before SQL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Text.create({ id: "t", body: "", code: "", short: "x".repeat(21) }).pipe(
          Effect.provideService(Database.Database, untouchable)
        )
      )
      expect(error).toMatchObject({ _tag: "ValidationError", path: "short" })
    })
  )

  it.effect(
    "Int (32-bit range), BigInt beyond 2^53 and negative, Number fractions and extremes, Boolean as boolean",
    () =>
      Effect.gen(function* () {
        yield* reset(Num)
        const rows = [
          { id: "zero", i: 0, big: 0n, x: 0, flag: false },
          { id: "max", i: 2147483647, big: 9223372036854775807n, x: Number.MAX_VALUE, flag: true },
          { id: "min", i: -2147483648, big: -9223372036854775808n, x: -Number.MAX_VALUE, flag: false },
          { id: "beyond53", i: 1, big: 9007199254740993n, x: 0.1 + 0.2, flag: true },
          { id: "negative", i: -1, big: -9007199254740993n, x: -1.5, flag: true },
          { id: "fractions", i: 42, big: 1n, x: 1 / 3, flag: false },
          { id: "tiny", i: -42, big: -1n, x: 5e-324, flag: true },
          { id: "large", i: 123456789, big: 2n ** 62n, x: 1.2345678901234567e300, flag: false },
          { id: "smallfrac", i: 7, big: 7n, x: -2.5e-10, flag: true },
          { id: "integral", i: 8, big: 8n, x: 9007199254740993, flag: false }
        ]
        const created = yield* roundTrip(Num, rows)
        for (const r of created) {
          expect(typeof r.flag).toBe("boolean")
          expect(typeof r.big).toBe("bigint")
          expect(typeof r.i).toBe("number")
          expect(typeof r.x).toBe("number")
        }
        // booleans filter and count as booleans
        expect(yield* Num.count({ filter: { flag: true } })).toBe(5)
        expect(
          (yield* Num.list({ filter: { big: { $gt: 9007199254740992n } }, orderBy: ["big"] })).records.map((r) => r.id)
        ).toEqual(["beyond53", "large", "max"])
      })
  )

  it.effect("values some database cannot store exactly fail ValidationError on every database, before SQL", () =>
    Effect.gen(function* () {
      const refused = (
        model: { readonly name: string; readonly create: (i: any) => Effect.Effect<unknown, any, Database.Database> },
        input: Record<string, unknown>,
        path: string
      ) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(
            model.create(input).pipe(Effect.provideService(Database.Database, untouchable))
          )
          expect(error, `${model.name} ${path}`).toMatchObject({ _tag: "ValidationError", path })
          return error as Error
        })
      const num = { id: "r", i: 0, big: 0n, x: 0, flag: false }
      // Int is a 32-bit column, BigInt a 64-bit one
      for (const i of [2147483648, -2147483649, Number.MAX_SAFE_INTEGER]) {
        const error = yield* refused(Num, { ...num, i }, "i")
        expect(error.message).not.toContain(String(i))
      }
      for (const big of [2n ** 63n, -(2n ** 63n) - 1n]) yield* refused(Num, { ...num, big }, "big")
      // NaN and ±Infinity: MySQL refuses them, SQLite turns NaN into NULL
      for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
        yield* refused(Num, { ...num, x }, "x")
      // MySQL's DATETIME spans years 1000–9999 (year 0001 read back as 1901, year 10000 as an invalid date)
      for (const at of [
        new Date("0999-12-31T23:59:59.999Z"),
        new Date("0001-01-01T00:00:00.000Z"),
        new Date("+010000-01-01T00:00:00.000Z")
      ]) {
        yield* refused(Event, { id: "e", at }, "at")
      }
      // MySQL's DECIMAL(65,30) would round a 31st fractional digit silently
      yield* refused(
        Amount,
        { id: "a", value: BigDecimal.unsafeFromString("0.1234567890123456789012345678901") },
        "value"
      )
      yield* refused(
        Amount,
        { id: "a", value: BigDecimal.unsafeFromString("123456789012345678901234567890123456") },
        "value"
      )
      // PostgreSQL cannot store U+0000 in text or JSON
      yield* refused(Text, { id: "t", body: "a\u0000b", code: "", short: "" }, "body")
      yield* refused(Text, { id: "a\u0000", body: "", code: "", short: "" }, "id")
      const doc = {
        id: "d",
        profile: { name: "x", age: 1, tags: [], address: { city: "c", zip: null } },
        items: [],
        scores: {},
        pair: ["a", 1, true],
        meta: {}
      }
      yield* refused(Doc, { ...doc, meta: { s: "\u0000" } }, "meta.s")
      // JSON has no NaN or Infinity (JSON.stringify would write null), MariaDB no deeper nesting than 31
      yield* refused(Doc, { ...doc, scores: { a: Number.NaN } }, "scores.a")
      yield* refused(Doc, { ...doc, meta: { list: [1, Number.POSITIVE_INFINITY] } }, "meta.list.1")
      yield* refused(Doc, { ...doc, meta: { at: new Date(0) } }, "meta.at")
      let deep: unknown = 1
      for (let n = 0; n < 31; n++) deep = [deep]
      yield* refused(Doc, { ...doc, meta: { deep } }, "meta.deep" + ".0".repeat(30))
      // a key or indexed string (VARCHAR(255) on MySQL) holds 255 characters
      yield* refused(Text, { id: "x".repeat(256), body: "", code: "", short: "" }, "id")
      yield* refused(Text, { id: "t", body: "", code: "🎉".repeat(256), short: "" }, "code")
      // the same limits apply to update
      const onUpdate = yield* Effect.flip(
        Num.update({ filter: { id: "r" }, fields: { i: 2 ** 31 } }).pipe(
          Effect.provideService(Database.Database, untouchable)
        )
      )
      expect(onUpdate).toMatchObject({ _tag: "ValidationError", path: "i" })
    })
  )

  it.effect("the limits themselves are stored exactly", () =>
    Effect.gen(function* () {
      yield* reset(Text, Event, Amount, Doc)
      yield* roundTrip(Text, [{ id: "🎉".repeat(255), body: "x", code: "c".repeat(255), short: "" }])
      yield* roundTrip(Event, [
        { id: "min", at: new Date("1000-01-01T00:00:00.000Z") },
        { id: "max", at: new Date("9999-12-31T23:59:59.999Z") }
      ])
      let deep: unknown = "leaf"
      for (let n = 0; n < 30; n++) deep = n % 2 === 0 ? [deep] : { k: deep } // 31 levels with meta
      yield* roundTrip(Doc, [
        {
          id: "deep",
          profile: { name: "x", age: 1, tags: [], address: { city: "c", zip: null } },
          items: [],
          scores: {},
          pair: ["a", 1, true],
          meta: { deep }
        }
      ])
      const extreme = "-99999999999999999999999999999999999.999999999999999999999999999999"
      const created = yield* Amount.create({ id: "x", value: BigDecimal.unsafeFromString(extreme) })
      expect(BigDecimal.format(created.value)).toBe(BigDecimal.format(BigDecimal.unsafeFromString(extreme)))
    })
  )

  it.effect("wrong runtime types fail ValidationError before SQL", () =>
    Effect.gen(function* () {
      const bad = [
        [Num, { id: "n", i: 1.5, big: 0n, x: 0, flag: true }, "i"],
        [Num, { id: "n", i: 1, big: 1, x: 0, flag: true }, "big"],
        [Num, { id: "n", i: 1, big: 0n, x: "1", flag: true }, "x"],
        [Num, { id: "n", i: 1, big: 0n, x: 0, flag: "true" }, "flag"],
        [Num, { id: "n", i: 1, big: 0n, x: 0, flag: 1 }, "flag"],
        [Event, { id: "e", at: "2024-01-01T00:00:00.000Z" }, "at"],
        [Event, { id: "e", at: new Date(Number.NaN) }, "at"],
        [Blob, { id: "b", data: [1, 2, 3] }, "data"],
        [Amount, { id: "a", value: "1.5" }, "value"],
        [Ref, { id: "not-a-uuid", other: "0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f", label: "x" }, "id"],
        [
          Doc,
          { id: "d", profile: { name: "x" }, items: [], scores: {}, pair: ["a", 1, true], meta: {} },
          "profile.age"
        ],
        [
          Doc,
          {
            id: "d",
            profile: { name: "x", age: 1, tags: [], address: { city: "c", zip: null } },
            items: [],
            scores: { a: "1" },
            pair: ["a", 1, true],
            meta: {}
          },
          "scores.a"
        ],
        [
          Doc,
          {
            id: "d",
            profile: { name: "x", age: 1, tags: [], address: { city: "c", zip: null } },
            items: [],
            scores: {},
            pair: ["a", 1],
            meta: {}
          },
          "pair.2"
        ]
      ] as const
      for (const [model, input, path] of bad) {
        const error = yield* Effect.flip(
          (model.create as (i: unknown) => Effect.Effect<unknown, { _tag: string }, Database.Database>)(input).pipe(
            Effect.provideService(Database.Database, untouchable)
          )
        )
        expect(error, `${model.name}.${path}`).toMatchObject({ _tag: "ValidationError", path })
      }
    })
  )

  it.effect("dates: milliseconds, epoch, before 1970, far past and far future come back as the same instants", () =>
    Effect.gen(function* () {
      yield* reset(Event)
      const created = yield* roundTrip(Event, [
        { id: "ms", at: new Date("2024-02-29T12:34:56.789Z") },
        { id: "epoch", at: new Date(0) },
        { id: "before-epoch", at: new Date("1969-12-31T23:59:59.999Z") },
        { id: "far-past", at: new Date("1000-01-01T00:00:00.001Z") },
        { id: "past", at: new Date("1900-01-01T00:00:00.001Z") },
        { id: "far-future", at: new Date("9999-12-31T23:59:59.999Z") },
        { id: "offset", at: new Date("2024-06-30T23:30:00.5+05:30") },
        { id: "dst", at: new Date("2024-03-31T01:00:00.000Z") }
      ])
      for (const r of created) expect(r.at).toBeInstanceOf(Date)
      // order and range filters compare instants
      const page = yield* Event.list({ filter: { at: { $lt: new Date("1970-01-01T00:00:00.000Z") } }, orderBy: ["at"] })
      expect(page.records.map((r) => r.id)).toEqual(["far-past", "past", "before-epoch"])
      expect((yield* Event.list({ orderBy: ["-at"], limit: 1 })).records[0]!.id).toBe("far-future")
    })
  )

  it.effect("dates are the same instants whatever the process's time zone (historic offsets have seconds)", () =>
    Effect.gen(function* () {
      yield* reset(Event)
      const rows = [
        { id: "lmt", at: new Date("1883-11-18T16:59:59.999Z") }, // New York's LMT offset is -4:56:02
        { id: "old", at: new Date("1000-01-01T00:00:00.001Z") },
        { id: "dst-gap", at: new Date("2024-03-10T07:30:00.000Z") },
        { id: "now", at: new Date() }
      ]
      const saved = process.env["TZ"]
      const setTz = (tz: string | undefined) =>
        Effect.sync(() => {
          if (tz === undefined) delete process.env["TZ"]
          else process.env["TZ"] = tz
        })
      yield* Effect.acquireUseRelease(
        setTz("America/New_York"),
        () => roundTrip(Event, rows),
        () => setTz(saved)
      )
      expect(process.env["TZ"]).toBe(saved)
    })
  )

  it.effect("JSON: nested objects, arrays of objects, Record, Tuple, empty array/object come back as values", () =>
    Effect.gen(function* () {
      yield* reset(Doc)
      yield* roundTrip(Doc, [
        {
          id: "full",
          profile: {
            name: 'Zoë "Z" O\'Neil 🎉',
            age: 41.5,
            tags: ["a", "b", "ünï", ""],
            address: { city: "Zürich", zip: null },
            nick: "z\\z"
          },
          items: [
            { sku: "A-1", qty: 2, price: 9.99 },
            { sku: "B-2", qty: -1, price: 0 }
          ],
          scores: { math: 1.5, "with space": -2, ü: 1e21, "": 0 },
          pair: ["x", 2147483647, false],
          meta: { nested: { deep: { deeper: [1, [2, [3, { four: null }]]] } }, flag: true, none: null, n: 0.1 }
        },
        {
          id: "empty",
          profile: { name: "", age: 0, tags: [], address: { city: "", zip: "" } },
          items: [],
          scores: {},
          pair: ["", 0, true],
          meta: {}
        },
        {
          id: "escapes",
          profile: {
            name: "line\nbreak\ttab \u2028 \u00e9",
            age: -1e-7,
            tags: ['["not json"]', "{}"],
            address: { city: '\\"', zip: "0" }
          },
          items: [{ sku: '{"a":1}', qty: 0, price: 1.7976931348623157e308 }],
          scores: { "a.b": 1, $c: 2, "key'quote": 3 },
          pair: ["[]", -2147483648, true],
          meta: { array: [], object: {}, string: "", zero: 0, false: false }
        }
      ])
      const full = yield* Doc.read({ id: "full" })
      expect(Array.isArray(full.items)).toBe(true)
      expect(Array.isArray(full.pair)).toBe(true)
      expect(typeof full.profile).toBe("object")
      expect("nick" in (yield* Doc.read({ id: "empty" })).profile).toBe(false)
    })
  )

  it.effect("bytes: 0x00, 0xff, empty, every byte value, large, and a view into a bigger buffer", () =>
    Effect.gen(function* () {
      yield* reset(Blob)
      const every = new Uint8Array(256).map((_, i) => i)
      yield* roundTrip(Blob, [
        { id: "edges", data: new Uint8Array([0x00, 0xff, 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x00]) },
        { id: "empty", data: new Uint8Array(0) },
        { id: "zero", data: new Uint8Array([0]) },
        { id: "ff", data: new Uint8Array([0xff]) },
        { id: "every", data: every }
      ])
      // 3 MiB (far beyond MySQL's 64 KiB BLOB): compared byte for byte
      const large = new Uint8Array(3 << 20).map((_, i) => (i * 7919) % 256)
      yield* Blob.create({ id: "large", data: large })
      for (const got of [
        (yield* Blob.read({ id: "large" })).data,
        (yield* Blob.list({ filter: { id: "large" } })).records[0]!.data
      ]) {
        expect(got).toBeInstanceOf(Uint8Array)
        expect(Buffer.isBuffer(got)).toBe(false)
        expect(got.byteLength).toBe(large.byteLength)
        expect(Buffer.compare(Buffer.from(got), Buffer.from(large))).toBe(0)
      }
      // a view into a bigger buffer stores only its own bytes
      const view = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5)
      const fromView = yield* Blob.create({ id: "view", data: view })
      expect(fromView.data).toStrictEqual(new Uint8Array([1, 2, 3]))
      expect((yield* Blob.read({ id: "view" })).data).toStrictEqual(new Uint8Array([1, 2, 3]))
    })
  )

  it.effect("BigDecimal: exact on every database, compared with BigDecimal.equals (scale is normalized)", () =>
    Effect.gen(function* () {
      yield* reset(Amount)
      // DECIMAL(65,30) on MySQL holds 35 integer and 30 fractional digits; these fit everywhere
      const values = [
        "0",
        "1.5",
        "1.50",
        "-123.456",
        "0.000000000000000001",
        "0.123456789012345678901234567890",
        "-0.000000000000000000000000000001",
        "12345678901234567890123456789012345",
        "12345678901234567890.123456789012345678",
        "100000000000000000000",
        "-99999999999999999999999999999999999.999999999999999999999999999999"
      ]
      for (const [i, s] of values.entries()) {
        const input = BigDecimal.unsafeFromString(s)
        const created = yield* Amount.create({ id: `a${i}`, value: input })
        const read = yield* Amount.read({ id: `a${i}` })
        for (const got of [created.value, read.value]) {
          expect(BigDecimal.isBigDecimal(got)).toBe(true)
          expect(BigDecimal.equals(got, input), `${s} came back as ${BigDecimal.format(got)}`).toBe(true)
          expect(Equal.equals(got, input)).toBe(true)
          // the same normalized value and scale on every dialect ("1.50" → 1.5, scale 1)
          expect(got.value).toBe(BigDecimal.normalize(input).value)
          expect(got.scale).toBe(BigDecimal.normalize(input).scale)
        }
      }
      const page = yield* Amount.list({ limit: 100 })
      for (const [i, s] of values.entries()) {
        const got = page.records.find((r) => r.id === `a${i}`)!.value
        expect(BigDecimal.equals(got, BigDecimal.unsafeFromString(s))).toBe(true)
      }
      expect(
        (yield* Amount.list({ filter: { value: BigDecimal.unsafeFromString("1.5") } })).records.map((r) => r.id).sort()
      ).toEqual(["a1", "a2"])
    })
  )

  it.effect(
    "UUID: ids and fields round-trip; given ids are kept; upper-case input is stored lower-case everywhere",
    () =>
      Effect.gen(function* () {
        yield* reset(Ref)
        yield* roundTrip(Ref, [
          { id: "0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f", other: "00000000-0000-0000-0000-000000000000", label: "a" },
          { id: "ffffffff-ffff-4fff-bfff-ffffffffffff", other: "0e3d7a5c-8f1b-4c2a-9d6e-1a2b3c4d5e6f", label: "b" }
        ])
        const generated = yield* Ref.create({ other: "ffffffff-ffff-4fff-bfff-ffffffffffff", label: "gen" })
        expect(generated.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(yield* Ref.read({ id: generated.id })).toStrictEqual(generated)
        const upper = yield* Ref.create({
          id: "A0E3D7A5-8F1B-4C2A-9D6E-1A2B3C4D5E6F",
          other: "ABCDEF00-0000-0000-0000-000000000000",
          label: "upper"
        })
        expect(upper.id).toBe("a0e3d7a5-8f1b-4c2a-9d6e-1a2b3c4d5e6f")
        expect(upper.other).toBe("abcdef00-0000-0000-0000-000000000000")
        expect((yield* Ref.read({ id: "A0E3D7A5-8F1B-4C2A-9D6E-1A2B3C4D5E6F" })).label).toBe("upper")
        expect((yield* Ref.read({ id: "a0e3d7a5-8f1b-4c2a-9d6e-1a2b3c4d5e6f" })).label).toBe("upper")
      })
  )

  it.effect("literal unions: every member (quotes, backslash, unicode) round-trips; optional NullOr literal", () =>
    Effect.gen(function* () {
      yield* reset(Ticket)
      const created = []
      for (const status of statuses) created.push(yield* Ticket.create({ status }))
      created.push(yield* Ticket.create({ status: "open", priority: "high" }))
      created.push(yield* Ticket.create({ status: "open", priority: null }))
      expect(created.map((t) => t.status)).toEqual([...statuses, "open", "open"])
      expect(created.at(-2)!.priority).toBe("high")
      expect(created.at(-1)!.priority).toBeNull()
      for (const t of created) expect(yield* Ticket.read({ id: t.id })).toStrictEqual(t)
      const page = yield* Ticket.list({ orderBy: ["id"] })
      expect(page.records).toStrictEqual(created)
      expect((yield* Ticket.list({ filter: { status: "back\\slash" } })).records.map((t) => t.status)).toEqual([
        "back\\slash"
      ])
    })
  )

  it.effect("a literal outside the union fails ValidationError at validation, before SQL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Ticket.create({ status: "closed" as never }).pipe(Effect.provideService(Database.Database, untouchable))
      )
      expect(error).toMatchObject({ _tag: "ValidationError", model: "Ticket", path: "status" })
      expect(error.message).not.toContain("closed")
      const onUpdate = yield* Effect.flip(
        Ticket.update({ filter: { id: 1 }, fields: { status: "OPEN" as never } }).pipe(
          Effect.provideService(Database.Database, untouchable)
        )
      )
      expect(onUpdate).toMatchObject({ _tag: "ValidationError", path: "status" })
    })
  )

  it.effect("a value the table's CHECK rejects fails typed (ValidationError), never as a defect", () =>
    Effect.gen(function* () {
      yield* reset(Ticket)
      const ok = yield* TicketWide.create({ status: "open" })
      expect(ok.status).toBe("open")
      const error = yield* Effect.flip(TicketWide.create({ status: "archived" }))
      expect(error._tag).toBe("ValidationError")
      expect(error.message).toMatch(/check constraint/i)
      expect(error.message).not.toContain("archived")
      const onUpdate = yield* Effect.flip(TicketWide.update({ filter: { id: ok.id }, fields: { status: "archived" } }))
      expect(onUpdate._tag).toBe("ValidationError")
      expect((yield* Ticket.read({ id: ok.id })).status).toBe("open")
      expect(yield* Ticket.count()).toBe(1)
    })
  )

  it.effect("NullOr stores and returns null; optional fields omitted stay absent after create, read and list", () =>
    Effect.gen(function* () {
      yield* reset(Maybe)
      const bare = yield* Maybe.create({ id: "bare", nick: null, extra: null, big: null })
      const expectedKeys = ["id", "nick", "extra", "big", "bio", "seen", "amount", "created_at", "updated_at"].sort()
      expect(Object.keys(bare).sort()).toEqual(expectedKeys)
      expect(strip(bare)).toStrictEqual({
        id: "bare",
        nick: null,
        extra: null,
        big: null,
        bio: null,
        seen: null,
        amount: null
      })
      for (const absent of ["age", "born", "flag", "tags", "blob"]) expect(absent in bare).toBe(false)
      const read = yield* Maybe.read({ id: "bare" })
      expect(read).toStrictEqual(bare)
      expect(Object.keys(read).sort()).toEqual(expectedKeys)
      const listed = (yield* Maybe.list({ filter: { id: "bare" } })).records[0]!
      expect(listed).toStrictEqual(bare)
      expect(Object.keys(listed).sort()).toEqual(expectedKeys)

      // explicit undefined for an optional field is the same as omitting it
      const undef = yield* Maybe.create({ id: "undef", nick: null, extra: null, big: null, age: undefined as never })
      expect("age" in undef).toBe(false)
      expect("age" in (yield* Maybe.read({ id: "undef" }))).toBe(false)

      // every field given a value (falsy values included) comes back as given
      const full = {
        id: "full",
        nick: "",
        extra: { a: 0 },
        big: 0n,
        age: 0,
        born: new Date(0),
        flag: false,
        tags: [],
        blob: new Uint8Array(0),
        bio: "",
        seen: new Date("2024-01-01T00:00:00.000Z")
      }
      const created = yield* Maybe.create(full)
      expect(strip(created)).toStrictEqual({ ...full, amount: null })
      expect(yield* Maybe.read({ id: "full" })).toStrictEqual(created)

      // optional(NullOr(...)) accepts null as well as omission
      const explicitNull = yield* Maybe.create({
        id: "nulls",
        nick: "n",
        extra: { a: 1 },
        big: -1n,
        bio: null,
        seen: null,
        amount: null
      })
      expect(explicitNull).toMatchObject({ bio: null, seen: null, amount: null })
      expect(yield* Maybe.read({ id: "nulls" })).toStrictEqual(explicitNull)

      // NULL is found with the null filter; the stored values are SQL NULL
      expect((yield* Maybe.list({ filter: { nick: null }, orderBy: ["id"] })).records.map((r) => r.id)).toEqual([
        "bare",
        "undef"
      ])
      expect((yield* Maybe.list({ filter: { age: null }, orderBy: ["id"] })).records.map((r) => r.id)).toEqual([
        "bare",
        "nulls",
        "undef"
      ])
      const db = yield* sqlDatabase
      const nulls = yield* db.sql
        .unsafe<{ n: unknown }>(
          `SELECT COUNT(*) AS ${db.hooks.quote("n")} FROM ${db.hooks.quote("maybes")} WHERE ${db.hooks.quote("nick")} IS NULL AND ${db.hooks.quote("extra")} IS NULL AND ${db.hooks.quote("big")} IS NULL AND ${db.hooks.quote("bio")} IS NULL`
        )
        .pipe(Effect.orDie)
      expect(Number(nulls[0]!.n)).toBe(2)

      // null where the schema does not allow it is refused before SQL
      for (const [key, value] of [
        ["age", null],
        ["flag", null],
        ["nick", undefined]
      ] as const) {
        const input: Record<string, unknown> = { id: "x", nick: "n", extra: null, big: null, [key]: value }
        if (value === undefined) delete input[key]
        const error = yield* Effect.flip(
          Maybe.create(input as never).pipe(Effect.provideService(Database.Database, untouchable))
        )
        expect(error).toMatchObject({ _tag: "ValidationError", path: key })
      }

      // update to null where allowed; the record keeps its other fields
      const updated = yield* Maybe.update({ filter: { id: "full" }, fields: { nick: null, bio: null, seen: null } })
      expect(updated).toMatchObject({ nick: null, bio: null, seen: null, age: 0, flag: false })
      expect(yield* Maybe.read({ id: "full" })).toStrictEqual(updated)
    })
  )

  it.effect("columns have the types of docs/models.md (Type mapping)", () =>
    Effect.gen(function* () {
      yield* reset(Text, Num, Event, Doc, Blob, Amount, Ref, Ticket)
      for (const [table, columns] of Object.entries(expectedTypes[dialect])) {
        const actual = yield* columnTypes(table)
        for (const [column, expected] of Object.entries(columns)) {
          if (typeof expected === "string") expect(actual[column], `${table}.${column}`).toBe(expected)
          else expect(actual[column], `${table}.${column}`).toMatch(expected)
        }
      }
    })
  )
})

const DecimalRow = DataFlow.model("DecimalRow", { id: Schema.String, value: Schema.BigDecimal })

const Counter64 = DataFlow.model("Counter64", { id: Schema.String, big: Schema.BigInt })

forEachDialect("bigint_bounds", (it) => {
  it.effect("a bigint filter bound outside 64 bits fails ValidationError on every database", () =>
    Effect.gen(function* () {
      yield* reset(Counter64)
      yield* Counter64.create({ id: "a", big: 2n ** 62n })
      const error = yield* Effect.flip(Counter64.count({ filter: { big: { $lt: 2n ** 70n } } }))
      expect(error).toMatchObject({ _tag: "ValidationError", path: "big.$lt" })
      expect(yield* Counter64.count({ filter: { big: { $lt: 2n ** 63n - 1n } } })).toBe(1)
    })
  )
})

forEachDialect("decimal_order", (it) => {
  const values = ["-20", "-1", "-0.5", "0", "0.5", "2", "9.6", "10", "100", "123456789012345678901234567890.123456789"]
  const seed = Effect.zipRight(
    reset(DecimalRow),
    DecimalRow.bulkCreate({ data: values.map((v, i) => ({ id: `a${i}`, value: BigDecimal.unsafeFromString(v) })) })
  )
  const shown = (records: ReadonlyArray<{ readonly value: BigDecimal.BigDecimal }>) =>
    records.map((r) => BigDecimal.format(r.value))

  it.effect("decimals compare, sort and page by value on every database (SQLite stores them as TEXT)", () =>
    Effect.gen(function* () {
      yield* seed
      expect(shown((yield* DecimalRow.list({ orderBy: ["value"] })).records)).toEqual(values)
      expect(shown((yield* DecimalRow.list({ orderBy: ["-value"] })).records)).toEqual([...values].reverse())
      const gt = yield* DecimalRow.list({
        filter: { value: { $gt: BigDecimal.unsafeFromString("9.6") } },
        orderBy: ["value"]
      })
      expect(shown(gt.records)).toEqual(["10", "100", "123456789012345678901234567890.123456789"])
      const lte = yield* DecimalRow.count({ filter: { value: { $lte: BigDecimal.unsafeFromString("-0.5") } } })
      expect(lte).toBe(3)
      // bounds with more digits than a column can hold still compare by value everywhere
      const long = BigDecimal.unsafeFromString("9.60000000000000000000000000000000000000000001")
      expect(yield* DecimalRow.count({ filter: { value: { $gt: long } } })).toBe(3)
      const huge = BigDecimal.unsafeFromString("-1" + "0".repeat(60))
      expect(yield* DecimalRow.count({ filter: { value: { $gt: huge } } })).toBe(values.length)
      // and beyond 99,999 integer digits (SQLite's sort key once held the digit count in 5 places)
      const vast = BigDecimal.unsafeFromString("1" + "0".repeat(100_000))
      expect(yield* DecimalRow.count({ filter: { value: { $lt: vast } } })).toBe(values.length)
      expect(yield* DecimalRow.count({ filter: { value: { $gt: vast } } })).toBe(0)
      expect(yield* DecimalRow.count({ filter: { value: { $gt: BigDecimal.negate(vast) } } })).toBe(values.length)
      expect(yield* DecimalRow.count({ filter: { value: { $lt: BigDecimal.negate(vast) } } })).toBe(0)
      const seen: Array<string> = []
      let cursor: string | null = null
      do {
        const page: { records: ReadonlyArray<{ readonly value: BigDecimal.BigDecimal }>; nextCursor: string | null } =
          yield* DecimalRow.list({ orderBy: ["value"], limit: 3, cursor })
        seen.push(...shown(page.records))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toEqual(values)
    })
  )
})
