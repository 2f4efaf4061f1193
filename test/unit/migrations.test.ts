/**
 * Migrations without a database: narrowing rules, diff of a live table described by hand, plan
 * rendering, ledger ids, model names of discovered tables.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { postgresDialect } from "../../src/dialects/postgres/Hooks.js"
import { postgresIntrospector } from "../../src/dialects/postgres/Introspect.js"
import { sqliteDialect } from "../../src/dialects/sqlite/Hooks.js"
import { sqliteIntrospector } from "../../src/dialects/sqlite/Introspect.js"
import { DataFlow } from "../../src/index.js"
import { modelNameFor } from "../../src/migrations/Discover.js"
import { newId } from "../../src/migrations/Ledger.js"
import * as Migrations from "../../src/internal/Migrations.js"
import type { LiveTable } from "../../src/migrations/LiveSchema.js"

const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    age: Schema.optional(Schema.Int)
  },
  { indexes: [["age"]] }
)

const live: LiveTable = {
  name: "users",
  columns: [
    { name: "id", type: "text", nullable: false, primaryKey: true, autoIncrement: false },
    { name: "name", type: "character varying(20)", nullable: true, primaryKey: false, autoIncrement: false },
    { name: "legacy", type: "integer", nullable: true, primaryKey: false, autoIncrement: false },
    { name: "created_at", type: "timestamp with time zone", nullable: false, primaryKey: false, autoIncrement: false },
    { name: "updated_at", type: "timestamp with time zone", nullable: false, primaryKey: false, autoIncrement: false }
  ],
  unique: [],
  indexes: []
}

describe("migrations (no database)", () => {
  it("narrowing: smaller integers, shorter strings, text to varchar, anything to another family", () => {
    expect(Migrations.isNarrowing("integer", "bigint")).toBe(false)
    expect(Migrations.isNarrowing("int", "bigint")).toBe(false)
    expect(Migrations.isNarrowing("bigint", "integer")).toBe(true)
    expect(Migrations.isNarrowing("integer", "double precision")).toBe(false)
    expect(Migrations.isNarrowing("bigint", "double precision")).toBe(true)
    expect(Migrations.isNarrowing("character varying(20)", "text")).toBe(false)
    expect(Migrations.isNarrowing("varchar(20)", "varchar(40)")).toBe(false)
    expect(Migrations.isNarrowing("varchar(40)", "varchar(20)")).toBe(true)
    expect(Migrations.isNarrowing("longtext", "varchar(255)")).toBe(true)
    expect(Migrations.isNarrowing("text", "integer")).toBe(true)
    expect(Migrations.isNarrowing("integer", "text")).toBe(true)
  })

  it("widening keeps every value: longer or unbounded strings, decimals with as many digits and places, more fractional seconds", () => {
    expect(Migrations.typeChange("nvarchar(70)", "text")).toBe("widening")
    expect(Migrations.typeChange("varchar(70)", "longtext")).toBe("widening")
    expect(Migrations.typeChange("numeric(10,2)", "numeric")).toBe("widening")
    expect(Migrations.typeChange("decimal(10,2)", "decimal(65,30)")).toBe("widening")
    expect(Migrations.typeChange("numeric(12,4)", "numeric(10,2)")).toBe("narrowing")
    expect(Migrations.typeChange("datetime", "datetime(6)")).toBe("widening")
    expect(Migrations.typeChange("datetime(6)", "datetime")).toBe("narrowing")
    expect(Migrations.typeChange("timestamp(0) with time zone", "timestamp with time zone")).toBe("widening")
    expect(Migrations.typeChange("timestamp without time zone", "timestamp with time zone")).toBe("narrowing")
    expect(Migrations.typeChange("integer", "numeric(12,2)")).toBe("widening")
    expect(Migrations.typeChange("bigint", "numeric(12,2)")).toBe("narrowing")
    expect(Migrations.typeChange("text", "text")).toBe("same")
  })

  it("what a narrowing checks in stored values: the new bound, text that is not a number, else any value at all", () => {
    const { conversionOf } = Migrations
    expect(conversionOf("character varying(20)", "character varying(5)")).toEqual({
      kind: "bounded",
      bound: { kind: "length", max: 5 },
      fromText: true
    })
    expect(conversionOf("integer", "varchar(3)")).toEqual({
      kind: "bounded",
      bound: { kind: "length", max: 3 },
      fromText: false
    })
    expect(conversionOf("bigint", "integer")).toEqual({
      kind: "bounded",
      bound: { kind: "integer", max: 2147483647n },
      fromText: false
    })
    expect(conversionOf("varchar(220)", "int")).toEqual({
      kind: "numericText",
      literal: "integer",
      bound: { kind: "integer", max: 2147483647n }
    })
    expect(conversionOf("text", "numeric")).toEqual({ kind: "numericText", literal: "decimal" })
    expect(conversionOf("text", "double precision")).toEqual({ kind: "numericText", literal: "float" })
    expect(conversionOf("integer", "text")).toEqual({ kind: "converts" })
    expect(conversionOf("numeric(10,2)", "text")).toEqual({ kind: "converts" })
    expect(conversionOf("timestamp(6) with time zone", "timestamp(0) with time zone")).toEqual({ kind: "converts" })
    expect(conversionOf("json", "jsonb")).toEqual({ kind: "converts" })
    expect(conversionOf("character varying(30)", "timestamp with time zone")).toEqual({ kind: "unchecked" })
    expect(conversionOf("text", "uuid")).toEqual({ kind: "unchecked" })
    expect(conversionOf("longtext", "json")).toEqual({ kind: "unchecked" })
    expect(conversionOf("boolean", "integer")).toEqual({ kind: "unchecked" })
  })

  it("PostgreSQL: type spellings normalize to what the catalog reports", () => {
    expect(postgresIntrospector.normalizeType(`VARCHAR(20) COLLATE "C"`)).toBe("character varying(20)")
    expect(postgresIntrospector.normalizeType(`TEXT COLLATE "C"`)).toBe("text")
    expect(postgresIntrospector.normalizeType("TIMESTAMPTZ")).toBe("timestamp with time zone")
    expect(postgresIntrospector.normalizeType("DOUBLE PRECISION")).toBe("double precision")
  })

  it("diff against a live table: alter, drop, add column and index, in dependency order", () => {
    const ops = Migrations.diff(postgresDialect, postgresIntrospector, [User.info], [live])
    expect(ops.map((o) => [o.kind, o.description, o.destructive])).toEqual([
      ["dropColumn", "drop column users.legacy", true],
      ["alterColumn", "alter column users.name: type character varying(20) -> text (widening), set not null", false],
      ["addColumn", "add column users.age (INTEGER, nullable)", false],
      ["addIndex", "add index users_age_idx on users (age)", false]
    ])
    expect(ops[1]!.up).toEqual([
      `ALTER TABLE "users" ALTER COLUMN "name" TYPE TEXT COLLATE "C" USING "name"::TEXT`,
      `ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL`
    ])
    expect(ops[1]!.down).toEqual([
      `ALTER TABLE "users" ALTER COLUMN "name" TYPE character varying(20) USING "name"::character varying(20)`,
      `ALTER TABLE "users" ALTER COLUMN "name" DROP NOT NULL`
    ])
    expect(ops[0]!.down).toEqual([`ALTER TABLE "users" ADD COLUMN "legacy" integer`])
  })

  it("SQLite: what ALTER cannot express is one rebuild that copies every row", () => {
    const sqliteLive: LiveTable = {
      ...live,
      columns: live.columns.map((c) => ({ ...c, type: c.name === "legacy" ? "integer" : "text" })),
      sql: `CREATE TABLE "users" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT, "legacy" INTEGER, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)`,
      indexSql: []
    }
    const ops = Migrations.diff(sqliteDialect, sqliteIntrospector, [User.info], [sqliteLive])
    expect(ops.map((o) => o.kind)).toEqual(["rebuildTable"])
    const rebuild = ops[0]!
    expect(rebuild.destructiveChanges).toEqual(["drop column users.legacy"])
    expect(rebuild.up.slice(1)).toEqual([
      `INSERT INTO "_df_rebuild_users" ("id", "name", "created_at", "updated_at") SELECT "id", "name", "created_at", "updated_at" FROM "users"`,
      `DROP TABLE "users"`,
      `ALTER TABLE "_df_rebuild_users" RENAME TO "users"`,
      `CREATE INDEX "users_age_idx" ON "users" ("age")`
    ])
    expect(rebuild.down[0]).toBe(
      `CREATE TABLE "_df_rebuild_users" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT, "legacy" INTEGER, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)`
    )
  })

  it("a plan renders one operation a line with its SQL; an empty one says so", () => {
    const ops = Migrations.diff(postgresDialect, postgresIntrospector, [User.info], [])
    const rendered = Migrations.render({ dialect: "postgres", operations: ops, checksum: "x" })
    expect(rendered.split("\n")[0]).toBe("1. create table users (id, name, age, created_at, updated_at)")
    expect(rendered).toContain(`   down: DROP TABLE "users"`)
    expect(Migrations.render({ dialect: "postgres", operations: [], checksum: "x" })).toBe(
      "schema is up to date: nothing to do\n"
    )
  })

  it("ledger ids sort by time; discovered table names become singular PascalCase model names", () => {
    expect(newId("abcdef0123456789", new Date("2026-01-02T03:04:05.678Z"))).toBe("20260102030405678_abcdef01")
    expect(modelNameFor("users")).toBe("User")
    expect(modelNameFor("order_items")).toBe("OrderItem")
    expect(modelNameFor("categories")).toBe("Category")
    expect(modelNameFor("boxes")).toBe("Box")
    expect(modelNameFor("status")).toBe("Status")
    expect(modelNameFor("2fa_codes")).toBe("T2faCode")
  })
})
