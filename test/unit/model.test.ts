/**
 * Model definitions: field kinds read from Schemas, refusals at definition time, table naming,
 * the DDL each dialect gets, and the value codec. No database needed.
 */
import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, Either, Schema } from "effect"
import { makeMysqlDialect as mysqlDialectFor } from "../../src/dialects/mysql/Hooks.js"
import { postgresDialect } from "../../src/dialects/postgres/Hooks.js"
import { sqliteDialect } from "../../src/dialects/sqlite/Hooks.js"
import { DataFlow } from "../../src/index.js"
import type { Field } from "../../src/model/Field.js"
import { pluralize, snakeCase, tableNameFor } from "../../src/model/TableName.js"
import { decodeRow, decodeValue, encodeValue, plainDecimal } from "../../src/sql/Codec.js"
import { createTable } from "../../src/sql/Ddl.js"

/** The ValidationError `DataFlow.model` throws for a definition, or undefined. */
const refusal = (
  define: () => unknown
): { readonly path: string; readonly reason: string; readonly message: string } | undefined => {
  try {
    define()
    return undefined
  } catch (e) {
    expect((e as { _tag?: string })._tag).toBe("ValidationError")
    return e as never
  }
}

const kindOf = (schema: Schema.Schema.Any | Schema.PropertySignature.Any) => {
  const m = DataFlow.model("Probe", { id: Schema.String, x: schema as Schema.Schema.Any })
  const { kind, optional, nullable, ...rest } = m.info.fields.find((f) => f.name === "x")!
  return {
    kind,
    optional,
    nullable,
    ...("literals" in rest ? { literals: rest.literals } : {}),
    ...("maxLength" in rest ? { maxLength: rest.maxLength } : {})
  }
}

