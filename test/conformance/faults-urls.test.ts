/**
 * Faults, part 1: bad URLs and what errors print. A malformed URL, a bad percent-encoding, an
 * unknown or bad parameter is a typed ValidationError naming the part, never the value; TLS asked
 * of a server without it fails instead of falling back to plaintext; a SQLite file in a missing
 * directory is ConnectionError; a driver's reason reaches DatabaseError's message without values.
 * No printed form of any of these errors (util.inspect, JSON.stringify, of the error and of its
 * causes) contains the password.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Duration, Effect, Schema } from "effect"
import { existsSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { DataFlow, Database } from "../../src/index.js"
import { reasonOf } from "../../src/sql/ClassifyError.js"
import { dialectNames, forEachDialect, reset } from "../support/Dialects.js"
import { printed } from "../support/FaultChecks.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const secret = "s3cret-Pa55"
const fail = (url: string, options: { readonly connectTimeout?: Duration.DurationInput } = {}) =>
  Effect.flip(
    Effect.provide(Database.health, Database.layer({ url, connectTimeout: options.connectTimeout ?? "3 seconds" }))
  )

const servers = dialectNames.filter((d): d is "postgres" | "mysql" => d !== "sqlite")
const schemeOf = { postgres: "postgres", mysql: "mariadb" } as const
const portOf = { postgres: 5432, mysql: 3306 } as const

describe("faults: URLs", () => {
  for (const dialect of servers) {
    const base = `${schemeOf[dialect]}://root:${secret}@127.0.0.1:${portOf[dialect]}/test`

    it.effect(`${dialect}: a malformed URL is ValidationError(url), and nothing printed holds the password`, () =>
      Effect.gen(function* () {
        for (const url of [
          `${schemeOf[dialect]}://root:${secret}@127.0.0.1:99999999/test`,
          `${schemeOf[dialect]}://root:${secret}@[bad/test`
        ]) {
          const error = yield* fail(url)
          expect(error).toMatchObject({ _tag: "ValidationError", path: "url" })
          expect(printed(error)).not.toContain(secret)
        }
      })
    )

    it.effect(`${dialect}: a bad percent-encoding is ValidationError(url), not a URIError`, () =>
      Effect.gen(function* () {
        const error = yield* fail(`${schemeOf[dialect]}://root:${secret}%E0%A4%A@127.0.0.1/test`)
        expect(error).toMatchObject({ _tag: "ValidationError", path: "url" })
        expect(error.message).toContain("percent-encoding")
        expect(printed(error)).not.toContain(secret)
      })
    )

    it.effect(`${dialect}: an unknown parameter is refused by name, never by value`, () =>
      Effect.gen(function* () {
        const error = yield* fail(`${base}?poolSize=${secret}`)
        expect(error).toMatchObject({ _tag: "ValidationError", path: "url.poolSize" })
        expect(error.message).toMatch(/unknown URL parameter/)
        expect(printed(error)).not.toContain(secret)
        const odd = yield* fail(`${base}?${secret}%20x=1`)
        expect(odd).toMatchObject({ _tag: "ValidationError", path: "url.(unreadable)" })
        expect(printed(odd)).not.toContain(secret)
      })
    )

    it.effect(`${dialect}: ?connectTimeout= must be whole milliseconds, and not also given as the layer option`, () =>
      Effect.gen(function* () {
        for (const value of [secret, "0", "1.5", "-3", "99999999999"]) {
          const error = yield* Effect.flip(
            Effect.provide(Database.health, Database.layer({ url: `${base}?connectTimeout=${value}` }))
          )
          expect(error).toMatchObject({ _tag: "ValidationError", path: "url.connectTimeout" })
          expect(printed(error)).not.toContain(secret)
        }
        // which of the two would win is a guess: refused
        expect(yield* fail(`${base}?connectTimeout=500`)).toMatchObject({
          _tag: "ValidationError",
          path: "url.connectTimeout",
          reason: "given both in the URL and as the connectTimeout option: give it once"
        })
      })
    )

    it.effect(
      `${dialect}: sslmode values that could fall back to plaintext, and a CA file without verification, are refused`,
      () =>
        Effect.gen(function* () {
          expect(yield* fail(`${base}?sslmode=prefer`)).toMatchObject({ _tag: "ValidationError", path: "url.sslmode" })
          expect(yield* fail(`${base}?ssl=maybe`)).toMatchObject({ _tag: "ValidationError", path: "url.ssl" })
          expect(yield* fail(`${base}?sslmode=require&sslrootcert=/etc/ssl/certs/ca-certificates.crt`)).toMatchObject({
            _tag: "ValidationError",
            path: "url.sslrootcert"
          })
          const unreadable = yield* fail(
            `${base}?sslmode=verify-ca&sslrootcert=${encodeURIComponent(`${tmpdir()}/df-no-such-ca.pem`)}`
          )
          expect(unreadable).toMatchObject({ _tag: "ValidationError", path: "url.sslrootcert" })
        })
    )

    it.effect(
      `${dialect}: TLS asked of a server without TLS fails ConnectionError(connect); it never falls back to plaintext`,
      () =>
        Effect.gen(function* () {
          // the CI servers run without TLS (ssl=off, have_ssl=DISABLED)
          for (const query of ["sslmode=require", "ssl=true", "sslmode=verify-ca"]) {
            const error = yield* fail(`${base}?${query}`)
            expect(error).toMatchObject({ _tag: "ConnectionError", phase: "connect" })
            expect(error.message).toMatch(/^cannot connect/)
            expect(printed(error)).not.toContain(secret)
          }
        })
    )

    it.effect(
      `${dialect}: an unreachable server with a password in the URL: ConnectionError(connect), the password in no printed form`,
      () =>
        Effect.gen(function* () {
          const error = yield* fail(`${schemeOf[dialect]}://root:${secret}@127.0.0.1:1/test`)
          expect(error).toMatchObject({ _tag: "ConnectionError", phase: "connect", code: "ECONNREFUSED" })
          expect(printed(error)).not.toContain(secret)
        })
    )
  }

  if (servers.includes("mysql")) {
    it.effect("mysql: refused credentials (errno 1045): the password in no printed form", () =>
      Effect.gen(function* () {
        const error = yield* fail(`mysql://root:${secret}@127.0.0.1:3306/test`)
        expect(error).toMatchObject({ _tag: "ConnectionError", phase: "connect", code: "1045" })
        expect(printed(error)).not.toContain(secret)
      })
    )
  }

  if (servers.includes("postgres")) {
    it.effect(
      "postgres: a server that refuses the session at start-up, or speaks another protocol: ConnectionError(connect) with its reason",
      () =>
        Effect.gen(function* () {
          const refused = yield* fail(
            `postgres://postgres@127.0.0.1:5432/test?options=${encodeURIComponent(`-c df_no_such_setting=${secret}`)}`
          )
          expect(refused).toMatchObject({
            _tag: "ConnectionError",
            phase: "connect",
            code: "42704",
            reason: "unrecognized configuration parameter …"
          })
          expect(refused.message).toBe(`cannot connect to postgres (42704) "unrecognized configuration parameter …"`)
          expect(printed(refused)).not.toContain(secret)
          // the MariaDB server's port: its greeting is no PostgreSQL message
          expect(yield* fail("postgres://postgres@127.0.0.1:3306/test")).toMatchObject({
            _tag: "ConnectionError",
            phase: "connect"
          })
        })
    )
  }

  if (servers.includes("mysql")) {
    it.effect("mysql: a session refused at the handshake is ConnectionError(connect), not DatabaseError", () =>
      Effect.gen(function* () {
        // a NUL in the database name: MariaDB ends the handshake (1043)
        expect(yield* fail("mysql://root@127.0.0.1:3306/te%00st")).toMatchObject({
          _tag: "ConnectionError",
          phase: "connect",
          code: "1043"
        })
      })
    )
  }

  if (dialectNames.includes("sqlite")) {
    it.effect("sqlite: a file in a missing directory is ConnectionError(connect, SQLITE_CANTOPEN)", () =>
      Effect.gen(function* () {
        const error = yield* fail(`sqlite:${tmpdir()}/df-no-such-dir-${process.pid}/x.db`)
        expect(error).toMatchObject({ _tag: "ConnectionError", phase: "connect", code: "SQLITE_CANTOPEN" })
      })
    )

    it.effect(
      "sqlite: a malformed URL is ValidationError naming the part, and no file of a surprising name is made",
      () =>
        Effect.gen(function* () {
          const file = `${tmpdir()}/${process.env["DATAFLOW_TEST_NS"] ?? ""}df_url_${process.pid}.db`
          const cases: ReadonlyArray<readonly [string, string]> = [
            [`sqlite:${file}?mode=ro`, "url.mode"],
            [`sqlite:${file}?${secret}%20x=1`, "url.(unreadable)"],
            [`sqlite:${file}#wal`, "url"],
            [`sqlite:${file}%E0%A4%A`, "url"],
            [`sqlite:${file}%00.x`, "url"],
            [`sqlite:${file}?connectTimeout=${secret}`, "url.connectTimeout"],
            ["sqlite://", "url"]
          ]
          for (const [url, path] of cases) {
            const error = yield* Effect.flip(Effect.provide(Database.health, Database.layer({ url })))
            expect(error).toMatchObject({ _tag: "ValidationError", path })
            expect(printed(error)).not.toContain(secret)
          }
          expect(readdirSync(tmpdir()).filter((f) => f.includes(`df_url_${process.pid}`))).toEqual([])
          // percent-encoding means what it means in any URL; the one parameter is honoured
          const spaced = `${file.slice(0, -3)} a?b.db`
          const health = yield* Effect.provide(
            Database.health,
            Database.layer({ url: `sqlite:${encodeURI(spaced).replace("?", "%3F")}?connectTimeout=500` })
          )
          expect(health.dialect).toBe("sqlite")
          expect(existsSync(spaced)).toBe(true)
          rmSync(spaced)
        })
    )
  }
})

describe("faults: reasons without literals", () => {
  it("quoted values are taken out, quoted names after column/table/key/constraint… are kept", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`invalid input syntax for type integer: "${secret}"`, "invalid input syntax for type integer: …"],
      [`invalid input value for enum mood: "${secret}"`, "invalid input value for enum mood: …"],
      [
        `Incorrect integer value: '${secret}' for column \`db\`.\`t\`.\`n\` at row 1`,
        "Incorrect integer value: … for column `db`.`t`.`n` at row 1"
      ],
      [
        `Incorrect datetime value: 'it''s ${secret}' for column 'd' at row 1`,
        "Incorrect datetime value: … for column 'd' at row 1"
      ],
      [`Truncated incorrect DOUBLE value: 'a\\'b ${secret}'`, "Truncated incorrect DOUBLE value: …"],
      [
        `duplicate key value violates unique constraint "users_email_key"\nDETAIL: Key (email)=(${secret}) already exists.`,
        `duplicate key value violates unique constraint "users_email_key"`
      ],
      [`column "label" of relation "gauges" does not exist`, `column "label" of relation "gauges" does not exist`],
      // the name after SQLite's `column:` and PostgreSQL's `column reference` is an identifier
      [
        `no such column: "label" - should this be a string literal in single-quotes?`,
        `no such column: "label" - should this be a string literal in single-quotes?`
      ],
      [`column reference "album_id" is ambiguous`, `column reference "album_id" is ambiguous`],
      // a colon after any other word still introduces a value, also after a word of the list
      [`malformed array literal: "${secret}"`, "malformed array literal: …"],
      [`invalid input value for enum key: "${secret}"`, "invalid input value for enum key: …"]
    ]
    for (const [message, reason] of cases) expect(reasonOf(message)).toBe(reason)
    expect(reasonOf(`value "${"x".repeat(300)}"`)).toBe("value …")
    expect(reasonOf(`${secret} `.repeat(60))!.length).toBeLessThanOrEqual(200)
  })
})

// Point 7: the driver's reason, without the values that caused it
const fields = { id: Schema.String, label: Schema.String, reading: Schema.Number }
// one model per case: each alters its own table by hand
const Renamed = DataFlow.model("Renamed", fields)
const Narrowed = DataFlow.model("Narrowed", fields)
const Retyped = DataFlow.model("Retyped", fields)
const value = "VALUE-7f3a"

forEachDialect("faults_reasons", (it, dialect) => {
  const q = (id: string) => (dialect === "mysql" ? `\`${id}\`` : `"${id}"`)
  const alter = (sql: string) => Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe(sql)).pipe(Effect.orDie)
  const failure = (
    effect: Effect.Effect<unknown, { readonly _tag: string; readonly message: string }, Database.Database>
  ) => Effect.flip(effect)

  it.effect("a column the model has but the table lacks: DatabaseError naming the column, not the values", () =>
    Effect.gen(function* () {
      yield* reset(Renamed)
      yield* alter(
        dialect === "mysql"
          ? `ALTER TABLE ${q("renameds")} RENAME COLUMN ${q("label")} TO ${q("label_old")}`
          : `ALTER TABLE ${q("renameds")} RENAME COLUMN ${q("label")} TO ${q("label_old")}`
      )
      const error = yield* failure(Renamed.create({ id: value, label: value, reading: 1 }))
      expect(error._tag).toBe("DatabaseError")
      const expected = {
        postgres: /^postgres error 42703 "column "label" of relation "renameds" does not exist"/,
        mysql: /^mysql error 1054 "Unknown column 'label' in …"/,
        sqlite: /^sqlite error SQLITE_ERROR "table renameds has no column named label"/
      }
      expect(error.message).toMatch(expected[dialect])
      expect(printed({ ...error, cause: undefined })).not.toContain(value)
      // a read names the missing column too (SQLite quotes it after a colon)
      const read = yield* failure(Renamed.read({ id: value }))
      expect(read._tag).toBe("DatabaseError")
      const readExpected = {
        postgres: `postgres error 42703 "column "label" does not exist" in Renamed.read`,
        mysql: `mysql error 1054 "Unknown column 'label' in …" in Renamed.read`,
        sqlite: `sqlite error SQLITE_ERROR "no such column: "label" - should this be a string literal in single-quotes?" in Renamed.read`
      }
      expect(read.message).toBe(readExpected[dialect])
      expect(printed({ ...read, cause: undefined })).not.toContain(value)
    })
  )

  if (dialect !== "sqlite") {
    it.effect("numeric overflow and a value too long: the reason in the message, never the value", () =>
      Effect.gen(function* () {
        yield* reset(Narrowed)
        yield* alter(
          dialect === "postgres"
            ? `ALTER TABLE ${q("narroweds")} ALTER COLUMN ${q("reading")} TYPE NUMERIC(3,1), ALTER COLUMN ${q("label")} TYPE VARCHAR(3)`
            : `ALTER TABLE ${q("narroweds")} MODIFY ${q("reading")} DECIMAL(3,1) NOT NULL, MODIFY ${q("label")} VARCHAR(3) NOT NULL`
        )
        const overflow = yield* failure(Narrowed.create({ id: "g1", label: "ok", reading: 98765.4321 }))
        const tooLong = yield* failure(Narrowed.create({ id: "g2", label: value, reading: 1 }))
        if (dialect === "postgres") {
          expect(overflow.message).toBe(`postgres error 22003 "numeric field overflow" in Narrowed.create`)
          expect(tooLong.message).toBe(
            `postgres error 22001 "value too long for type character varying(3)" in Narrowed.create`
          )
        } else {
          expect(overflow.message).toBe(
            `mysql error 1264 "Out of range value for column 'reading' at row 1" in Narrowed.create`
          )
          expect(tooLong.message).toBe(
            `mysql error 1406 "Data too long for column 'label' at row 1" in Narrowed.create`
          )
        }
        for (const e of [overflow, tooLong]) {
          expect(e._tag).toBe("DatabaseError")
          expect(printed({ ...e, cause: undefined })).not.toMatch(/98765|VALUE-7f3a/)
        }
        expect(yield* Narrowed.count()).toBe(0)
      })
    )
  }

  it.effect("a literal in the driver's message is taken out: invalid input shows no value", () =>
    Effect.gen(function* () {
      const db = yield* sqlDatabase
      yield* reset(Retyped)
      const error =
        dialect === "mysql"
          ? yield* Effect.zipRight(
              alter(`ALTER TABLE ${q("retypeds")} MODIFY ${q("label")} INT NOT NULL`),
              failure(Retyped.create({ id: "g3", label: value, reading: 1 }))
            )
          : yield* failure(
              db.query(
                dialect === "postgres"
                  ? { sql: "SELECT CAST($1 AS INTEGER) AS n", params: [value] }
                  : { sql: "SELECT json_extract(?, '$') AS n", params: [`{${value}`] }
              )
            )
      expect(error._tag).toBe("DatabaseError")
      const expected = {
        postgres: `postgres error 22P02 "invalid input syntax for type integer: …"`,
        mysql:
          /^mysql error 1366 "Incorrect integer value: … for column `[^`]+`\.`retypeds`\.`label` at row 1" in Retyped\.create$/,
        sqlite: `sqlite error SQLITE_ERROR "malformed JSON"`
      }[dialect]
      if (typeof expected === "string") expect(error.message).toBe(expected)
      else expect(error.message).toMatch(expected)
      expect(printed({ ...error, cause: undefined })).not.toContain(value)
    })
  )
})
