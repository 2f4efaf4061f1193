/**
 * Discovery of `created_at` / `updated_at` / `deleted_at` columns the library could not manage: a
 * nullable stamp (Laravel's `TIMESTAMP NULL`), whole seconds (MariaDB `DATETIME`, PostgreSQL
 * `timestamp(0)`), epoch seconds in an INT. They become plain fields with `timestamps: false`, and
 * the generated models read every row as raw SQL holds it; stamps that keep milliseconds stay
 * managed. A hand-written model that manages a whole-second column is refused with what to do.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { DataFlow, Database } from "../../src/index.js"
import * as Migrations from "../../src/migrations/Migrations.js"
import { type DialectName, dialectNames } from "../support/Dialects.js"
import { resetNamespace } from "../support/Namespaces.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

/** Whole-second and millisecond timestamp types, as each database spells them. */
const types: Record<DialectName, { seconds: string; millis: string; zoned: string }> = {
  postgres: { seconds: "TIMESTAMP(0)", millis: "TIMESTAMP(3)", zoned: "TIMESTAMPTZ(3)" },
  mysql: { seconds: "DATETIME", millis: "DATETIME(3)", zoned: "TIMESTAMP(3)" },
  sqlite: { seconds: "DATETIME", millis: "DATETIME", zoned: "DATETIME" }
}

const ddl = (dialect: DialectName) => {
  const { millis, seconds, zoned } = types[dialect]
  return [
    `CREATE TABLE sent (id INT NOT NULL PRIMARY KEY, sent_at ${zoned} NOT NULL)`,
    `INSERT INTO sent (id, sent_at) VALUES (1, '2020-01-02 03:04:05.123${dialect === "postgres" ? "+00" : ""}')`,
    `CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, title VARCHAR(20) NOT NULL, created_at ${seconds} NULL, updated_at ${seconds} NULL, deleted_at ${seconds} NULL)`,
    `CREATE TABLE events (id INT NOT NULL PRIMARY KEY, created_at INT NOT NULL, updated_at INT NOT NULL)`,
    `CREATE TABLE stamped (id INT NOT NULL PRIMARY KEY, created_at ${millis} NOT NULL, updated_at ${millis} NOT NULL, deleted_at ${millis} NULL)`,
    `INSERT INTO posts (id, title, created_at, updated_at) VALUES (1, 'a', '2020-01-02 03:04:05', '2020-01-02 03:04:06'), (2, 'b', NULL, NULL)`,
    `INSERT INTO events (id, created_at, updated_at) VALUES (1, 1600000000, 1600000001)`,
    `INSERT INTO stamped (id, created_at, updated_at) VALUES (1, '2020-01-02 03:04:05', '2020-01-02 03:04:05')`
  ]
}

const dir = join("scratch", `discover-stamps-${process.pid}`)

interface Listable {
  readonly list: (p: object) => Effect.Effect<{ readonly records: ReadonlyArray<Record<string, unknown>> }>
}

for (const dialect of dialectNames) {
  it(`${dialect}: stamps the library cannot manage are plain fields; the generated models read every row`, async () => {
    const url = await resetNamespace(dialect, "df_disc_stamps")
    const layer = Database.layer({ url, autoMigrate: false })
    const found = await Effect.runPromise(
      Effect.gen(function* () {
        const db = yield* sqlDatabase
        for (const s of ddl(dialect)) yield* db.sql.unsafe(s)
        return yield* Database.discover()
      }).pipe(Effect.provide(layer))
    )
    const byTable = new Map(found.map((m) => [m.table, m]))
    // SQLite's DATETIME keeps whatever text is written: its stamps can be managed
    const wholeSeconds = dialect !== "sqlite"
    expect(
      ["posts", "events", "stamped"].map((t) => [t, byTable.get(t)!.timestamps, byTable.get(t)!.softDelete])
    ).toEqual([
      ["posts", false, !wholeSeconds],
      ["events", false, false],
      ["stamped", true, true]
    ])
    // a timestamp with a zone (PostgreSQL timestamptz, MySQL TIMESTAMP) keeps an instant; SQLite has none
    expect(byTable.get("sent")!.columns.find((c) => c.name === "sent_at")).toMatchObject(
      dialect === "sqlite" ? { kind: "date" } : { kind: "date", precision: 3, timeZone: true }
    )
    const source = Migrations.renderModels(found, { importFrom: "../../src/index.js" })
    expect(source).toContain(
      `  createdAt: Schema.optional(Schema.NullOr(${wholeSeconds ? "DataFlow.dateTime({ precision: 0 })" : "Schema.DateFromSelf"})).pipe(Schema.fromKey("created_at")),`
    )
    expect(source).toContain(`  createdAt: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("created_at")),`)
    mkdirSync(dir, { recursive: true })
    const file = resolve(dir, `models_${dialect}.ts`)
    writeFileSync(file, source)
    try {
      const models = (await import(pathToFileURL(file).href)) as Record<string, Listable>
      const read = await Effect.runPromise(
        Effect.all({
          posts: models["Post"]!.list({ orderBy: ["id"] }),
          events: models["Event"]!.list({}),
          stamped: models["Stamped"]!.list({}),
          sent: models["Sent"]!.list({})
        }).pipe(Effect.provide(layer))
      )
      const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v)
      expect(read.posts.records.map((r) => [r["id"], iso(r["createdAt"]), iso(r["updatedAt"])])).toEqual([
        [1, "2020-01-02T03:04:05.000Z", "2020-01-02T03:04:06.000Z"],
        [2, null, null]
      ])
      expect(read.events.records).toEqual([{ id: 1, createdAt: 1600000000, updatedAt: 1600000001 }])
      expect(read.sent.records.map((r) => iso(r["sentAt"]))).toEqual(["2020-01-02T03:04:05.123Z"])
      expect(read.stamped.records.map((r) => [iso(r["created_at"]), r["deleted_at"]])).toEqual([
        ["2020-01-02T03:04:05.000Z", null]
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it(`${dialect}: managed timestamps over whole-second columns are refused, saying to map them as fields`, async () => {
    const url = await resetNamespace(dialect, "df_disc_stamps2")
    const Post = DataFlow.model(
      "Post",
      { id: Schema.Int, title: Schema.String },
      { table: "posts", autoIncrement: false }
    )
    const { seconds } = types[dialect]
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const db = yield* sqlDatabase
        yield* db.sql.unsafe(
          `CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, title VARCHAR(20) NOT NULL, created_at ${seconds} NOT NULL, updated_at ${seconds} NOT NULL)`
        )
        return yield* Effect.either(Post.count())
      }).pipe(Effect.provide(Database.layer({ url })))
    )
    const error = outcome._tag === "Right" ? { _tag: "none", message: "" } : outcome.left
    // SQLite keeps what it is given: nothing to refuse
    if (dialect === "sqlite") {
      expect(error).toEqual({ _tag: "none", message: "" })
      return
    }
    expect(error._tag).toBe("SchemaMismatch")
    expect(error.message).toContain(
      `set timestamps: false and map the column as a field, DataFlow.dateTime({ precision: 0 }) with Schema.fromKey("created_at")`
    )
  })
}