describe("model definitions are refused when they cannot be stored", () => {
  it("no id field: says to name it id, and which field to rename", () => {
    const e = refusal(() => DataFlow.model("Account", { userId: Schema.String, name: Schema.String }))!
    expect(e.path).toBe("userId")
    expect(e.message).toContain("rename `userId` to `id`")
    expect(e.message).toContain("`id`")
    const snake = refusal(() => DataFlow.model("Account", { user_id: Schema.Int, name: Schema.String }))!
    expect(snake.message).toContain("rename `user_id` to `id`")
    const none = refusal(() => DataFlow.model("Account", { name: Schema.String }))!
    expect(none.path).toBe("id")
    expect(none.message).toContain("a field named `id`")
    expect(none.message).not.toContain("rename")
  })

  it("an id of an unsupported type, optional or nullable", () => {
    for (const id of [
      Schema.Boolean,
      Schema.Number,
      Schema.Date,
      Schema.BigIntFromSelf,
      Schema.Struct({ a: Schema.String })
    ]) {
      const e = refusal(() => DataFlow.model("Flag", { id, name: Schema.String }))!
      expect(e.path).toBe("id")
      expect(e.reason).toMatch(/Schema\.String, Schema\.Int or Schema\.UUID/)
    }
    expect(refusal(() => DataFlow.model("Flag", { id: Schema.optional(Schema.String) }))!.reason).toMatch(
      /optional or nullable/
    )
    expect(refusal(() => DataFlow.model("Flag", { id: Schema.NullOr(Schema.Int) }))!.reason).toMatch(
      /optional or nullable/
    )
    // the supported kinds
    expect(DataFlow.model("Flag", { id: Schema.String }).info.idKind).toBe("client")
    expect(DataFlow.model("Flag", { id: Schema.Int }).info.idKind).toBe("auto")
    expect(DataFlow.model("Flag", { id: Schema.UUID }).info.idKind).toBe("uuid")
  })

  it("managed column names are refused", () => {
    for (const name of ["created_at", "updated_at", "deleted_at"]) {
      const e = refusal(() => DataFlow.model("Stamp", { id: Schema.String, [name]: Schema.Date }))!
      expect(e.path).toBe(name)
      expect(e.reason).toMatch(/managed/)
    }
  })

  it("unsupported types name the field and what to use instead", () => {
    const unsupported = {
      unknown: Schema.Unknown,
      any: Schema.Any,
      stringOrNumber: Schema.Union(Schema.String, Schema.Number),
      numberLiterals: Schema.Literal(1, 2),
      booleanLiteral: Schema.Literal(true),
      option: Schema.Option(Schema.String),
      symbol: Schema.SymbolFromSelf,
      dateTime: Schema.DateTimeUtcFromSelf
    }
    for (const [name, schema] of Object.entries(unsupported)) {
      const e = refusal(() => DataFlow.model("Odd", { id: Schema.String, [name]: schema }))
      expect(e, name).toBeDefined()
      expect(e!.path).toBe(name)
      expect(e!.reason).toMatch(/cannot be stored/)
    }
  })

  it("JSON fields may only hold what JSON reads back as itself", () => {
    const cases = [
      ["at", Schema.Struct({ at: Schema.Date }), "when.at (Date)"],
      ["n", Schema.Array(Schema.BigIntFromSelf), "when[] (bigint)"],
      ["b", Schema.Record({ key: Schema.String, value: Schema.Uint8ArrayFromSelf }), "when[key] (Uint8Array)"],
      ["d", Schema.Tuple(Schema.String, Schema.BigDecimal), "when.1 (BigDecimal)"]
    ] as const
    for (const [label, schema, where] of cases) {
      const e = refusal(() => DataFlow.model("Log", { id: Schema.String, when: schema }))
      expect(e, label).toBeDefined()
      expect(e!.path).toBe("when")
      expect(e!.reason).toContain(where)
      expect(e!.reason).toContain("JSON")
    }
    // JSON-shaped values, including unknown ones, are fine
    expect(kindOf(Schema.Record({ key: Schema.String, value: Schema.Unknown })).kind).toBe("json")
  })

  it("keys must name fields of the model (and not JSON or bytes fields)", () => {
    const unknownUnique = refusal(() =>
      DataFlow.model("Keyed", { id: Schema.String, email: Schema.String }, { unique: [["mail" as never]] })
    )!
    expect(unknownUnique.path).toBe("unique")
    expect(unknownUnique.reason).toContain("mail is not a field of the model")
    const unknownIndex = refusal(() =>
      DataFlow.model("Keyed", { id: Schema.String, email: Schema.String }, { indexes: [["email", "nope" as never]] })
    )!
    expect(unknownIndex.path).toBe("indexes")
    expect(refusal(() => DataFlow.model("Keyed", { id: Schema.String }, { unique: [[]] }))!.path).toBe("unique")
    expect(
      refusal(() =>
        DataFlow.model("Keyed", { id: Schema.String, tags: Schema.Array(Schema.String) }, { indexes: [["tags"]] })
      )!.reason
    ).toMatch(/cannot be indexed/)
    expect(
      refusal(() =>
        DataFlow.model("Keyed", { id: Schema.String, raw: Schema.Uint8ArrayFromSelf }, { unique: [["raw"]] })
      )!.reason
    ).toMatch(/cannot be indexed/)
  })

  it("model, field and table names are identifiers", () => {
    expect(refusal(() => DataFlow.model("user", { id: Schema.String }))!.reason).toMatch(/PascalCase/)
    expect(refusal(() => DataFlow.model("User", { id: Schema.String, "bad-name": Schema.String }))!.reason).toMatch(
      /field name/
    )
    expect(
      refusal(() => DataFlow.model("User", { id: Schema.String }, { table: "users; DROP TABLE x" }))!.reason
    ).toMatch(/table name/)
  })
})

