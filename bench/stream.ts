/**
 * The Stream scenario, one contender per child process so that its peak RSS is its own:
 *   node --expose-gc --import tsx bench/stream.ts --dialect=postgres --rows=1000000 --contender=ours|raw
 * Rows are made lazily by an Effect Stream (never held in memory at once by the producer).
 * Ours: `bulkCreate({ data: stream })` when bulkCreate accepts a Stream (probed at run time with two
 * rows); otherwise `Stream.grouped(1000)` chunks, each a `bulkCreate`, inside one `Database.transaction`.
 * Raw: the same chunks as multi-row inserts on the raw driver inside one transaction.
 * Prints one line: RESULT {json}.
 */
import Sqlite from "better-sqlite3"
import { Chunk, Effect, Stream } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { Database } from "../src/index.js"
import { openAdmin } from "./admin.js"
import { connection, type DialectName } from "./config.js"
import { errorText } from "./contender.js"
import { makeRuntime } from "./contenders/ours.js"
import { handSql } from "./handSql.js"
import { batchRows, BulkItem, bulkTable, chunks, type ItemInput, makeRow } from "./model.js"

export interface StreamResult {
  readonly contender: "ours" | "raw"
  readonly mode: string
  readonly rows: number
  readonly seconds: number
  readonly rssBeforeMb: number
  readonly peakRssMb: number
  readonly note?: string
}

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10

const rowsStream = (n: number, prefix: string): Stream.Stream<ItemInput> =>
  Stream.range(0, n - 1, 1000).pipe(Stream.map((i) => makeRow(prefix, i)))

/** Whether bulkCreate takes a Stream as `data` (the lead's native support); probed with two rows. */
const probeNative = async (runtime: ReturnType<typeof makeRuntime>): Promise<{ native: boolean; why: string }> => {
  try {
    const data = rowsStream(2, "probe") as unknown as Iterable<ItemInput>
    const r = await runtime.runPromise(BulkItem.bulkCreate({ data }))
    return r.inserted === 2 ? { native: true, why: "" } : { native: false, why: `inserted ${r.inserted} of 2` }
  } catch (e) {
    return { native: false, why: errorText(e) }
  }
}

const runOurs = async (
  dialect: DialectName,
  n: number
): Promise<Omit<StreamResult, "seconds" | "rssBeforeMb" | "peakRssMb"> & { go: () => Promise<void> }> => {
  const runtime = makeRuntime(dialect)
  await runtime.runtime()
  const admin = await openAdmin(dialect, false)
  await admin.empty(bulkTable)
  const probe = await probeNative(runtime)
  await admin.empty(bulkTable)
  await admin.close()
  const stream = rowsStream(n, "x")
  const go = probe.native
    ? () =>
        runtime
          .runPromise(BulkItem.bulkCreate({ data: stream as unknown as Iterable<ItemInput> }))
          .then(() => undefined)
    : () =>
        runtime.runPromise(
          Database.transaction(
            Stream.runForEach(Stream.grouped(stream, 1000), (chunk) => BulkItem.bulkCreate({ data: chunk }))
          )
        )
  return {
    contender: "ours",
    mode: probe.native
      ? "bulkCreate({ data: stream })"
      : "Stream.grouped(1000) → bulkCreate per chunk, in one Database.transaction",
    rows: n,
    ...(probe.native ? {} : { note: `bulkCreate does not take a Stream yet (${probe.why.slice(0, 120)})` }),
    go: async () => {
      await go()
      await runtime.dispose()
    }
  }
}

/** One transaction on the raw driver; `insert` writes one chunk. */
const rawWriter = async (dialect: DialectName) => {
  const q = handSql(dialect)
  switch (dialect) {
    case "postgres": {
      const client = new pg.Client({ connectionString: connection.pgUrl })
      await client.connect()
      return {
        begin: () => client.query("BEGIN").then(() => undefined),
        insert: async (rows: ReadonlyArray<ItemInput>) => {
          const now = new Date()
          for (const b of chunks(rows, batchRows.postgres))
            await client.query({ name: `ins_${b.length}`, text: q.insertMany(b.length), values: q.flatValues(b, now) })
        },
        commit: () => client.query("COMMIT").then(() => client.end())
      }
    }
    case "mysql": {
      const { host, port, user, password, database } = connection.mysql
      const conn = await mysql.createConnection({
        host,
        port,
        user,
        database,
        ...(password ? { password } : {}),
        timezone: "Z"
      })
      return {
        begin: () => conn.query("START TRANSACTION").then(() => undefined),
        insert: async (rows: ReadonlyArray<ItemInput>) => {
          const now = new Date()
          for (const b of chunks(rows, batchRows.mysql))
            await conn.execute(q.insertMany(b.length), q.flatValues(b, now) as Array<never>)
        },
        commit: () => conn.query("COMMIT").then(() => conn.end())
      }
    }
    case "sqlite": {
      const db = new Sqlite(connection.sqliteFile)
      db.pragma("journal_mode = WAL")
      const cache = new Map<number, Sqlite.Statement>()
      return {
        begin: async () => void db.exec("BEGIN"),
        insert: async (rows: ReadonlyArray<ItemInput>) => {
          const now = new Date().toISOString()
          for (const b of chunks(rows, batchRows.sqlite)) {
            let s = cache.get(b.length)
            if (s === undefined) cache.set(b.length, (s = db.prepare(q.insertMany(b.length))))
            s.run(q.flatValues(b, now))
          }
        },
        commit: async () => {
          db.exec("COMMIT")
          db.close()
        }
      }
    }
  }
}

const runRaw = async (dialect: DialectName, n: number) => {
  const admin = await openAdmin(dialect, false)
  await admin.empty(bulkTable)
  await admin.close()
  const writer = await rawWriter(dialect)
  const stream = rowsStream(n, "x")
  return {
    contender: "raw" as const,
    mode: "Stream.grouped(1000) → multi-row INSERTs on the raw driver, in one transaction",
    rows: n,
    go: async () => {
      await writer.begin()
      await Effect.runPromise(
        Stream.runForEach(Stream.grouped(stream, 1000), (chunk) =>
          Effect.promise(() => writer.insert(Chunk.toReadonlyArray(chunk)))
        )
      )
      await writer.commit()
    }
  }
}

const main = async () => {
  const dialect = arg("dialect") as DialectName
  const n = Number(arg("rows"))
  const contender = arg("contender")
  const job = contender === "raw" ? await runRaw(dialect, n) : await runOurs(dialect, n)
  ;(globalThis as { gc?: () => void }).gc?.()
  const rssBefore = process.memoryUsage().rss
  let peak = rssBefore
  const timer = setInterval(() => void (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const start = performance.now()
  await job.go()
  const seconds = (performance.now() - start) / 1000
  clearInterval(timer)
  const admin = await openAdmin(dialect, false)
  const stored = await admin.count(bulkTable)
  await admin.empty(bulkTable)
  await admin.close()
  if (stored !== n) throw new Error(`check failed: ${stored} rows stored where ${n} were streamed`)
  const maxRss = process.resourceUsage().maxRSS * 1024
  const { go: _go, ...rest } = job
  const result: StreamResult = { ...rest, seconds, rssBeforeMb: mb(rssBefore), peakRssMb: mb(Math.max(peak, maxRss)) }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
}

main().catch((e) => {
  process.stderr.write(`${errorText(e)}\n`)
  process.exit(1)
})
