/**
 * Kysely 0.28 (0.29 needs Node 22) with its built-in dialects: PostgresDialect on a pg Pool,
 * MysqlDialect on a mysql2 pool, SqliteDialect on better-sqlite3.
 */
import Sqlite from "better-sqlite3"
import { Kysely, MysqlDialect, PostgresDialect, sql, SqliteDialect } from "kysely"
import { createPool } from "mysql2"
import pg from "pg"
import { connection, type DialectName } from "../config.js"
import { boolFor, type Contender, nowFor } from "../contender.js"
import { names } from "./names.js"
import { batchRows, bulkTable, chunks, type ItemInput, itemsTable, listLimit } from "../model.js"

interface ItemTable {
  id: string
  name: string
  email: string
  age: number
  active: boolean | number
  score: number
  created_at: Date | string
  updated_at: Date | string
}
interface DB {
  bench_items: ItemTable
  bench_bulk_items: ItemTable
}

if (itemsTable !== "bench_items" || bulkTable !== "bench_bulk_items") {
  throw new Error("bench/contenders/kysely.ts names the tables in its DB type; update it")
}

const dialectFor = (dialect: DialectName) => {
  switch (dialect) {
    case "postgres":
      return new PostgresDialect({
        pool: new pg.Pool({ connectionString: connection.pgUrl, max: 10, application_name: "bench-kysely" })
      })
    case "mysql": {
      const { host, port, user, password, database } = connection.mysql
      return new MysqlDialect({
        pool: createPool({
          host,
          port,
          user,
          database,
          ...(password ? { password } : {}),
          connectionLimit: 10,
          timezone: "Z",
          charset: "utf8mb4"
        })
      })
    }
    case "sqlite": {
      const database = new Sqlite(connection.sqliteFile)
      database.pragma("journal_mode = WAL")
      database.pragma("busy_timeout = 10000")
      return new SqliteDialect({ database })
    }
  }
}

const open = async (dialect: DialectName): Promise<ReadonlyArray<Contender>> => {
  const db = new Kysely<DB>({ dialect: dialectFor(dialect) })
  await sql`SELECT 1`.execute(db)
  const bool = (b: boolean) => boolFor(dialect, b)
  const stamped = (r: ItemInput, now: Date | string): ItemTable => ({
    ...r,
    active: bool(r.active),
    created_at: now,
    updated_at: now
  })
  const listPage = () =>
    db
      .selectFrom("bench_items")
      .selectAll()
      .where("active", "=", bool(true))
      .where("age", ">=", 40)
      .where("age", "<", 42)
      .orderBy("age")
      .orderBy("id")
      .limit(listLimit)
      .execute()
  const listCount = () =>
    db
      .selectFrom("bench_items")
      .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      .where("active", "=", bool(true))
      .where("age", ">=", 40)
      .where("age", "<", 42)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n))
  const updateOne = async (k: Kysely<DB>, id: string, score: number) => {
    const r = await k
      .updateTable("bench_items")
      .set({ score, updated_at: nowFor(dialect) })
      .where("id", "=", id)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) throw new Error(`no row ${id}`)
  }
  const upsertBatch = (k: Kysely<DB>, batch: Array<ItemTable>) => {
    const insert = k.insertInto("bench_bulk_items").values(batch)
    return dialect === "mysql"
      ? insert
          .onDuplicateKeyUpdate({
            name: sql`VALUES(name)`,
            email: sql`VALUES(email)`,
            age: sql`VALUES(age)`,
            active: sql`VALUES(active)`,
            score: sql`VALUES(score)`,
            updated_at: sql`VALUES(updated_at)`
          })
          .execute()
      : insert
          .onConflict((oc) =>
            oc.column("id").doUpdateSet((eb) => ({
              name: eb.ref("excluded.name"),
              email: eb.ref("excluded.email"),
              age: eb.ref("excluded.age"),
              active: eb.ref("excluded.active"),
              score: eb.ref("excluded.score"),
              updated_at: eb.ref("excluded.updated_at")
            }))
          )
          .execute()
  }
  return [
    {
      name: names.kysely,
      family: "peer",
      ops: {
        read: (id) => db.selectFrom("bench_items").selectAll().where("id", "=", id).executeTakeFirst(),
        list: async () => {
          const [rows, total] =
            dialect === "sqlite" ? [await listPage(), await listCount()] : await Promise.all([listPage(), listCount()])
          return { rows, total }
        },
        count: listCount,
        insert: (row) =>
          db
            .insertInto("bench_items")
            .values(stamped(row, nowFor(dialect)))
            .execute(),
        update: (id, score) => updateOne(db, id, score),
        transaction: (readId, updateId, score, row) =>
          db.transaction().execute(async (trx) => {
            await trx.selectFrom("bench_items").selectAll().where("id", "=", readId).executeTakeFirst()
            await updateOne(trx, updateId, score)
            await trx
              .insertInto("bench_items")
              .values(stamped(row, nowFor(dialect)))
              .execute()
          }),
        bulkInsert: (rows) =>
          db.transaction().execute(async (trx) => {
            const now = nowFor(dialect)
            for (const batch of chunks(rows, batchRows[dialect]))
              await trx
                .insertInto("bench_bulk_items")
                .values(batch.map((r) => stamped(r, now)))
                .execute()
          }),
        bulkUpsert: (rows) =>
          db.transaction().execute(async (trx) => {
            const now = nowFor(dialect)
            for (const batch of chunks(rows, batchRows[dialect]))
              await upsertBatch(
                trx,
                batch.map((r) => stamped(r, now))
              )
          }),
        bulkUpdate: (score) =>
          db
            .updateTable("bench_bulk_items")
            .set({ score, updated_at: nowFor(dialect) })
            .where("age", ">=", 40)
            .where("age", "<", 50)
            .execute()
      },
      close: () => db.destroy()
    }
  ]
}

export { open }