describe("field kinds are read from the Schema", () => {
  it("scalars", () => {
    expect(kindOf(Schema.String)).toEqual({ kind: "string", optional: false, nullable: false })
    expect(kindOf(Schema.String.pipe(Schema.maxLength(20)))).toEqual({
      kind: "string",
      optional: false,
      nullable: false,
      maxLength: 20
    })
    expect(kindOf(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(9), Schema.maxLength(12)))).toMatchObject({
      kind: "string",
      maxLength: 9
    })
    expect(kindOf(Schema.TemplateLiteral(Schema.String, "@", Schema.String)).kind).toBe("string")
    expect(kindOf(Schema.UUID).kind).toBe("uuid")
    expect(kindOf(Schema.Int).kind).toBe("int")
    expect(kindOf(Schema.NonNegativeInt).kind).toBe("int")
    expect(kindOf(Schema.Int.pipe(Schema.brand("Age"))).kind).toBe("int")
    expect(kindOf(Schema.Number).kind).toBe("number")
    expect(kindOf(Schema.NumberFromString).kind).toBe("number")
    expect(kindOf(Schema.BigInt).kind).toBe("bigint")
    expect(kindOf(Schema.BigIntFromSelf).kind).toBe("bigint")
    expect(kindOf(Schema.Boolean).kind).toBe("boolean")
    expect(kindOf(Schema.Date).kind).toBe("date")
    expect(kindOf(Schema.DateFromSelf).kind).toBe("date")
    expect(kindOf(Schema.Uint8ArrayFromSelf).kind).toBe("bytes")
    expect(kindOf(Schema.Uint8Array).kind).toBe("bytes")
    expect(kindOf(Schema.BigDecimal).kind).toBe("decimal")
  })

  it("literal unions and string enums", () => {
    expect(kindOf(Schema.Literal("a", "b"))).toEqual({
      kind: "literal",
      optional: false,
      nullable: false,
      literals: ["a", "b"]
    })
    expect(kindOf(Schema.Literal("only"))).toMatchObject({ kind: "literal", literals: ["only"] })
    expect(kindOf(Schema.Enums({ A: "a", B: "b" }))).toMatchObject({ kind: "literal", literals: ["a", "b"] })
    expect(kindOf(Schema.NullOr(Schema.Literal("a", "b")))).toEqual({
      kind: "literal",
      optional: false,
      nullable: true,
      literals: ["a", "b"]
    })
    expect(kindOf(Schema.Literal("a", "b", null))).toEqual({
      kind: "literal",
      optional: false,
      nullable: true,
      literals: ["a", "b"]
    })
    expect(kindOf(Schema.optional(Schema.NullOr(Schema.Literal("a", "b"))))).toEqual({
      kind: "literal",
      optional: true,
      nullable: true,
      literals: ["a", "b"]
    })
  })

  it("JSON shapes", () => {
    expect(kindOf(Schema.Struct({ a: Schema.String }))).toEqual({ kind: "json", optional: false, nullable: false })
    expect(
      DataFlow.model("Probe", { id: Schema.String, x: Schema.Array(Schema.String) }).info.columnMap.get("x")!.jsonArray
    ).toBe(true)
    expect(
      DataFlow.model("Probe", { id: Schema.String, x: Schema.Struct({}) }).info.columnMap.get("x")!.jsonArray
    ).toBe(false)
    expect(kindOf(Schema.Tuple(Schema.String, Schema.Number)).kind).toBe("json")
    expect(kindOf(Schema.Record({ key: Schema.String, value: Schema.Number })).kind).toBe("json")
    expect(
      kindOf(Schema.Union(Schema.Struct({ t: Schema.Literal("a") }), Schema.Struct({ t: Schema.Literal("b") }))).kind
    ).toBe("json")
  })

  it("optional and nullable, however nested", () => {
    expect(kindOf(Schema.optional(Schema.Int))).toEqual({ kind: "int", optional: true, nullable: false })
    expect(kindOf(Schema.NullOr(Schema.Int))).toEqual({ kind: "int", optional: false, nullable: true })
    expect(kindOf(Schema.optional(Schema.NullOr(Schema.Int)))).toEqual({ kind: "int", optional: true, nullable: true })
    expect(kindOf(Schema.optional(Schema.NullOr(Schema.Date)))).toEqual({
      kind: "date",
      optional: true,
      nullable: true
    })
    expect(kindOf(Schema.NullishOr(Schema.String))).toEqual({ kind: "string", optional: true, nullable: true })
    expect(kindOf(Schema.optionalWith(Schema.String, { exact: true }))).toEqual({
      kind: "string",
      optional: true,
      nullable: false
    })
    expect(kindOf(Schema.NullOr(Schema.String.pipe(Schema.maxLength(5))))).toMatchObject({
      kind: "string",
      nullable: true,
      maxLength: 5
    })
  })
})

