/**
 * Migrations that never half-happen: prechecks count the rows that would make a step fail before
 * the first DDL statement (the table and ledger unchanged, nothing dirty, on MySQL too); widening
 * is called widening; dropping an index is destructive, and one a foreign key needs is refused;
 * the SQLite rebuild keeps foreign keys, CHECKs, collations and indexes; a dirty entry blocks only
 * its own tables (a warning names it otherwise).
 */
import { expect } from "@effect/vitest"
import { Effect, Logger, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import { type DialectName, forEachDialect } from "../support/Dialects.js"
import { sqlDatabase } from "../support/SqlDatabase.js"

const raw = (sql: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(sqlDatabase, (db) => db.sql.unsafe<Record<string, unknown>>(sql, params)).pipe(Effect.orDie)

const describe = (table: string) =>
  Effect.flatMap(sqlDatabase, (db) => Effect.map(db.discover(), (ms) => ms.find((m) => m.table === table)!))

const ledger = Effect.flatMap(sqlDatabase, (db) => db.migrations)

/** Fails `run` and checks the table (columns, keys, rows) and the ledger did not change. */
const unchanged = <A, E>(table: string, run: Effect.Effect<A, E, Database.Database>) =>
  Effect.gen(function* () {
    const before = { table: yield* describe(table), rows: yield* raw(`SELECT COUNT(*) AS n FROM ${table}`) }
    const entries = yield* ledger
    const error = yield* Effect.flip(run)
    expect({ table: yield* describe(table), rows: yield* raw(`SELECT COUNT(*) AS n FROM ${table}`) }).toEqual(before)
    expect(yield* ledger).toEqual(entries)
    return error
  })

const Name = Schema.String.pipe(Schema.maxLength(20))
const G1 = DataFlow.model(
  "Genre",
  { id: Schema.String, name: Schema.optional(Name), code: Schema.optional(Name) },
  { table: "genres" }
)

const fkDdl: Record<DialectName, ReadonlyArray<string>> = {
  postgres: [
    "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
    "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL REFERENCES parent (id))",
    "CREATE INDEX child_parent_idx ON child (parent_id)"
  ],
  mysql: [
    "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
    "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, INDEX child_parent_idx (parent_id), " +
      "CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id))"
  ],
  sqlite: [
    "CREATE TABLE parent (id INTEGER NOT NULL PRIMARY KEY)",
    "CREATE TABLE child (id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id))",
    "CREATE INDEX child_parent_idx ON child (parent_id)"
  ]
}

forEachDialect("migr_safety", (it, dialect) => {
  it.effect("NULLs before SET NOT NULL: refused with the count before any DDL; the table and ledger unchanged", () =>
    Effect.gen(function* () {
      yield* Database.migrate({ models: [G1] })
      yield* G1.bulkCreate({ data: [{ id: "1", name: "Rock" }, { id: "2" }, { id: "3" }] })
      const G2 = DataFlow.model(
        "Genre",
        { id: Schema.String, name: Name, code: Schema.optional(Name) },
        { table: "genres" }
      )
      const e = yield* unchanged("genres", Database.migrate({ models: [G2] }))
      expect(e).toMatchObject({ _tag: "MigrationPrecheckFailed", problems: ["2 rows have NULL in genres.name"] })
      expect(e.message).not.toContain("Rock")
    })
  )

  it.effect(
    "values that do not fit a narrowing, duplicates before a unique key: every problem counted, even with allowDestructive",
    () =>
      Effect.gen(function* () {
        yield* G1.bulkCreate({
          data: [
            { id: "4", name: "a-name-of-sixteen", code: "x" },
            { id: "5", code: "x" }
          ]
        })
        const G3 = DataFlow.model(
          "Genre",
          {
            id: Schema.String,
            name: Schema.optional(Schema.String.pipe(Schema.maxLength(5))),
            code: Schema.optional(Name)
          },
          { table: "genres", unique: [["code"]] }
        )
        const { plan } = yield* Database.migrate({ models: [G3], dryRun: true })
        if (dialect !== "sqlite")
          expect(plan.operations.map((o) => o.description).join("\n")).toMatch(
            /genres\.name: type .+\(20\) -> .+\(5\) \(narrowing\)/
          )
        const e = yield* unchanged("genres", Database.migrate({ models: [G3], allowDestructive: true }))
        expect(e).toMatchObject({
          _tag: "MigrationPrecheckFailed",
          problems:
            dialect === "sqlite"
              ? ["2 rows of genres share their (code) with another row"] // SQLite keeps any length in TEXT: no narrowing
              : [
                  "1 row of genres have a value in name that does not fit " +
                    (dialect === "mysql" ? "varchar(5)" : "character varying(5)"),
                  "2 rows of genres share their (code) with another row"
                ]
        })
      })
  )

  it.effect("widening is called widening and applied without allowDestructive", () =>
    Effect.gen(function* () {
      const ddl =
        dialect === "mysql"
          ? "CREATE TABLE wide (id VARCHAR(10) NOT NULL PRIMARY KEY, title VARCHAR(70), price DECIMAL(10,2), at DATETIME)"
          : dialect === "postgres"
            ? "CREATE TABLE wide (id TEXT NOT NULL PRIMARY KEY, title VARCHAR(70), price NUMERIC(10,2), at TIMESTAMP(0) WITH TIME ZONE)"
            : "CREATE TABLE wide (id TEXT NOT NULL PRIMARY KEY, title NVARCHAR(70), price TEXT, at TEXT)"
      yield* raw(ddl)
      const Wide = DataFlow.model(
        "Wide",
        {
          id: Schema.String,
          title: Schema.optional(Schema.String),
          price: Schema.optional(Schema.BigDecimal),
          at: Schema.optional(Schema.DateFromSelf)
        },
        { table: "wide", timestamps: false }
      )
      const { plan } = yield* Database.migrate({ models: [Wide], dryRun: true })
      const text = plan.operations.map((o) => o.description).join("\n")
      expect(text).not.toContain("narrowing")
      expect(text).toMatch(/title: type \S+(\(70\)| varying\(70\)) -> \S+ \(widening\)/)
      if (dialect !== "sqlite") expect(text).toMatch(/price: type \S+\(10,2\) -> \S+ \(widening\)/)
      if (dialect === "mysql") expect(text).toContain("at: type datetime -> datetime(6) (widening)")
      if (dialect === "postgres")
        expect(text).toContain("at: type timestamp(0) with time zone -> timestamp with time zone (widening)")
      expect(plan.operations.every((o) => !o.destructive)).toBe(true)
      expect((yield* Database.migrate({ models: [Wide] })).applied).toBe(true)
    })
  )

  it.effect(
    "a change to another kind of value: text that is not a number, or any value no check can vouch for, counted before any DDL",
    () =>
      Effect.gen(function* () {
        yield* raw(
          `CREATE TABLE conv (id VARCHAR(10) NOT NULL PRIMARY KEY, n VARCHAR(20), at VARCHAR(30))${dialect === "mysql" ? " DEFAULT CHARSET=utf8mb3" : ""}`
        )
        yield* raw(
          "INSERT INTO conv (id, n, at) VALUES ('1', '12', '2020-01-01 00:00:00'), ('2', 'x7', NULL), ('3', '99999999999', NULL), ('4', NULL, NULL)"
        )
        const opt = <A, I>(s: Schema.Schema<A, I>) => Schema.optional(Schema.NullOr(s))
        const fields = { id: Schema.String, at: opt(Schema.String) }
        const options = { table: "conv", timestamps: false } as const
        const Counted = DataFlow.model("Conv", { ...fields, n: opt(Schema.Int) }, options)
        const int = { postgres: "integer", mysql: "int", sqlite: "integer" }[dialect]
        // PostgreSQL's precheck no longer fails on its own cast; MySQL no longer runs the ALTER and goes dirty
        expect(yield* unchanged("conv", Database.migrate({ models: [Counted], allowDestructive: true }))).toMatchObject(
          {
            _tag: "MigrationPrecheckFailed",
            problems: [`2 rows of conv have a value in n that does not fit ${int}`]
          }
        )
        yield* raw("UPDATE conv SET n = '7' WHERE id = '2'")
        yield* raw("UPDATE conv SET n = '-5' WHERE id = '3'")
        expect((yield* Database.migrate({ models: [Counted], allowDestructive: true })).applied).toBe(true)
        expect((yield* Counted.list({ orderBy: ["id"] })).records.map((r) => r.n)).toEqual([12, 7, -5, null])
        expect((yield* ledger).every((e) => e.success)).toBe(true)
        // text to a date: which text each database would take cannot be checked portably, so any stored value refuses
        const Dated = DataFlow.model("Conv", { ...fields, n: opt(Schema.Int), at: opt(Schema.DateFromSelf) }, options)
        if (dialect === "sqlite") {
          // dates are TEXT here, as the rebuild above made the column: nothing changes
          expect((yield* Database.migrate({ models: [Dated], dryRun: true })).plan.operations).toEqual([])
        } else {
          const type = dialect === "mysql" ? "datetime(6)" : "timestamp with time zone"
          expect(yield* unchanged("conv", Database.migrate({ models: [Dated], allowDestructive: true }))).toMatchObject(
            {
              _tag: "MigrationPrecheckFailed",
              problems: [
                `1 row of conv have a value in at that cannot be checked against ${type} before the change runs: ` +
                  "convert the column by hand (a new column, the values copied, the old one dropped)"
              ]
            }
          )
          // an empty column has nothing to fail
          yield* raw("UPDATE conv SET at = NULL")
          expect((yield* Database.migrate({ models: [Dated], allowDestructive: true })).applied).toBe(true)
        }
      })
  )

  it.effect("dropping an index is destructive; one a foreign key needs is refused before any DDL", () =>
    Effect.gen(function* () {
      for (const s of fkDdl[dialect]) yield* raw(s)
      yield* raw("INSERT INTO parent (id) VALUES (1)")
      yield* raw("INSERT INTO child (id, parent_id) VALUES (1, 1)")
      const Child = DataFlow.model(
        "Child",
        { id: Schema.Int, parentId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("parent_id")) },
        {
          table: "child",
          timestamps: false,
          autoIncrement: false
        }
      )
      const { plan } = yield* Database.migrate({ models: [Child], dryRun: true })
      const drop = plan.operations.find((o) => o.description.startsWith("drop index child_parent_idx"))!
      expect(drop.destructive).toBe(true)
      const refused = yield* unchanged("child", Database.migrate({ models: [Child] }))
      expect(refused).toMatchObject({
        _tag: "DestructiveChangeRefused",
        changes: ["drop index child_parent_idx on child (parent_id)"]
      })
      const e = yield* unchanged("child", Database.migrate({ models: [Child], allowDestructive: true }))
      expect(e._tag).toBe("MigrationPrecheckFailed")
      expect((e as { problems: ReadonlyArray<string> }).problems[0]).toMatch(
        /^foreign key \S+ on child \(parent_id\) needs index child_parent_idx/
      )
      // declared in the model, the index stays and nothing is planned for it
      const Kept = DataFlow.model(
        "Child",
        { id: Schema.Int, parentId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("parent_id")) },
        {
          table: "child",
          timestamps: false,
          autoIncrement: false,
          indexes: [["parentId"]]
        }
      )
      expect((yield* Database.migrate({ models: [Kept], dryRun: true })).plan.operations).toEqual([])
    })
  )

  it.effect("SQLite: a rebuild keeps foreign keys, CHECKs, collations and indexes", () =>
    Effect.gen(function* () {
      if (dialect !== "sqlite") return
      yield* raw(
        `CREATE TABLE item (id TEXT NOT NULL PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE, ` +
          `label TEXT COLLATE NOCASE, qty INTEGER CHECK (qty >= 0), note TEXT, CHECK (length(label) < 50))`
      )
      yield* raw(`CREATE INDEX item_label_idx ON item (label)`)
      yield* raw(`INSERT INTO item (id, parent_id, label, qty, note) VALUES ('i1', 1, 'A', 1, 'n')`)
      const pragmas = Effect.all({
        fks: raw(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('item')`),
        indexes: raw(`SELECT name, "unique" FROM pragma_index_list('item') WHERE origin = 'c'`)
      })
      const before = yield* pragmas
      const Item = DataFlow.model(
        "Item",
        {
          id: Schema.String,
          parentId: Schema.optional(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("parent_id")),
          label: Schema.optional(Schema.NullOr(Schema.String)),
          qty: Schema.optional(Schema.NullOr(Schema.Int)),
          note: Schema.String // set not null: a rebuild
        },
        { table: "item", timestamps: false, indexes: [["label"]] }
      )
      const result = yield* Database.migrate({ models: [Item] })
      expect(result.plan.operations.map((o) => o.kind)).toEqual(["rebuildTable"])
      expect(yield* pragmas).toEqual(before)
      expect(before.fks).toEqual([{ table: "parent", from: "parent_id", to: "id", on_delete: "CASCADE" }])
      const sql = String((yield* raw(`SELECT sql FROM sqlite_master WHERE name = 'item'`))[0]!["sql"])
      expect(sql).toContain("COLLATE NOCASE")
      expect(sql).toContain("CHECK (qty >= 0)")
      expect(sql).toContain("CHECK (length(label) < 50)")
      // the CHECK and the collation still work
      expect((yield* Effect.flip(Item.create({ id: "i2", qty: -1, note: "x" })))._tag).toBe("ValidationError")
      expect(Number((yield* raw(`SELECT COUNT(*) AS n FROM item WHERE label = 'a'`))[0]!["n"])).toBe(1)
      // a table other tables reference is not rebuilt: DROP TABLE would run their ON DELETE CASCADE
      yield* raw("CREATE TABLE owner (id INTEGER NOT NULL PRIMARY KEY, note TEXT)")
      yield* raw(
        "CREATE TABLE pet (id INTEGER NOT NULL PRIMARY KEY, owner_id INTEGER REFERENCES owner (id) ON DELETE CASCADE)"
      )
      yield* raw("INSERT INTO owner (id, note) VALUES (1, 'n')")
      yield* raw("INSERT INTO pet (id, owner_id) VALUES (1, 1)")
      const Owner = DataFlow.model(
        "Owner",
        { id: Schema.Int, note: Schema.String },
        { table: "owner", timestamps: false }
      )
      const e = yield* unchanged("owner", Database.migrate({ models: [Owner] }))
      expect(e).toMatchObject({ _tag: "MigrationPrecheckFailed" })
      expect((e as { problems: ReadonlyArray<string> }).problems[0]).toMatch(
        /^owner is referenced by foreign keys of pet: SQLite cannot rebuild it/
      )
      expect(Number((yield* raw("SELECT COUNT(*) AS n FROM pet"))[0]!["n"])).toBe(1)
    })
  )

  it.effect(
    "a dirty entry blocks only its own tables: another table migrates (with a warning naming it), its own refuses",
    () =>
      Effect.gen(function* () {
        const A = DataFlow.model("Ant", { id: Schema.String }, { table: "ants" })
        const B = DataFlow.model("Bee", { id: Schema.String }, { table: "bees" })
        yield* Database.migrate({ models: [A] })
        yield* Database.migrate({ models: [B] })
        const entries = yield* ledger
        const a = entries.find((e) => e.tables.includes("ants"))!
        const p = dialect === "postgres" ? "$1" : "?"
        yield* raw(
          `UPDATE dataflow_migrations SET finished_at = NULL, success = 0, failed_step = 'step 1 of 1 (x)' WHERE id = ${p}`,
          [a.id]
        )
        const A2 = DataFlow.model("Ant", { id: Schema.String, legs: Schema.optional(Schema.Int) }, { table: "ants" })
        const B2 = DataFlow.model("Bee", { id: Schema.String, wings: Schema.optional(Schema.Int) }, { table: "bees" })
        const logs: Array<string> = []
        const capture = Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => logs.push(String(message)))
        )
        const ok = yield* Effect.provide(Database.migrate({ models: [B2] }), capture)
        expect(ok.applied).toBe(true)
        expect(logs.some((l) => l.includes(`migration ${a.id} (tables ants) is unfinished`))).toBe(true)
        expect(yield* Effect.flip(Database.migrate({ models: [A2] }))).toMatchObject({
          _tag: "DirtyMigration",
          id: a.id
        })
        // rollback of the bees entry is not blocked; a rollback reaching the ants entry is
        expect((yield* Database.rollback({ steps: 1, allowDestructive: true })).applied).toBe(true)
        expect((yield* Effect.flip(Database.rollback({ steps: 2, allowDestructive: true })))._tag).toBe(
          "DirtyMigration"
        )
        yield* raw(
          `UPDATE dataflow_migrations SET finished_at = started_at, success = 1, failed_step = NULL WHERE id = ${p}`,
          [a.id]
        )
      })
  )
})
