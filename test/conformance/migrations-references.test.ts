/**
 * What other tables' foreign keys need of a table, prechecked before any DDL: a unique key they
 * reference, a column they reference, the table itself (prune). PostgreSQL and MariaDB refuse such a
 * drop (MariaDB after earlier steps ran, leaving the ledger dirty); SQLite allows the unique index's
 * drop and then fails every write through the foreign key. A plan that prunes both tables drops the
 * referencing one first.
 */
import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DataFlow, Database } from "../../src/index.js"
import type { DialectName } from "../support/Dialects.js"
import { forEachDialect } from "../support/Dialects.js"
import { rawSql as raw, sqlDatabase } from "../support/SqlDatabase.js"

const state = Effect.flatMap(sqlDatabase, (db) =>
  Effect.all({
    tables: Effect.map(db.discover(), (ms) =>
      ms.filter((m) => m.table === "parent" || m.table === "child").sort((a, b) => a.table.localeCompare(b.table))
    ),
    ledger: db.migrations
  })
)

/** Fails `run`, and checks both tables (columns, keys, foreign keys) and the ledger are as they were. */
const unchanged = <A, E>(run: Effect.Effect<A, E, Database.Database>) =>
  Effect.gen(function* () {
    const before = yield* state
    const error = yield* Effect.flip(run)
    expect(yield* state).toEqual(before)
    return error
  })

const problemsOf = (e: unknown) => (e as { readonly problems?: ReadonlyArray<string> }).problems

// the parent's unique key: a constraint on PostgreSQL and MariaDB; on SQLite a unique index (a
// UNIQUE constraint could only go by a rebuild, which a referenced table refuses anyway)
const ddl: Record<DialectName, ReadonlyArray<string>> = {
  postgres: [
    "CREATE TABLE parent (id VARCHAR(10) NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL CONSTRAINT parent_code_key UNIQUE, note TEXT)",
    "CREATE TABLE child (id VARCHAR(10) NOT NULL PRIMARY KEY, parent_code VARCHAR(10) CONSTRAINT child_parent_fk REFERENCES parent (code))"
  ],
  mysql: [
    "CREATE TABLE parent (id VARCHAR(10) NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL, note LONGTEXT, UNIQUE KEY parent_code_key (code))",
    "CREATE TABLE child (id VARCHAR(10) NOT NULL PRIMARY KEY, parent_code VARCHAR(10), " +
      "CONSTRAINT child_parent_fk FOREIGN KEY (parent_code) REFERENCES parent (code))"
  ],
  sqlite: [
    "CREATE TABLE parent (id TEXT NOT NULL PRIMARY KEY, code TEXT NOT NULL, note TEXT)",
    "CREATE UNIQUE INDEX parent_code_key ON parent (code)",
    "CREATE TABLE child (id TEXT NOT NULL PRIMARY KEY, parent_code TEXT REFERENCES parent (code))"
  ]
}

const parentFields = {
  id: Schema.String,
  code: Schema.String.pipe(Schema.maxLength(10)),
  note: Schema.optional(Schema.NullOr(Schema.String))
}
const options = { table: "parent", timestamps: false } as const

forEachDialect("migr_refs", (it, dialect) => {
  const fk = dialect === "sqlite" ? "fk_0" : "child_parent_fk"

  it.effect("a unique key, a column and a table other tables' foreign keys reference: refused before any DDL", () =>
    Effect.gen(function* () {
      for (const s of ddl[dialect]) yield* raw(s)
      yield* raw("INSERT INTO parent (id, code) VALUES ('p1', 'A')")
      yield* raw("INSERT INTO child (id, parent_code) VALUES ('c1', 'A')")

      // the unique key goes (a note column is added first: on MariaDB it used to stay, the ledger dirty)
      const NoKey = DataFlow.model("Parent", { ...parentFields, extra: Schema.optional(Schema.Int) }, options)
      expect(problemsOf(yield* unchanged(Database.migrate({ models: [NoKey], allowDestructive: true })))).toEqual([
        `foreign key ${fk} of child references parent (code) through parent_code_key: ` +
          "declare the key in the model, or drop the foreign key first"
      ])
      // declared in the model, the key stays: nothing to refuse
      const Kept = DataFlow.model("Parent", parentFields, { ...options, unique: [["code"]] })
      expect((yield* Database.migrate({ models: [Kept], dryRun: true })).plan.operations).toEqual([])

      // the referenced column goes
      const NoCode = DataFlow.model(
        "Parent",
        { id: Schema.String, note: Schema.optional(Schema.NullOr(Schema.String)) },
        options
      )
      const column = problemsOf(yield* unchanged(Database.migrate({ models: [NoCode], allowDestructive: true })))
      expect(column).toContain(
        `column parent.code is referenced by foreign key ${fk} of child: drop that foreign key first`
      )

      // the referenced table goes while the referencing one stays
      const Child = DataFlow.model(
        "Child",
        {
          id: Schema.String,
          parentCode: Schema.optional(Schema.NullOr(Schema.String)).pipe(Schema.fromKey("parent_code"))
        },
        // (MariaDB's own index for the foreign key, declared so that it is not dropped)
        { table: "child", timestamps: false, indexes: [["parentCode"]] }
      )
      const table = problemsOf(
        yield* unchanged(Database.migrate({ models: [Child], prune: true, allowDestructive: true }))
      )
      expect(table).toEqual([
        `parent is referenced by foreign key ${fk} of child, which stays: drop that foreign key first`
      ])

      // both go: the referencing table first
      const { plan } = yield* Database.migrate({ models: [], prune: true, dryRun: true })
      expect(plan.operations.map((o) => o.description)).toEqual(["drop table child", "drop table parent"])
      expect((yield* Database.migrate({ models: [], prune: true, allowDestructive: true })).applied).toBe(true)
      expect((yield* state).tables).toEqual([])
    })
  )
})