describe("table names", () => {
  it.each([
    ["User", "users"],
    ["Category", "categories"],
    ["Person", "people"],
    ["UserActivity", "user_activities"],
    ["OrderStatus", "order_statuses"],
    ["Address", "addresses"],
    ["Box", "boxes"],
    ["Leaf", "leaves"],
    ["Day", "days"],
    ["Knife", "knives"],
    ["Shelf", "shelves"],
    ["Roof", "roofs"],
    ["Chief", "chiefs"],
    ["Cafe", "cafes"],
    ["Analysis", "analyses"],
    ["Salesperson", "salespeople"],
    ["HTTPRequest", "http_requests"],
    ["Series", "series"]
  ])("%s → %s", (model, table) => {
    expect(tableNameFor(model)).toBe(table)
    expect(DataFlow.model(model, { id: Schema.String }).table).toBe(table)
  })

  it("the explicit table option wins", () => {
    const m = DataFlow.model("Person", { id: Schema.String }, { table: "humans" })
    expect(m.table).toBe("humans")
    expect(m.info.table).toBe("humans")
  })

  it("snake_case and plural of one word", () => {
    expect(snakeCase("UserActivityLog")).toBe("user_activity_log")
    expect(pluralize("status")).toBe("statuses")
    expect(pluralize("key")).toBe("keys")
  })
})

