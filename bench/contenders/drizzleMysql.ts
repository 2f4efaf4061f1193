/**
 * Drizzle 0.45 on mysql2: the query builder as documented, and with `.prepare()`.
 */
import { and, count, eq, gte, lt, sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/mysql2"
import { boolean, datetime, double, int, mysqlTable, text, varchar } from "drizzle-orm/mysql-core"
import mysql from "mysql2/promise"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { batchRows, bulkTable, chunks, type ItemInput, itemsTable, listLimit } from "../model.js"
import { drizzleNames, preparedNotes } from "./drizzleNames.js"

const columns = {
  id: varchar("id", { length: 255 }).primaryKey(),
  name: text("name").notNull(),
  email: varchar("email", { length: 255 }).notNull(),
  age: int("age").notNull(),
  active: boolean("active").notNull(),
  score: double("score").notNull(),
  createdAt: datetime("created_at", { mode: "date", fsp: 6 }).notNull(),
  updatedAt: datetime("updated_at", { mode: "date", fsp: 6 }).notNull()
}
const items = mysqlTable(itemsTable, columns)
const bulk = mysqlTable(bulkTable, columns)

const stamped = (r: ItemInput, now: Date) => ({ ...r, createdAt: now, updatedAt: now })
const listWhere = and(eq(items.active, true), gte(items.age, 40), lt(items.age, 42))
const affected = (r: unknown) => (r as [{ affectedRows: number }])[0].affectedRows

export const open = async (): Promise<ReadonlyArray<Contender>> => {
  const { host, port, user, password, database } = connection.mysql
  const pool = mysql.createPool({
    host,
    port,
    user,
    database,
    ...(password ? { password } : {}),
    connectionLimit: 10,
    timezone: "Z",
    charset: "utf8mb4"
  })
  // no `mode` here: drizzle-orm 0.45.4 then takes the config object for the client (its isConfig check)
  const db = drizzle({ client: pool })
  await db.execute(sql`SELECT 1`)
  const listPage = () => db.select().from(items).where(listWhere).orderBy(items.age, items.id).limit(listLimit)
  const listCount = () => db.select({ n: count() }).from(items).where(listWhere)
  const updateOne = async (id: string, score: number, client: Pick<typeof db, "update"> = db) => {
    const r = await client.update(items).set({ score, updatedAt: new Date() }).where(eq(items.id, id))
    if (affected(r) !== 1) throw new Error(`no row ${id}`)
  }
  const values = {
    name: sql`VALUES(name)`,
    email: sql`VALUES(email)`,
    age: sql`VALUES(age)`,
    active: sql`VALUES(active)`,
    score: sql`VALUES(score)`,
    updatedAt: sql`VALUES(updated_at)`
  }
  const plain: Contender = {
    name: drizzleNames.plain,
    family: "peer",
    ops: {
      read: (id) =>
        db
          .select()
          .from(items)
          .where(eq(items.id, id))
          .then((r) => r[0]),
      list: async () => {
        const [rows, total] = await Promise.all([listPage(), listCount()])
        return { rows, total: total[0]!.n }
      },
      count: () => listCount().then((r) => r[0]!.n),
      insert: (row) => db.insert(items).values(stamped(row, new Date())),
      update: (id, score) => updateOne(id, score),
      transaction: (readId, updateId, score, row) =>
        db.transaction(async (tx) => {
          await tx.select().from(items).where(eq(items.id, readId))
          await updateOne(updateId, score, tx)
          await tx.insert(items).values(stamped(row, new Date()))
        }),
      bulkInsert: (rows) =>
        db.transaction(async (tx) => {
          const now = new Date()
          for (const batch of chunks(rows, batchRows.mysql))
            await tx.insert(bulk).values(batch.map((r) => stamped(r, now)))
        }),
      bulkUpsert: (rows) =>
        db.transaction(async (tx) => {
          const now = new Date()
          for (const batch of chunks(rows, batchRows.mysql)) {
            await tx
              .insert(bulk)
              .values(batch.map((r) => stamped(r, now)))
              .onDuplicateKeyUpdate({ set: values })
          }
        }),
      bulkUpdate: (score) =>
        db
          .update(bulk)
          .set({ score, updatedAt: new Date() })
          .where(and(gte(bulk.age, 40), lt(bulk.age, 50)))
    },
    close: async () => {}
  }
  const p = {
    read: db
      .select()
      .from(items)
      .where(eq(items.id, sql.placeholder("id")))
      .prepare(),
    page: listPage().prepare(),
    count: listCount().prepare(),
    insert: db
      .insert(items)
      .values({
        id: sql.placeholder("id"),
        name: sql.placeholder("name"),
        email: sql.placeholder("email"),
        age: sql.placeholder("age"),
        active: sql.placeholder("active"),
        score: sql.placeholder("score"),
        createdAt: sql.placeholder("createdAt"),
        updatedAt: sql.placeholder("updatedAt")
      })
      .prepare(),
    update: db
      .update(items)
      .set({ score: sql`${sql.placeholder("score")}`, updatedAt: sql`${sql.placeholder("updatedAt")}` })
      .where(eq(items.id, sql.placeholder("id")))
      .prepare(),
    bulkUpdate: db
      .update(bulk)
      .set({ score: sql`${sql.placeholder("score")}`, updatedAt: sql`${sql.placeholder("updatedAt")}` })
      .where(and(gte(bulk.age, 40), lt(bulk.age, 50)))
      .prepare()
  }
  const prepared: Contender = {
    name: drizzleNames.prepared,
    family: "peer",
    ops: {
      read: (id) => p.read.execute({ id }).then((r) => r[0]),
      list: async () => {
        const [rows, total] = await Promise.all([p.page.execute(), p.count.execute()])
        return { rows, total: total[0]!.n }
      },
      count: () => p.count.execute().then((r) => r[0]!.n),
      insert: (row) => p.insert.execute(stamped(row, new Date())),
      update: async (id, score) => {
        const r = await p.update.execute({ id, score, updatedAt: new Date() })
        if (affected(r) !== 1) throw new Error(`no row ${id}`)
      },
      bulkUpdate: (score) => p.bulkUpdate.execute({ score, updatedAt: new Date() })
    },
    notes: preparedNotes(false),
    close: () => pool.end()
  }
  return [plain, prepared]
}
