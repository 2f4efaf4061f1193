/**
 * Discovery on a schema nobody here wrote: the Chinook sample database (test/fixtures/chinook),
 * loaded from its published scripts on the three databases. `discover()` describes every table
 * exactly (keys of any name, composite keys, lengths, NUMERIC(10,2), timestamps with their
 * precision, nullability, foreign keys); `dataflow discover` writes models that type-check, says
 * what it skipped and why, and every generated model lists the same rows as raw SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { BigDecimal, Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdirSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Database } from "../../src/index.js"
import type { DiscoveredColumn, ModelDescription } from "../../src/migrations/Migrations.js"
import * as Migrations from "../../src/migrations/Migrations.js"
import { loadChinook } from "../support/Chinook.js"
import { bundleCli, spawnNode } from "../support/Cli.js"
import { type DialectName, dialectNames } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const dir = join("scratch", `chinook-${process.pid}`)
const urls = new Map<DialectName, string>()
let cli = ""

/**
 * Chinook as models, the same on every database: `field:type` with `s<n>` a VARCHAR(n), `dec`
 * NUMERIC(10,2), `?` nullable, `>table` a foreign key to that table's key.
 */
const chinook: Record<string, ReadonlyArray<string>> = {
  Album: ["id:int", "title:s160", "artistId:int>artist"],
  Artist: ["id:int", "name:s120?"],
  Customer: [
    "id:int",
    "firstName:s40",
    "lastName:s20",
    "company:s80?",
    "address:s70?",
    "city:s40?",
    "state:s40?",
    "country:s40?",
    "postalCode:s10?",
    "phone:s24?",
    "fax:s24?",
    "email:s60",
    "supportRepId:int?>employee"
  ],
  Employee: [
    "id:int",
    "lastName:s20",
    "firstName:s20",
    "title:s30?",
    "reportsTo:int?>employee",
    "birthDate:date?",
    "hireDate:date?",
    "address:s70?",
    "city:s40?",
    "state:s40?",
    "country:s40?",
    "postalCode:s10?",
    "phone:s24?",
    "fax:s24?",
    "email:s60?"
  ],
  Genre: ["id:int", "name:s120?"],
  Invoice: [
    "id:int",
    "customerId:int>customer",
    "invoiceDate:date",
    "billingAddress:s70?",
    "billingCity:s40?",
    "billingState:s40?",
    "billingCountry:s40?",
    "billingPostalCode:s10?",
    "total:dec"
  ],
  InvoiceLine: ["id:int", "invoiceId:int>invoice", "trackId:int>track", "unitPrice:dec", "quantity:int"],
  MediaType: ["id:int", "name:s120?"],
  Playlist: ["id:int", "name:s120?"],
  PlaylistTrack: ["playlistId:int>playlist", "trackId:int>track"],
  Track: [
    "id:int",
    "name:s200",
    "albumId:int?>album",
    "mediaTypeId:int>media_type",
    "genreId:int?>genre",
    "composer:s220?",
    "milliseconds:int",
    "bytes:int?",
    "unitPrice:dec"
  ]
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, "")
const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())
/** PostgreSQL's script names things in snake_case, MySQL's and SQLite's in PascalCase. */
const tableOf = (dialect: DialectName, model: string) => (dialect === "postgres" ? snake(model) : model)
const keyColumnOf = (dialect: DialectName, table: string) =>
  dialect === "postgres" ? `${snake(table)}_id` : `${pascal(table)}Id`