describe("DDL per dialect", () => {
  const Sample = DataFlow.model(
    "Sample",
    {
      id: Schema.String,
      body: Schema.String,
      code: Schema.String,
      short: Schema.String.pipe(Schema.maxLength(20)),
      n: Schema.Int,
      big: Schema.BigInt,
      x: Schema.Number,
      flag: Schema.Boolean,
      at: Schema.Date,
      doc: Schema.Struct({ a: Schema.String }),
      raw: Schema.Uint8ArrayFromSelf,
      ref: Schema.UUID,
      amount: Schema.BigDecimal,
      status: Schema.Literal("new", "it's", "a\\b"),
      note: Schema.optional(Schema.NullOr(Schema.String))
    },
    { indexes: [["code"]] }
  )

  const column = (sql: string, name: string, q: string) =>
    new RegExp(`\\n  ${q}${name}${q} ([^\\n]*?),?\\n`).exec(sql)?.[1]

  it("PostgreSQL", () => {
    const [table] = createTable(postgresDialect, Sample.info)
    const c = (n: string) => column(table!, n, '"')
    expect(c("id")).toBe(`TEXT COLLATE "C" NOT NULL PRIMARY KEY`)
    expect(c("body")).toBe(`TEXT COLLATE "C" NOT NULL`)
    expect(c("short")).toBe(`VARCHAR(20) COLLATE "C" NOT NULL`)
    expect(c("n")).toBe("INTEGER NOT NULL")
    expect(c("big")).toBe("BIGINT NOT NULL")
    expect(c("x")).toBe("DOUBLE PRECISION NOT NULL")
    expect(c("flag")).toBe("BOOLEAN NOT NULL")
    expect(c("at")).toBe("TIMESTAMPTZ NOT NULL")
    expect(c("doc")).toBe("JSONB NOT NULL")
    expect(c("raw")).toBe("BYTEA NOT NULL")
    expect(c("ref")).toBe("UUID NOT NULL")
    expect(c("amount")).toBe("NUMERIC NOT NULL")
    // standard strings: a backslash is itself, a quote is doubled
    expect(c("status")).toBe(`TEXT COLLATE "C" NOT NULL CHECK ("status" IN ('new', 'it''s', 'a\\b'))`)
    expect(c("note")).toBe(`TEXT COLLATE "C"`)
  })

  it("MySQL", () => {
    const [table] = createTable(mysqlDialectFor("utf8mb4_nopad_bin"), Sample.info)
    const c = (n: string) => column(table!, n, "`")
    expect(c("id")).toBe("VARCHAR(255) NOT NULL PRIMARY KEY")
    expect(c("body")).toBe("LONGTEXT NOT NULL")
    expect(c("code")).toBe("VARCHAR(255) NOT NULL")
    expect(c("short")).toBe("VARCHAR(20) NOT NULL")
    expect(c("n")).toBe("INT NOT NULL")
    expect(c("big")).toBe("BIGINT NOT NULL")
    expect(c("x")).toBe("DOUBLE NOT NULL")
    expect(c("flag")).toBe("TINYINT(1) NOT NULL")
    expect(c("at")).toBe("DATETIME(6) NOT NULL")
    expect(c("doc")).toBe("JSON NOT NULL")
    expect(c("raw")).toBe("LONGBLOB NOT NULL")
    expect(c("ref")).toBe("CHAR(36) NOT NULL")
    expect(c("amount")).toBe("DECIMAL(65,30) NOT NULL")
    // a backslash escapes in MySQL string literals
    expect(c("status")).toBe("VARCHAR(255) NOT NULL CHECK (`status` IN ('new', 'it''s', 'a\\\\b'))")
    expect(c("note")).toBe("LONGTEXT")
    expect(table).toContain("INDEX `samples_code_idx` (`code`)")
  })

  it("SQLite", () => {
    const statements = createTable(sqliteDialect, Sample.info)
    const c = (n: string) => column(statements[0]!, n, '"')
    expect(c("id")).toBe("TEXT NOT NULL PRIMARY KEY")
    expect(c("body")).toBe("TEXT NOT NULL")
    expect(c("n")).toBe("INTEGER NOT NULL")
    expect(c("big")).toBe("BIGINT NOT NULL")
    expect(c("x")).toBe("REAL NOT NULL")
    expect(c("flag")).toBe("INTEGER NOT NULL")
    expect(c("at")).toBe("TEXT NOT NULL")
    expect(c("doc")).toBe("TEXT NOT NULL")
    expect(c("raw")).toBe("BLOB NOT NULL")
    expect(c("ref")).toBe("TEXT NOT NULL")
    expect(c("amount")).toBe("TEXT NOT NULL")
    expect(c("status")).toBe(`TEXT NOT NULL CHECK ("status" IN ('new', 'it''s', 'a\\b'))`)
    expect(statements[1]).toBe(`CREATE INDEX IF NOT EXISTS "samples_code_idx" ON "samples" ("code")`)
  })

  it("auto-increment ids", () => {
    const Counter = DataFlow.model("Counter", { id: Schema.Int })
    expect(createTable(postgresDialect, Counter.info)[0]).toContain(
      `"id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`
    )
    expect(createTable(mysqlDialectFor("utf8mb4_nopad_bin"), Counter.info)[0]).toContain(
      "`id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY"
    )
    expect(createTable(sqliteDialect, Counter.info)[0]).toContain(`"id" INTEGER PRIMARY KEY AUTOINCREMENT`)
  })

  it("a literal longer than 255 characters widens MySQL's VARCHAR", () => {
    const long = "x".repeat(300)
    const M = DataFlow.model("Wide", { id: Schema.String, s: Schema.Literal("a", long) })
    expect(createTable(mysqlDialectFor("utf8mb4_nopad_bin"), M.info)[0]).toContain("`s` VARCHAR(300) NOT NULL")
  })
})

