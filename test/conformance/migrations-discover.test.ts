/**
 * Discovery on the three databases: `Database.discover()` describes existing tables, and
 * `dataflow discover --url` prints model source that type-checks and reads the rows back.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { Database } from "../../src/index.js"
import * as Migrations from "../../src/migrations/Migrations.js"
import { bundleCli, spawnNode } from "../support/Cli.js"
import { dialectNames } from "../support/Dialects.js"
import { Product, Tag } from "../support/DiscoverModels.js"
import { resetNamespace } from "../support/Namespaces.js"

const dir = join("scratch", `discover-${process.pid}`)
const urls = new Map<string, string>()
let cli = ""

const expectedSource = (dialect: string) => {
  const sqlite = dialect === "sqlite"
  return `export const Product = DataFlow.model("Product", {
  id: Schema.String,
  sku: ${sqlite ? "Schema.String" : "Schema.String.pipe(Schema.maxLength(40))"},
  title: Schema.String,
  price: Schema.Number,
  stock: Schema.Int,
  active: ${sqlite ? "Schema.Int" : "Schema.Boolean"},
  note: Schema.optional(Schema.NullOr(Schema.String)),
  big: Schema.optional(Schema.NullOr(Schema.BigIntFromSelf)),
  released: Schema.optional(Schema.NullOr(${sqlite ? "Schema.String" : "Schema.DateFromSelf"})),
  meta: Schema.optional(Schema.NullOr(${sqlite ? "Schema.String" : "Schema.Record({ key: Schema.String, value: Schema.Unknown })"})),
  status: Schema.Literal("draft", "live")
}, { table: "products", unique: [["sku"]], indexes: [["stock"]], softDelete: true })

export const Tag = DataFlow.model("Tag", {
  id: Schema.Int,
  label: Schema.String
}, { table: "tags" })
`
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true })
  cli = await bundleCli()
  for (const dialect of dialectNames) {
    const url = await resetNamespace(dialect, "df_discover")
    urls.set(dialect, url)
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* Product.create({
          id: "p1",
          sku: "S-1",
          title: "Lamp",
          price: 19.5,
          stock: 3,
          active: true,
          status: "live",
          big: 9007199254740993n,
          released: new Date("2024-05-01T10:00:00.000Z"),
          meta: { color: "red" }
        })
        yield* Product.create({
          id: "p2",
          sku: "S-2",
          title: "Desk",
          price: 120,
          stock: 0,
          active: false,
          status: "draft"
        })
        yield* Tag.create({ label: "sale" })
      }).pipe(Effect.provide(Database.layer({ url, models: [Product, Tag] })))
    )
  }
}, 60_000)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(cli, { force: true })
})

describe("discovery", () => {
  for (const dialect of dialectNames) {
    it(`${dialect}: discover() describes columns, types, nullability, keys and indexes`, async () => {
      const found = await Effect.runPromise(
        Database.discover().pipe(Effect.provide(Database.layer({ url: urls.get(dialect)!, autoMigrate: false })))
      )
      // the ledger is listed, as a table that is not a model
      expect(found.map((m) => [m.table, m.problem])).toEqual([
        ["dataflow_migrations", "the migration ledger of effect-dataflow"],
        ["products", undefined],
        ["tags", undefined]
      ])
      const products = found[1]!
      expect(products).toMatchObject({
        name: "Product",
        unique: [["sku"]],
        indexes: [["stock"]],
        softDelete: true,
        timestamps: true
      })
      expect(products.columns.find((c) => c.name === "id")).toMatchObject({
        primaryKey: true,
        nullable: false,
        autoIncrement: false
      })
      expect(products.columns.find((c) => c.name === "note")).toMatchObject({ kind: "string", nullable: true })
      expect(products.columns.find((c) => c.name === "status")).toMatchObject({
        kind: "literal",
        literals: ["draft", "live"]
      })
      expect(found[2]!.columns.find((c) => c.name === "id")).toMatchObject({
        kind: "int",
        primaryKey: true,
        autoIncrement: true
      })
      expect(Migrations.renderModels(found)).toContain(expectedSource(dialect))
    })
  }

  it("`dataflow discover` prints source that type-checks and reads the existing rows back, on every database", async () => {
    const files: Array<string> = []
    for (const dialect of dialectNames) {
      const models = join(dir, `models_${dialect}.ts`)
      const r = await spawnNode(cli, [
        "discover",
        "--url",
        urls.get(dialect)!,
        "--import-from",
        "../../src/index.js",
        "--out",
        models
      ])
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({
        code: 0,
        stderr: `wrote 2 models to ${models}, skipped 1 table: dataflow_migrations (the migration ledger of effect-dataflow)`
      })
      files.push(models)
    }
    // one reader for every database (one tsx start): each generated module lists its rows
    const reader = join(dir, "read.ts")
    writeFileSync(
      reader,
      `import { Effect } from "effect"
import { Database } from "../../src/index.js"
${dialectNames.map((d) => `import * as ${d} from "./models_${d}.js"`).join("\n")}

const read = (m: typeof ${dialectNames[0]}, url: string) => Effect.gen(function*() {
  const products = yield* m.Product.list({ orderBy: ["id"] })
  const tags = yield* m.Tag.list()
  return {
    products: products.records.map((p) => ({ id: p.id, title: p.title, price: p.price, stock: p.stock, active: p.active, big: p.big == null ? null : String(p.big), status: p.status })),
    tags: tags.records.map((t) => t.label)
  }
}).pipe(Effect.provide(Database.layer({ url, autoMigrate: false })))

const urls = JSON.parse(process.argv[2]!) as Record<string, string>
Effect.runPromise(Effect.all({ ${dialectNames.map((d) => `${d}: read(${d} as never, urls["${d}"]!)`).join(", ")} })).then((r) => console.log(JSON.stringify(r)))
`
    )
    files.push(reader)
    // the generated source compiles under the project's strict settings
    execFileSync(
      process.execPath,
      [
        "node_modules/typescript/bin/tsc",
        "--noEmit",
        "--strict",
        "--exactOptionalPropertyTypes",
        "--skipLibCheck",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        ...files
      ],
      { stdio: "pipe" }
    )
    const out = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", reader, JSON.stringify(Object.fromEntries(urls))], {
        encoding: "utf8"
      })
    )
    for (const dialect of dialectNames) {
      const sqlite = dialect === "sqlite"
      expect(out[dialect]).toEqual({
        products: [
          {
            id: "p1",
            title: "Lamp",
            price: 19.5,
            stock: 3,
            active: sqlite ? 1 : true,
            big: "9007199254740993",
            status: "live"
          },
          { id: "p2", title: "Desk", price: 120, stock: 0, active: sqlite ? 0 : false, big: null, status: "draft" }
        ],
        tags: ["sale"]
      })
    }
  }, 60_000)
})
