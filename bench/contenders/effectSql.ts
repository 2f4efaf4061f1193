/**
 * Raw @effect/sql 0.52: the same operations written as a user of @effect/sql writes them (tagged
 * templates, `sql.insert`, `sql.withTransaction`), on each driver's own client layer, run with
 * `runtime.runPromise` on one ManagedRuntime built once.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as MysqlClient from "@effect/sql-mysql2/MysqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { connection, type DialectName } from "../config.js"
import { boolFor, type Contender, nowFor } from "../contender.js"
import { names } from "./names.js"
import { batchRows, bulkTable, chunks, type ItemInput, itemsTable, listLimit } from "../model.js"

const layerFor = (dialect: DialectName): Layer.Layer<SqlClient.SqlClient, unknown> => {
  switch (dialect) {
    case "postgres":
      return PgClient.layer({
        url: Redacted.make(connection.pgUrl),
        maxConnections: 10,
        applicationName: "bench-effect-sql"
      })
    case "mysql": {
      const { host, port, user, password, database } = connection.mysql
      return MysqlClient.layer({
        host,
        port,
        username: user,
        database,
        maxConnections: 10,
        ...(password ? { password: Redacted.make(password) } : {}),
        poolConfig: { timezone: "Z", charset: "utf8mb4" }
      })
    }
    case "sqlite":
      return SqliteClient.layer({ filename: connection.sqliteFile })
  }
}

if (itemsTable !== "bench_items" || bulkTable !== "bench_bulk_items") {
  throw new Error("bench/contenders/effectSql.ts writes the table names literally; update it")
}

const open = async (dialect: DialectName): Promise<ReadonlyArray<Contender>> => {
  const runtime = ManagedRuntime.make(layerFor(dialect))
  const sql = await runtime.runPromise(SqlClient.SqlClient)
  const run = runtime.runPromise
  const bool = (b: boolean) => boolFor(dialect, b)
  const record = (r: ItemInput, now: unknown) => ({ ...r, active: bool(r.active), created_at: now, updated_at: now })
  const active = bool(true)
  const upsertTail =
    dialect === "mysql"
      ? sql.literal(
          "ON DUPLICATE KEY UPDATE name = VALUES(name), email = VALUES(email), age = VALUES(age), active = VALUES(active), score = VALUES(score), updated_at = VALUES(updated_at)"
        )
      : sql.literal(
          "ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, age = excluded.age, active = excluded.active, score = excluded.score, updated_at = excluded.updated_at"
        )
  const page = sql`SELECT id, name, email, age, active, score, created_at, updated_at FROM bench_items WHERE active = ${active} AND age >= ${40} AND age < ${42} ORDER BY age, id LIMIT ${sql.literal(String(listLimit))}`
  const count = Effect.map(
    sql<{ n: number }>`SELECT COUNT(*) AS n FROM bench_items WHERE active = ${active} AND age >= ${40} AND age < ${42}`,
    (rows) => Number(rows[0]!.n)
  )
  const read = (id: string) =>
    Effect.map(
      sql`SELECT id, name, email, age, active, score, created_at, updated_at FROM bench_items WHERE id = ${id}`,
      (rows) => rows[0]
    )
  const update = (id: string, score: number) =>
    sql`UPDATE bench_items SET score = ${score}, updated_at = ${nowFor(dialect)} WHERE id = ${id}`
  const insert = (row: ItemInput) => sql`INSERT INTO bench_items ${sql.insert(record(row, nowFor(dialect)))}`
  const batched = (rows: ReadonlyArray<ItemInput>, upsert: boolean) =>
    sql.withTransaction(
      Effect.suspend(() => {
        const now = nowFor(dialect)
        return Effect.forEach(
          chunks(rows, batchRows[dialect]),
          (batch) =>
            upsert
              ? sql`INSERT INTO bench_bulk_items ${sql.insert(batch.map((r) => record(r, now)))} ${upsertTail}`
              : sql`INSERT INTO bench_bulk_items ${sql.insert(batch.map((r) => record(r, now)))}`,
          { discard: true }
        )
      })
    )
  return [
    {
      name: names.effectSql,
      family: "effect-sql",
      ops: {
        read: (id) => run(read(id)),
        list: () =>
          run(Effect.all([page, count], { concurrency: dialect === "sqlite" ? 1 : 2 })).then(([rows, total]) => ({
            rows,
            total
          })),
        count: () => run(count),
        insert: (row) => run(insert(row)),
        update: (id, score) => run(update(id, score)),
        transaction: (readId, updateId, score, row) =>
          run(
            sql.withTransaction(
              Effect.gen(function* () {
                yield* read(readId)
                yield* update(updateId, score)
                yield* insert(row)
              })
            )
          ),
        bulkInsert: (rows) => run(batched(rows, false)),
        bulkUpsert: (rows) => run(batched(rows, true)),
        bulkUpdate: (score) =>
          run(
            sql`UPDATE bench_bulk_items SET score = ${score}, updated_at = ${nowFor(dialect)} WHERE age >= ${40} AND age < ${50}`
          )
      },
      close: () => runtime.dispose()
    }
  ]
}

export { open }