/** The exact description discovery must give a Chinook table. */
const expected = (dialect: DialectName, model: string) => {
  const table = tableOf(dialect, model)
  const columns = chinook[model]!.map((spec): Omit<DiscoveredColumn, "type"> => {
    const [, field, type, nullable, ref] = /^(\w+):(\w+)(\??)(?:>(\w+))?$/.exec(spec)!
    const name = field === "id" ? keyColumnOf(dialect, table) : dialect === "postgres" ? snake(field!) : pascal(field!)
    const date = dialect === "sqlite" ? {} : { precision: dialect === "postgres" ? 6 : 0, timeZone: false }
    const refTable = ref === undefined ? undefined : dialect === "postgres" ? ref : pascal(ref)
    return {
      name,
      field: field!,
      kind: type === "dec" ? "decimal" : type === "date" ? "date" : type === "int" ? "int" : "string",
      nullable: nullable === "?",
      primaryKey: field === "id" || model === "PlaylistTrack",
      autoIncrement: false,
      ...(type!.startsWith("s") ? { maxLength: Number(type!.slice(1)) } : {}),
      ...(type === "dec" ? { precision: 10, scale: 2 } : type === "date" ? date : {}),
      ...(refTable !== undefined ? { references: { table: refTable, column: keyColumnOf(dialect, refTable) } } : {})
    }
  })
  const withRefs = columns.filter((c) => c.references !== undefined)
  return {
    name: model,
    table,
    columns,
    primaryKey: columns.filter((c) => c.primaryKey).map((c) => c.name),
    autoIncrement: false,
    unique: [],
    // every foreign key has an index (MariaDB's own index and the script's IFK_ one count once)
    indexes: withRefs.map((c) => [c.name]).sort(),
    foreignKeys: withRefs
      .map((c) => ({ columns: [c.name], references: { table: c.references!.table, columns: [c.references!.column] } }))
      .sort((a, b) => a.columns[0]!.localeCompare(b.columns[0]!)),
    softDelete: false,
    timestamps: false
  }
}

const discovered = (dialect: DialectName) =>
  Effect.runPromise(
    Database.discover().pipe(Effect.provide(Database.layer({ url: urls.get(dialect)!, autoMigrate: false })))
  )

const withoutType = (m: ModelDescription) => ({
  ...m,
  columns: m.columns.map(({ type: _type, ...c }) => c),
  indexes: [...m.indexes].sort(),
  foreignKeys: [...m.foreignKeys].sort((a, b) => a.columns[0]!.localeCompare(b.columns[0]!))
})

beforeAll(async () => {
  mkdirSync(dir, { recursive: true })
  const [bundled] = await Promise.all([
    bundleCli(),
    ...dialectNames.map(async (dialect) => {
      const url = await loadChinook(dialect, "chinook_disc")
      urls.set(dialect, url)
      // one more table, the kind discovery cannot make a model of
      await Effect.runPromise(
        Effect.gen(function* () {
          const db = yield* sqlDatabase
          yield* db.sql.unsafe(`CREATE TABLE ${db.hooks.quote("import_log")} (${db.hooks.quote("line")} VARCHAR(100))`)
        }).pipe(Effect.provide(Database.layer({ url, autoMigrate: false })))
      )
    })
  ])
  cli = bundled
}, 120_000)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (cli !== "") rmSync(cli, { force: true })
})