describe("value codec", () => {
  const f = (kind: Field["kind"], extra: Partial<Field> = {}): Field => ({
    name: "v",
    column: extra.name ?? "v",
    kind,
    optional: false,
    nullable: false,
    managed: false,
    ...extra
  })

  it("BigDecimal is written as plain decimal text and read back normalized", () => {
    const cases = [
      ["0", "0"],
      ["1.50", "1.5"],
      ["-0.000000000000000001", "-0.000000000000000001"],
      ["1e20", "100000000000000000000"],
      ["-12345678901234567890.123456789012345678", "-12345678901234567890.123456789012345678"],
      ["0.1", "0.1"],
      ["-7", "-7"]
    ] as const
    for (const [input, text] of cases) {
      const d = BigDecimal.unsafeFromString(input)
      expect(plainDecimal(d)).toBe(text)
      expect(encodeValue(postgresDialect.codec, f("decimal"), d)).toBe(text)
      const back = decodeValue(
        postgresDialect.codec,
        f("decimal"),
        `${text}${text.includes(".") ? "000" : ""}`
      ) as BigDecimal.BigDecimal
      expect(BigDecimal.equals(back, d)).toBe(true)
      expect(back.scale).toBe(BigDecimal.normalize(d).scale)
    }
  })

  it("booleans come back as booleans from every driver shape", () => {
    for (const raw of [true, 1, 1n, "1"]) expect(decodeValue(sqliteDialect.codec, f("boolean"), raw)).toBe(true)
    for (const raw of [false, 0, 0n, "0"]) expect(decodeValue(sqliteDialect.codec, f("boolean"), raw)).toBe(false)
    expect(encodeValue(sqliteDialect.codec, f("boolean"), true)).toBe(1)
    expect(encodeValue(postgresDialect.codec, f("boolean"), false)).toBe(false)
  })

  it("NULL: absent for optional fields, null for nullable ones", () => {
    const fields = [
      f("int", { name: "a", optional: true }),
      f("int", { name: "b", nullable: true }),
      f("int", { name: "c", optional: true, nullable: true })
    ]
    const row = decodeRow(sqliteDialect.codec, fields, { a: null, b: null, c: null })
    expect(row).toStrictEqual({ b: null, c: null })
    expect("a" in row).toBe(false)
  })

  it("a stored value the field's Schema would refuse throws InvalidRow naming field and key, never the value", () => {
    const owner = { model: "M", key: ["id"] }
    const id = f("int", { name: "id" })
    const cases: ReadonlyArray<readonly [Field, unknown]> = [
      [f("literal", { name: "v", literals: ["a", "b"] }), "secret-c"],
      [f("date"), "secret-not-a-date"],
      [f("int"), 1.5],
      [f("int"), "secret-abc"],
      [f("number"), "secret-abc"],
      [f("boolean"), 2],
      [f("uuid"), "secret-123"],
      [f("json"), "{secret"],
      [f("decimal"), "secret-1.2.3"],
      [f("bigint"), "secret-1.5"],
      [f("string", { maxLength: 3 }), "secret-toolong"],
      [f("string"), null]
    ]
    for (const [field, raw] of cases) {
      let thrown: unknown
      try {
        decodeRow(sqliteDialect.codec, [id, field], { id: 7, v: raw }, owner)
      } catch (e) {
        thrown = e
      }
      expect(thrown, `${field.kind} ${String(raw)}`).toMatchObject({
        _tag: "InvalidRow",
        model: "M",
        field: "v",
        key: 7
      })
      expect((thrown as Error).message).not.toContain("secret")
    }
    // values that fit come back as before
    expect(decodeRow(sqliteDialect.codec, [id, f("string", { maxLength: 3 })], { id: 1, v: "abc" }, owner)).toEqual({
      id: 1,
      v: "abc"
    })
    expect(decodeRow(sqliteDialect.codec, [id, f("string", { maxLength: 1 })], { id: 1, v: "😀" }, owner)).toEqual({
      id: 1,
      v: "😀"
    })
  })

  it("bytes: only the view's own bytes are sent, and a Uint8Array (not a Buffer) comes back", () => {
    const view = new Uint8Array([9, 1, 2, 9]).subarray(1, 3)
    expect([...(encodeValue(postgresDialect.codec, f("bytes"), view) as Buffer)]).toEqual([1, 2])
    const back = decodeValue(postgresDialect.codec, f("bytes"), Buffer.from([0, 255]))
    expect(Buffer.isBuffer(back)).toBe(false)
    expect(back).toStrictEqual(new Uint8Array([0, 255]))
  })
})

