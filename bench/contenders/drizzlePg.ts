/**
 * Drizzle 0.45 on node-postgres: the query builder as documented, and with `.prepare(name)`
 * (named prepared statements with `sql.placeholder`).
 */
import { and, count, eq, gte, lt, sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/node-postgres"
import { boolean, doublePrecision, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core"
import pg from "pg"
import { connection } from "../config.js"
import type { Contender } from "../contender.js"
import { batchRows, bulkTable, chunks, type ItemInput, itemsTable, listLimit } from "../model.js"
import { drizzleNames, preparedNotes } from "./drizzleNames.js"

const columns = {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  age: integer("age").notNull(),
  active: boolean("active").notNull(),
  score: doublePrecision("score").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull()
}
const items = pgTable(itemsTable, columns)
const bulk = pgTable(bulkTable, columns)

const stamped = (r: ItemInput, now: Date) => ({ ...r, createdAt: now, updatedAt: now })
const listWhere = and(eq(items.active, true), gte(items.age, 40), lt(items.age, 42))

export const open = async (): Promise<ReadonlyArray<Contender>> => {
  const pool = new pg.Pool({ connectionString: connection.pgUrl, max: 10, application_name: "bench-drizzle" })
  const db = drizzle({ client: pool })
  await db.execute(sql`SELECT 1`)
  const listPage = () => db.select().from(items).where(listWhere).orderBy(items.age, items.id).limit(listLimit)
  const listCount = () => db.select({ n: count() }).from(items).where(listWhere)
  const updateOne = async (id: string, score: number, client: Pick<typeof db, "update"> = db) => {
    const r = await client.update(items).set({ score, updatedAt: new Date() }).where(eq(items.id, id))
    if (r.rowCount !== 1) throw new Error(`no row ${id}`)
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
          for (const batch of chunks(rows, batchRows.postgres))
            await tx.insert(bulk).values(batch.map((r) => stamped(r, now)))
        }),
      bulkUpsert: (rows) =>
        db.transaction(async (tx) => {
          const now = new Date()
          for (const batch of chunks(rows, batchRows.postgres)) {
            await tx
              .insert(bulk)
              .values(batch.map((r) => stamped(r, now)))
              .onConflictDoUpdate({ target: bulk.id, set: excluded })
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
      .prepare("drizzle_read"),
    page: listPage().prepare("drizzle_list_page"),
    count: listCount().prepare("drizzle_list_count"),
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
      .prepare("drizzle_insert"),
    update: db
      .update(items)
      .set({ score: sql`${sql.placeholder("score")}`, updatedAt: sql`${sql.placeholder("updatedAt")}` })
      .where(eq(items.id, sql.placeholder("id")))
      .prepare("drizzle_update"),
    bulkUpdate: db
      .update(bulk)
      .set({ score: sql`${sql.placeholder("score")}`, updatedAt: sql`${sql.placeholder("updatedAt")}` })
      .where(and(gte(bulk.age, 40), lt(bulk.age, 50)))
      .prepare("drizzle_bulk_update")
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
        if (r.rowCount !== 1) throw new Error(`no row ${id}`)
      },
      bulkUpdate: (score) => p.bulkUpdate.execute({ score, updatedAt: new Date() })
    },
    notes: preparedNotes(false),
    close: () => pool.end()
  }
  return [plain, prepared]
}