describe("discovery on Chinook", () => {
  for (const dialect of dialectNames) {
    it(`${dialect}: every table described exactly — keys, mappings, types, nullability, foreign keys`, async () => {
      const found = await discovered(dialect)
      const byTable = new Map(found.map((m) => [m.table, m]))
      expect(byTable.get("import_log")?.problem).toBe("no primary key")
      for (const model of Object.keys(chinook)) {
        const m = byTable.get(tableOf(dialect, model))
        expect(m, model).toBeDefined()
        expect(withoutType(m!), model).toEqual(expected(dialect, model))
      }
      expect(found.length).toBe(12)
      const track = byTable.get(tableOf(dialect, "Track"))!
      const types = { postgres: "numeric(10,2)", mysql: "decimal(10,2)", sqlite: "numeric(10,2)" }
      expect(track.columns.find((c) => c.field === "unitPrice")!.type).toBe(types[dialect])
    })
  }

  it("renders the mapping: fromKey, optional NullOr, decimal, dateTime precision, composite keys, foreign keys as comments", async () => {
    const dialect = dialectNames.includes("postgres") ? "postgres" : dialectNames[0]!
    const source = Migrations.renderModels(await discovered(dialect))
    const [t, k] = dialect === "postgres" ? ["track", (s: string) => s] : ["Track", pascal]
    expect(source).toContain(`export const Track = DataFlow.model("Track", {
  id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("${keyColumnOf(dialect, t)}")),
  name: Schema.String.pipe(Schema.maxLength(200)${dialect === "postgres" ? "" : `, Schema.propertySignature, Schema.fromKey("Name")`}),
  albumId: Schema.optional(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("${k("album_id")}")), // references ${k("album")}(${k("album_id")})`)
    expect(source)
      .toContain(`unitPrice: DataFlow.decimal(10, 2).pipe(Schema.propertySignature, Schema.fromKey("${k("unit_price")}"))
}, { table: "${t}", timestamps: false, autoIncrement: false, indexes: [["albumId"], ["genreId"], ["mediaTypeId"]] })`)
    expect(source).toContain(`export const PlaylistTrack = DataFlow.model("PlaylistTrack", {
  playlistId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("${k("playlist_id")}")), // references ${k("playlist")}(${k("playlist_id")})
  trackId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("${k("track_id")}")) // references ${t}(${k("track_id")})
}, { table: "${dialect === "postgres" ? "playlist_track" : "PlaylistTrack"}", timestamps: false, primaryKey: ["playlistId", "trackId"]`)
    expect(source).toContain(`// import_log: not a model — no primary key`)
    if (dialect === "postgres")
      expect(source).toContain(
        `invoiceDate: DataFlow.dateTime({ precision: 6 }).pipe(Schema.propertySignature, Schema.fromKey("invoice_date"))`
      )
  })

  it("`dataflow discover` writes the models and says what it skipped; the source type-checks", async () => {
    const files: Array<string> = []
    for (const dialect of dialectNames) {
      const file = join(dir, `models_${dialect}.ts`)
      const r = await spawnNode(cli, [
        "discover",
        "--url",
        urls.get(dialect)!,
        "--import-from",
        "../../src/index.js",
        "--out",
        file
      ])
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({
        code: 0,
        stderr: `wrote 11 models to ${file}, skipped 1 table: import_log (no primary key)`
      })
      files.push(file)
    }
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
  }, 90_000)

  interface Listable {
    readonly info: { readonly table: string }
    readonly list: (
      params: object
    ) => Effect.Effect<{ readonly records: ReadonlyArray<Record<string, unknown>> }, unknown, Database.Database>
  }

  /** A raw value and a model's value are the same: decimals by BigDecimal.equals, dates as instants. */
  const same = (c: DiscoveredColumn, raw: unknown, value: unknown): boolean => {
    if (raw === null) return value === null || value === undefined
    switch (c.kind) {
      case "decimal":
        return BigDecimal.isBigDecimal(value) && BigDecimal.equals(value, BigDecimal.unsafeFromString(String(raw)))
      case "date": {
        // SQLite's DATETIME text has no zone: it is UTC, as everywhere in this suite
        const instant = raw instanceof Date ? raw.getTime() : Date.parse(`${String(raw).replace(" ", "T")}Z`)
        return value instanceof Date && value.getTime() === instant
      }
      case "int":
        return value === Number(raw)
      default:
        return value === raw
    }
  }

  for (const dialect of dialectNames) {
    it(`${dialect}: every generated model lists the same rows as raw SQL`, async () => {
      const file = resolve(dir, `models_${dialect}.ts`)
      const models = (await import(pathToFileURL(file).href)) as Record<string, Listable>
      const found = (await discovered(dialect)).filter((m) => m.problem === undefined)
      const mismatches = await Effect.runPromise(
        Effect.gen(function* () {
          const db = yield* sqlDatabase
          const out: Array<string> = []
          for (const m of found) {
            const q = db.hooks.quote
            const raw = (yield* db.sql.unsafe(
              `SELECT * FROM ${q(m.table)} ORDER BY ${m.primaryKey.map(q).join(", ")}`
            )) as ReadonlyArray<Record<string, unknown>>
            const keyFields = m.primaryKey.map((k) => m.columns.find((c) => c.name === k)!.field)
            const { records } = yield* models[m.name]!.list({ orderBy: keyFields, limit: 10_000 })
            if (records.length !== raw.length) out.push(`${m.table}: ${records.length} records, ${raw.length} rows`)
            raw.forEach((row, i) => {
              for (const c of m.columns) {
                if (!same(c, row[c.name], records[i]?.[c.field]))
                  out.push(`${m.table} row ${i} ${c.name}: ${String(row[c.name])} ≠ ${String(records[i]?.[c.field])}`)
              }
            })
          }
          return out
        }).pipe(Effect.provide(Database.layer({ url: urls.get(dialect)!, autoMigrate: false })))
      )
      expect(mismatches.slice(0, 20)).toEqual([])
      expect(found.length).toBe(11)
    }, 60_000)
  }

  for (const dialect of dialectNames) {
    it(`${dialect}: migrate plans nothing over the generated models (their types are the columns', however spelled)`, async () => {
      const models = (await import(pathToFileURL(resolve(dir, `models_${dialect}.ts`)).href)) as Record<
        string,
        Database.ModelLike
      >
      expect(Object.keys(models).length).toBe(11)
      const { plan } = await Effect.runPromise(
        Database.migrate({ models: Object.values(models), dryRun: true }).pipe(
          Effect.provide(Database.layer({ url: urls.get(dialect)!, autoMigrate: false }))
        )
      )
      expect(plan.operations.map((o) => o.description)).toEqual([])
    })
  }

  for (const dialect of dialectNames) {
    it(`${dialect}: the generated models work — read by key, typed filters, update, create with the id, composite keys`, async () => {
      const { Invoice, PlaylistTrack, Track } = (await import(
        pathToFileURL(resolve(dir, `models_${dialect}.ts`)).href
      )) as Record<string, any>
      const price = BigDecimal.unsafeFromString("0.99")
      const out = await Effect.runPromise(
        (
          Effect.gen(function* () {
            const track = yield* Track.read({ id: 1 })
            const rock = yield* Track.list({
              filter: { genreId: 1, unitPrice: { $gte: price } },
              orderBy: ["name"],
              limit: 2
            })
            const updated = yield* Track.update({ filter: { id: 1 }, fields: { composer: "Angus Young" } })
            const created = yield* Track.create({
              id: 4000,
              name: "New",
              mediaTypeId: 1,
              milliseconds: 1000,
              unitPrice: price
            })
            const entry = yield* PlaylistTrack.read({ id: { playlistId: 1, trackId: 3402 } })
            const deleted = yield* PlaylistTrack.delete({ id: { playlistId: 1, trackId: 3402 } })
            const brazil = yield* Invoice.count({ filter: { billingCountry: "Brazil" } })
            return {
              name: track.name,
              rock: rock.total,
              composer: updated.composer,
              created: [created.id, created.albumId ?? null],
              entry,
              deleted,
              brazil
            }
          }) as Effect.Effect<unknown, unknown, Database.Database>
        ).pipe(Effect.provide(Database.layer({ url: urls.get(dialect)!, autoMigrate: false })))
      )
      expect(out).toEqual({
        name: "For Those About To Rock (We Salute You)",
        rock: 1297,
        composer: "Angus Young",
        created: [4000, null],
        entry: { playlistId: 1, trackId: 3402 },
        deleted: { id: { playlistId: 1, trackId: 3402 }, deleted: true },
        brazil: 35
      })
    })
  }
})
