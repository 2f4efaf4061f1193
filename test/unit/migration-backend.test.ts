/**
 * The seam between migration planning and a family's statements (src/migrations/Backend.ts):
 * planning run over a backend that is not SQL (document-style commands as JSON, as a MongoDB
 * backend would render them) decides the same operations, order and destructive flags, and every
 * statement it plans is that backend's — none is SQL. The SQL family's statements are proven by
 * test/unit/migrations.test.ts and the conformance tests.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { postgresIntrospector } from "../../src/dialects/postgres/Introspect.js"
import { DataFlow } from "../../src/index.js"
import type { MigrationStatements } from "../../src/migrations/Backend.js"
import { diffWith } from "../../src/migrations/Diff.js"
import type { LiveTable } from "../../src/migrations/LiveSchema.js"

const command = (name: string, args: Record<string, unknown>) => [JSON.stringify({ [name]: args })]

/** Document-style statements: one JSON command per step, nothing rebuilt. */
const documents: MigrationStatements = {
  rebuildsTables: false,
  expectedColumn: (model, field) => ({ type: field.kind, nullable: !model.key.includes(field) && field.optional }),
  liveJsonType: undefined,
  createTable: (model) => command("createCollection", { name: model.table }),
  dropTable: (table) => command("drop", { collection: table }),
  recreateTable: (live) => command("createCollection", { name: live.name }),
  addColumn: (table, field, _type, value) => ({
    up: command("updateMany", { collection: table, set: { [field.column]: value ?? null } }),
    existingRows: JSON.stringify(value ?? null)
  }),
  dropColumn: (table, column) => command("updateMany", { collection: table, unset: column }),
  addLiveColumn: (table, column) => command("collMod", { collection: table, add: column.name }),
  alterColumn: (table, column, to) => command("collMod", { collection: table, column, to }),
  addIndex: (table, key) => command("createIndex", { collection: table, name: key.name, keys: key.columns }),
  dropIndex: (table, key) => command("dropIndex", { collection: table, name: key.name }),
  addUnique: (table, key) => command("createIndex", { collection: table, name: key.name, unique: true }),
  dropUnique: (table, key) => command("dropIndex", { collection: table, name: key.name }),
  misfitCondition: () => undefined,
  collationNote: () => undefined,
  rebuildTable: () => {
    throw new Error("a document backend never rebuilds")
  }
}

const User = DataFlow.model(
  "User",
  { id: Schema.String, name: Schema.String, age: Schema.optional(Schema.Int) },
  { indexes: [["age"]], timestamps: false }
)

const live: LiveTable = {
  name: "users",
  columns: [
    { name: "id", type: "string", nullable: false, primaryKey: true, autoIncrement: false },
    { name: "name", type: "string", nullable: true, primaryKey: false, autoIncrement: false },
    { name: "legacy", type: "int", nullable: true, primaryKey: false, autoIncrement: false }
  ],
  unique: [{ name: "users_legacy_key", columns: ["name"] }],
  indexes: []
}

const identity = { ...postgresIntrospector, normalizeType: (t: string) => t }

describe("migration planning over a backend that is not SQL", () => {
  it("plans the same operations in the same order, each with that backend's statements", () => {
    const ops = diffWith(documents, identity, [User.info], [live])
    expect(ops.map((o) => [o.kind, o.destructive, o.additive])).toEqual([
      ["dropUnique", true, false],
      ["dropColumn", true, false],
      ["alterColumn", false, false],
      ["addColumn", false, true],
      ["addIndex", false, true]
    ])
    for (const statement of ops.flatMap((o) => [...o.up, ...o.down])) {
      expect(() => JSON.parse(statement)).not.toThrow()
      expect(statement).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b/)
    }
    expect(ops[3]!.up).toEqual([`{"updateMany":{"collection":"users","set":{"age":null}}}`])
    expect(ops[2]!.prechecks).toEqual([{ kind: "notNull", table: "users", column: "name" }])
  })

  it("a missing table is created with the backend's command; pruning drops what no model describes", () => {
    const ops = diffWith(documents, identity, [User.info], [{ ...live, name: "other" }], { prune: true })
    expect(ops.map((o) => [o.kind, o.up])).toEqual([
      ["createTable", [`{"createCollection":{"name":"users"}}`]],
      ["dropTable", [`{"drop":{"collection":"other"}}`]]
    ])
  })
})
