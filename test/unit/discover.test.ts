/**
 * Discovery without a database: live tables (as the introspectors report them) → descriptions →
 * TypeScript. The edge cases Chinook does not have; Chinook itself is in
 * test/conformance/chinook-discover.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { mysqlIntrospector } from "../../src/dialects/mysql/Introspect.js"
import { postgresIntrospector } from "../../src/dialects/postgres/Introspect.js"
import { sqliteIntrospector } from "../../src/dialects/sqlite/Introspect.js"
import { describeTables, fieldNameFor, modelNameFor } from "../../src/migrations/Discover.js"
import type { LiveColumn, LiveTable } from "../../src/migrations/LiveSchema.js"
import { renderModel } from "../../src/migrations/Render.js"

const col = (name: string, type: string, extra: Partial<LiveColumn> = {}): LiveColumn => ({
  name,
  type,
  nullable: false,
  primaryKey: false,
  autoIncrement: false,
  ...extra
})
const table = (name: string, columns: ReadonlyArray<LiveColumn>, extra: Partial<LiveTable> = {}): LiveTable => ({
  name,
  columns,
  unique: [],
  indexes: [],
  ...extra
})

describe("discovery rules", () => {
  it("names: camelCase fields, PascalCase singular models", () => {
    expect(["unit_price", "TrackId", "ID", "billing_postal_code", "2fa_code", "customerID"].map(fieldNameFor)).toEqual([
      "unitPrice",
      "trackId",
      "id",
      "billingPostalCode",
      "_2faCode",
      "customerID"
    ])
    expect(["invoice_line", "Track", "order_items", "categories", "addresses", "status"].map(modelNameFor)).toEqual([
      "InvoiceLine",
      "Track",
      "OrderItem",
      "Category",
      "Address",
      "Status"
    ])
  })

  it("model names are unique and never an import's name", () => {
    const t = (name: string) => table(name, [col("id", "integer", { primaryKey: true, autoIncrement: true })])
    expect(
      describeTables(postgresIntrospector, [t("user"), t("users"), t("schema"), t("data_flow")]).map((m) => m.name)
    ).toEqual(["User", "User2", "SchemaModel", "DataFlowModel"])
  })

  it("a mapped unique key, a composite foreign key, managed timestamps, a string key: rendered with field names", () => {
    const [m] = describeTables(postgresIntrospector, [
      table(
        "shipment",
        [
          col("ShipmentCode", "character varying(12)", { primaryKey: true }),
          col("order_no", "integer"),
          col("order_line", "integer"),
          col("tracking_ref", "text", { nullable: true }),
          col("weight_kg", "numeric(8,3)"),
          col("sent_at", "timestamp(3) with time zone", { nullable: true }),
          col("created_at", "timestamp with time zone"),
          col("updated_at", "timestamp with time zone")
        ],
        {
          unique: [{ name: "u", columns: ["tracking_ref"] }],
          indexes: [
            { name: "i", columns: ["order_no", "order_line"] },
            { name: "j", columns: ["created_at"] }
          ],
          foreignKeys: [
            {
              name: "fk",
              columns: ["order_no", "order_line"],
              references: { table: "order_line", columns: ["order_no", "line_no"] }
            }
          ]
        }
      )
    ])
    expect(m).toMatchObject({
      name: "Shipment",
      primaryKey: ["ShipmentCode"],
      timestamps: true,
      autoIncrement: false,
      unique: [["tracking_ref"]]
    })
    expect(m!.columns.find((c) => c.name === "sent_at")).toMatchObject({ kind: "date", precision: 3, timeZone: true })
    expect(renderModel(m!)).toBe(`export const Shipment = DataFlow.model("Shipment", {
  id: Schema.String.pipe(Schema.maxLength(12), Schema.propertySignature, Schema.fromKey("ShipmentCode")),
  orderNo: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("order_no")), // (order_no, order_line) references order_line(order_no, line_no)
  orderLine: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("order_line")),
  trackingRef: Schema.optional(Schema.NullOr(Schema.String)).pipe(Schema.fromKey("tracking_ref")),
  weightKg: DataFlow.decimal(8, 3).pipe(Schema.propertySignature, Schema.fromKey("weight_kg")),
  sentAt: Schema.optional(Schema.NullOr(DataFlow.dateTime({ precision: 3 }))).pipe(Schema.fromKey("sent_at"))
}, { table: "shipment", unique: [["trackingRef"]], indexes: [["orderNo", "orderLine"]] })
`)
  })

  it("tables that cannot be models say why, and render as a comment", () => {
    const found = describeTables(mysqlIntrospector, [
      table("audit", [col("line", "text")]),
      table("big", [col("id", "decimal(20,0)", { primaryKey: true })]),
      table("clash", [col("id", "int", { primaryKey: true }), col("user_id", "int"), col("userId", "int")]),
      table("ids", [col("code", "varchar(8)", { primaryKey: true }), col("ID", "int")]),
      table("dataflow_migrations", [col("id", "varchar(64)", { primaryKey: true })])
    ])
    expect(found.map((m) => [m.table, m.problem])).toEqual([
      ["audit", "no primary key"],
      ["big", "its key column id is decimal(20,0): a key is a string, an integer or a UUID"],
      ["clash", "columns user_id and userId would both be field userId"],
      ["ids", "columns code and ID would both be field id"],
      ["dataflow_migrations", "the migration ledger of effect-dataflow"]
    ])
    expect(renderModel(found[0]!)).toBe("// audit: not a model — no primary key\n")
  })

  it("the library's own types stay plain; an identity key has no autoIncrement option", () => {
    const [m] = describeTables(mysqlIntrospector, [
      table("things", [
        col("id", "int", { primaryKey: true, autoIncrement: true }),
        col("at", "datetime(6)"),
        col("amount", "decimal(65,30)"),
        col("flag", "tinyint(1)")
      ])
    ])
    expect(renderModel(m!)).toBe(`export const Thing = DataFlow.model("Thing", {
  id: Schema.Int,
  at: Schema.DateFromSelf,
  amount: Schema.BigDecimalFromSelf,
  flag: Schema.Boolean
}, { table: "things", timestamps: false })
`)
  })

  it("a DATE keeps only the day: DataFlow.dateOnly() on PostgreSQL and MySQL, a plain Date on SQLite", () => {
    const days = [col("id", "int", { primaryKey: true }), col("due_on", "date", { nullable: true })]
    for (const introspector of [postgresIntrospector, mysqlIntrospector]) {
      const [m] = describeTables(introspector, [table("bills", days)])
      expect(m!.columns[1]).toMatchObject({ kind: "date", dayOnly: true })
      expect(renderModel(m!)).toBe(`export const Bill = DataFlow.model("Bill", {
  id: Schema.Int,
  dueOn: Schema.optional(Schema.NullOr(DataFlow.dateOnly())).pipe(Schema.fromKey("due_on"))
}, { table: "bills", timestamps: false, autoIncrement: false })
`)
    }
    // SQLite has no DATE type: a column declared DATE keeps the text it is given, a time of day included
    const [s] = describeTables(sqliteIntrospector, [table("bills", days)])
    expect(s!.columns[1]!.dayOnly).toBeUndefined()
    expect(renderModel(s!)).toContain("dueOn: Schema.optional(Schema.NullOr(Schema.DateFromSelf))")
  })
})