describe("values every database stores exactly", () => {
  const M = DataFlow.model("Limits", {
    id: Schema.String,
    i: Schema.optional(Schema.Int),
    b: Schema.optional(Schema.BigIntFromSelf),
    x: Schema.optional(Schema.Number),
    d: Schema.optional(Schema.Date),
    m: Schema.optional(Schema.BigDecimal),
    s: Schema.optional(Schema.String),
    j: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  })
  const check = (input: Record<string, unknown>) => M.info.validateCreate({ id: "a", ...input })
  const refusedAt = (input: Record<string, unknown>) => {
    const r = check(input)
    return Either.isLeft(r) ? r.left.path : undefined
  }

  it("accepts the edges", () => {
    for (const ok of [
      { i: 2147483647 },
      { i: -2147483648 },
      { b: 2n ** 63n - 1n },
      { b: -(2n ** 63n) },
      { x: Number.MAX_VALUE },
      { x: -5e-324 },
      { d: new Date("1000-01-01T00:00:00.000Z") },
      { d: new Date("9999-12-31T23:59:59.999Z") },
      { m: BigDecimal.unsafeFromString("12345678901234567890123456789012345.123456789012345678901234567890") },
      { m: BigDecimal.unsafeFromString("1.5000000000000000000000000000000000") },
      { s: "x".repeat(100_000) },
      { j: { a: [1, "two", null, true, { b: {} }] } }
    ])
      expect(Either.isRight(check(ok)), JSON.stringify(Object.keys(ok))).toBe(true)
  })

  it("refuses what one of the databases would change or reject", () => {
    expect(refusedAt({ i: 2147483648 })).toBe("i")
    expect(refusedAt({ b: 2n ** 63n })).toBe("b")
    expect(refusedAt({ x: Number.NaN })).toBe("x")
    expect(refusedAt({ x: Number.NEGATIVE_INFINITY })).toBe("x")
    expect(refusedAt({ d: new Date("0999-12-31T23:59:59.999Z") })).toBe("d")
    expect(refusedAt({ d: new Date("+010000-01-01T00:00:00.000Z") })).toBe("d")
    expect(refusedAt({ m: BigDecimal.unsafeFromString("0.0000000000000000000000000000001") })).toBe("m")
    expect(refusedAt({ m: BigDecimal.unsafeFromString("123456789012345678901234567890123456") })).toBe("m")
    expect(refusedAt({ s: "\u0000" })).toBe("s")
    expect(refusedAt({ j: { a: [1, Number.NaN] } })).toBe("j.a.1")
    expect(refusedAt({ j: { "k\u0000": 1 } })).toBe("j")
    expect(refusedAt({ j: { when: new Date() } })).toBe("j.when")
    expect(refusedAt({ j: { n: 1n } })).toBe("j.n")
  })

  it("a keyed string without maxLength holds 255 characters (code points)", () => {
    const K = DataFlow.model(
      "KeyedText",
      { id: Schema.String, code: Schema.String, free: Schema.String },
      { unique: [["code"]] }
    )
    const ok = (input: Record<string, unknown>) =>
      Either.isRight(K.info.validateCreate({ id: "a", code: "c", free: "f", ...input }))
    expect(ok({ code: "🎉".repeat(255) })).toBe(true)
    expect(ok({ code: "x".repeat(256) })).toBe(false)
    expect(ok({ id: "x".repeat(256) })).toBe(false)
    expect(ok({ free: "x".repeat(10_000) })).toBe(true)
    expect(Either.isLeft(K.info.validateUpdate({ code: "x".repeat(256) }))).toBe(true)
  })
})
