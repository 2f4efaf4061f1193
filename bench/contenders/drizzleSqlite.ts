/**
 * Drizzle 0.45 on better-sqlite3 (synchronous `.all()/.get()/.run()`), as documented and with
 * `.prepare()`. Dates are ISO-8601 text, as our SQLite columns store them.
 */
import Sqlite from "better-sqlite3"
import { and, count, eq, gte, lt, sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/better-sqlite3"
import { integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { batchRows, bulkTable, chunks, type ItemInput, itemsTable, listLimit } from "../model.js"
import { drizzleNames, preparedNotes } from "./drizzleNames.js"

const columns = {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  age: integer("age").notNull(),
  active: integer("active", { mode: "boolean" }).notNull(),
  score: real("score").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull()
}
const items = sqliteTable(itemsTable, columns)
const bulk = sqliteTable(bulkTable, columns)

const stamped = (r: ItemInput, now: string) => ({ ...r, createdAt: now, updatedAt: now })
const listWhere = and(eq(items.active, true), gte(items.age, 40), lt(items.age, 42))
const iso = () => new Date().toISOString()

export const open = async (): Promise<ReadonlyArray<Contender>> => {
  const client = new Sqlite(connection.sqliteFile)
  client.pragma("journal_mode = WAL")
  client.pragma("busy_timeout = 10000")
  const db = drizzle({ client })
  const listPage = () => db.select().from(items).where(listWhere).orderBy(items.age, items.id).limit(listLimit)
  const listCount = () => db.select({ n: count() }).from(items).where(listWhere)
  const updateOne = (id: string, score: number, c: Pick<typeof db, "update"> = db) => {
    if (c.update(items).set({ score, updatedAt: iso() }).where(eq(items.id, id)).run().changes !== 1)
      throw new Error(`no row ${id}`)
  }
  const excluded = {
    name: sql`excluded.name`,
    email: sql`excluded.email`,
    age: sql`excluded.age`,
    active: sql`excluded.active`,
    score: sql`excluded.score`,
    updatedAt: sql`excluded.updated_at`
  }
  const plain: Contender = {
    name: drizzleNames.plain,
    family: "peer",
    ops: {
      read: async (id) => db.select().from(items).where(eq(items.id, id)).get(),
      list: async () => ({ rows: listPage().all(), total: listCount().get()!.n }),
      count: async () => listCount().get()!.n,
      insert: async (row) => db.insert(items).values(stamped(row, iso())).run(),
      update: async (id, score) => updateOne(id, score),
      transaction: async (readId, updateId, score, row) =>
        db.transaction((tx) => {
          tx.select().from(items).where(eq(items.id, readId)).get()
          updateOne(updateId, score, tx)
          tx.insert(items).values(stamped(row, iso())).run()
        }),
      bulkInsert: async (rows) =>
        db.transaction((tx) => {
          const now = iso()
          for (const batch of chunks(rows, batchRows.sqlite))
            tx.insert(bulk)
              .values(batch.map((r) => stamped(r, now)))
              .run()
        }),
      bulkUpsert: async (rows) =>
        db.transaction((tx) => {
          const now = iso()
          for (const batch of chunks(rows, batchRows.sqlite)) {
            tx.insert(bulk)
              .values(batch.map((r) => stamped(r, now)))
              .onConflictDoUpdate({ target: bulk.id, set: excluded })
              .run()
          }
        }),
      bulkUpdate: async (score) =>
        db
          .update(bulk)
          .set({ score, updatedAt: iso() })
          .where(and(gte(bulk.age, 40), lt(bulk.age, 50)))
          .run()
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
  const updatePrepared = (id: string, score: number) => {
    if (p.update.run({ id, score, updatedAt: iso() }).changes !== 1) throw new Error(`no row ${id}`)
  }
  const prepared: Contender = {
    name: drizzleNames.prepared,
    family: "peer",
    ops: {
      read: async (id) => p.read.get({ id }),
      list: async () => ({ rows: p.page.all(), total: p.count.get()!.n }),
      count: async () => p.count.get()!.n,
      insert: async (row) => p.insert.run(stamped(row, iso())),
      update: async (id, score) => updatePrepared(id, score),
      // one connection: statements prepared on `db` run inside its transaction
      transaction: async (readId, updateId, score, row) =>
        db.transaction(() => {
          p.read.get({ id: readId })
          updatePrepared(updateId, score)
          p.insert.run(stamped(row, iso()))
        }),
      bulkUpdate: async (score) => p.bulkUpdate.run({ score, updatedAt: iso() })
    },
    notes: preparedNotes(true),
    close: async () => void client.close()
  }
  return [plain, prepared]
}
