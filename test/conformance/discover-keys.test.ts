/**
 * A BIGINT key — what Rails, Laravel and Django create (`BIGSERIAL`, `BIGINT UNSIGNED
 * AUTO_INCREMENT`) — is discovered as an Int key, not skipped: the generated model creates, reads
 * and lists through it. Ids are exact to 2^53; a row whose key (or any Int field) holds more fails
 * InvalidRow rather than coming back as a neighbouring number.
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

/** The key as each framework writes it (SQLite: a plain BIGINT key, which it does not generate). */
const keyType: Record<DialectName, string> = {
  postgres: "BIGSERIAL PRIMARY KEY",
  mysql: "BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY",
  sqlite: "BIGINT NOT NULL PRIMARY KEY"
}

const dir = join("scratch", `discover-keys-${process.pid}`)

const IntViews = DataFlow.model(
  "IntViews",
  { id: Schema.Int, views: Schema.optional(Schema.NullOr(Schema.Int)) },
  { table: "posts", timestamps: false, autoIncrement: false }
)

interface PostModel {
  readonly create: (input: object) => Effect.Effect<Record<string, unknown>, { readonly _tag: string }>
  readonly read: (p: object) => Effect.Effect<Record<string, unknown>, { readonly _tag: string }>
  readonly list: (
    p: object
  ) => Effect.Effect<{ readonly records: ReadonlyArray<Record<string, unknown>> }, { readonly _tag: string }>
}

for (const dialect of dialectNames) {
  it(`${dialect}: a BIGINT key is an Int key; past 2^53 a row fails InvalidRow`, async () => {
    const url = await resetNamespace(dialect, "df_disc_keys")
    const layer = Database.layer({ url, autoMigrate: false })
    const found = await Effect.runPromise(
      Effect.gen(function* () {
        const db = yield* sqlDatabase
        yield* db.sql.unsafe(`CREATE TABLE posts (id ${keyType[dialect]}, title VARCHAR(40) NOT NULL, views BIGINT)`)
        // the database numbers the first row where it generates keys
        yield* db.sql.unsafe(
          dialect === "sqlite"
            ? `INSERT INTO posts (id, title, views) VALUES (1, 'first', 10)`
            : `INSERT INTO posts (title, views) VALUES ('first', 10)`
        )
        return yield* Database.discover()
      }).pipe(Effect.provide(layer))
    )
    const posts = found.find((m) => m.table === "posts")!
    expect(posts.problem).toBeUndefined()
    expect(posts.columns.map((c) => [c.name, c.kind])).toEqual([
      ["id", "int"],
      ["title", "string"],
      ["views", "bigint"]
    ])
    const source = Migrations.renderModels(found, { importFrom: "../../src/index.js" })
    expect(source).toContain(`  id: Schema.Int,\n`)
    expect(source).toContain(
      dialect === "sqlite"
        ? `{ table: "posts", timestamps: false, autoIncrement: false }`
        : `{ table: "posts", timestamps: false }`
    )
    mkdirSync(dir, { recursive: true })
    const file = resolve(dir, `models_${dialect}.ts`)
    writeFileSync(file, source)
    try {
      const { Post } = (await import(pathToFileURL(file).href)) as { Post: PostModel }
      const out = await Effect.runPromise(
        Effect.gen(function* () {
          const created = yield* Post.create(dialect === "sqlite" ? { id: 2, title: "second" } : { title: "second" })
          const read = yield* Post.read({ id: 1 })
          const db = yield* sqlDatabase
          yield* db.sql.unsafe(`INSERT INTO posts (id, title) VALUES (9007199254740993, 'huge')`)
          const huge = yield* Effect.flip(Post.list({ orderBy: ["id"] }))
          yield* db.sql.unsafe(`DELETE FROM posts WHERE title = 'huge'`)
          yield* db.sql.unsafe(`UPDATE posts SET views = 9007199254740993 WHERE id = 1`)
          // the generated field is a BigInt: exact; a hand-written Schema.Int over it fails typed
          const exact = (yield* Post.read({ id: 1 }))["views"]
          const views = yield* Effect.flip(IntViews.read({ id: 1 }))
          return { created: [created["id"], created["title"]], read, huge, exact, views }
        }).pipe(Effect.provide(layer))
      )
      expect(out.created).toEqual([2, "second"])
      expect(out.read).toStrictEqual({ id: 1, title: "first", views: 10n })
      expect(out.huge).toMatchObject({ _tag: "InvalidRow", model: "Post", field: "id" })
      expect(out.exact).toBe(9007199254740993n)
      expect(out.views).toMatchObject({ _tag: "InvalidRow", model: "IntViews", field: "views", key: 1 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
}
