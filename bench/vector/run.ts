/**
 * `npm run bench -- --scenario=vector [--quick]`: top-k cosine search over seeded unit vectors,
 * ours (`Model.vectorSearch`) against the same statements on the raw drivers over the same index,
 * on PostgreSQL (no index, HNSW with an ef_search sweep, IVFFlat with a probes sweep) and SQLite
 * (exact scan, sqlite-vec vec0); plus index build times and sizes. Loading is untimed.
 */
import { ManagedRuntime } from "effect"
import { performance } from "node:perf_hooks"
import { Database } from "../../src/index.js"
import { categoryOf, embeddingLike, exactTopK, filterCategory, row, unitVectors, type Vectors } from "./data.js"
import { measurePair, type Search } from "./measure.js"
import { type IndexVariant, indexedModel, PlainItem, sqliteIndexedModel, type VecModel, dims } from "./model.js"
import * as Pg from "./pg.js"
import * as Lite from "./sqlite.js"
import type { BuildRow, VectorResult, VectorRow } from "./results.js"

export interface VectorSizes {
  readonly rows: number
  readonly queries: number
  /** Queries of the exact scans (slow: every row's distance). */
  readonly exactQueries: number
  readonly warmup: number
  readonly k: number
  readonly efSearch: ReadonlyArray<number>
  readonly ivfflat: ReadonlyArray<{ readonly lists: number; readonly probes: ReadonlyArray<number> }>
}

export const vectorSizes = (quick: boolean): VectorSizes =>
  quick
    ? {
        rows: 5_000,
        queries: 30,
        exactQueries: 5,
        warmup: 3,
        k: 10,
        efSearch: [40, 100],
        ivfflat: [{ lists: 20, probes: [1, 5] }]
      }
    : {
        rows: 100_000,
        queries: 200,
        exactQueries: 20,
        warmup: 10,
        k: 10,
        efSearch: [40, 64, 100, 200, 400],
        ivfflat: [
          { lists: 100, probes: [1, 5, 10, 20, 40] },
          { lists: 316, probes: [1, 10, 20, 40, 80] }
        ]
      }

export const dataSeed = 12
export const querySeed = 1012
export const mapSeed = 2012
export const latentDims = Number(process.env["BV_LATENT"] ?? 32)
export const noise = Number(process.env["BV_NOISE"] ?? 0.1)
const hnsw: IndexVariant = { method: "hnsw", m: 16, efConstruction: 64 }

/** The shortest decimal of each float32 (7, 8 or 9 significant digits), as pgvector's text form. */
const float32Text = (x: number): string => {
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p)
    if (Math.fround(Number(s)) === x) return String(Number(s))
  }
  return String(Number(x.toPrecision(9)))
}
const vectorText = (v: Float32Array): string => `[${Array.from(v, float32Text).join(",")}]`

type Runtime = ManagedRuntime.ManagedRuntime<unknown, unknown>

const runtimeFor = (url: string, model: VecModel, autoMigrate: boolean): Runtime =>
  ManagedRuntime.make(
    Database.layer({ url, models: [model], autoMigrate, sqlite: { journalMode: "wal" } })
  ) as unknown as Runtime

interface Data {
  readonly vectors: Vectors
  readonly queries: Vectors
  readonly queryArrays: ReadonlyArray<ReadonlyArray<number>>
  readonly exact: ReadonlyArray<ReadonlyArray<number>>
  readonly exactFiltered: ReadonlyArray<ReadonlyArray<number>>
}

export type DataKind = "embedding-like" | "uniform"

export const makeData = (s: VectorSizes, kind: DataKind, log: (l: string) => void): Data => {
  const t0 = performance.now()
  const make = (seed: number, n: number) =>
    kind === "uniform" ? unitVectors(seed, n, dims) : embeddingLike(seed, mapSeed, n, dims, latentDims, noise)
  const vectors = make(dataSeed, s.rows)
  const queries = make(querySeed, s.queries)
  const t1 = performance.now()
  const exact = Array.from({ length: s.queries }, (_, i) => exactTopK(vectors, row(queries, i), s.k))
  const exactFiltered = Array.from({ length: s.queries }, (_, i) =>
    exactTopK(vectors, row(queries, i), s.k, (id) => categoryOf(id) === filterCategory)
  )
  log(
    `  data: ${s.rows} × ${dims} in ${((t1 - t0) / 1000).toFixed(1)} s; exact answers of ${s.queries} queries (JS brute force) in ${((performance.now() - t1) / 1000).toFixed(1)} s`
  )
  return {
    vectors,
    queries,
    queryArrays: Array.from({ length: s.queries }, (_, i) => Array.from(row(queries, i))),
    exact,
    exactFiltered
  }
}

/** Ours: `Model.vectorSearch` on a runtime built once. */
const oursSearch =
  (
    rt: Runtime,
    model: VecModel,
    d: Data,
    k: number,
    opts: { efSearch?: number; probes?: number; filtered: boolean }
  ): Search =>
  (i) =>
    rt
      .runPromise(
        model.vectorSearch({
          vector: d.queryArrays[i]!,
          k,
          select: ["id", "category"],
          ...(opts.efSearch !== undefined ? { efSearch: opts.efSearch } : {}),
          ...(opts.probes !== undefined ? { probes: opts.probes } : {}),
          ...(opts.filtered ? { filter: { category: filterCategory } } : {})
        }) as never
      )
      .then((r) => (r as { records: ReadonlyArray<{ record: { id: number } }> }).records.map((x) => x.record.id))

interface Ctx {
  readonly s: VectorSizes
  readonly d: Data
  readonly log: (l: string) => void
  readonly rows: Array<VectorRow>
}

const record = async (
  c: Ctx,
  base: Omit<VectorRow, "measured">,
  ours: Search,
  raw: Search,
  queries: number
): Promise<void> => {
  const measured = await measurePair(ours, raw, base.filtered ? c.d.exactFiltered : c.d.exact, queries, c.s.warmup)
  const r: VectorRow = { ...base, measured }
  c.rows.push(r)
  const f = (x: number) => x.toFixed(2)
  c.log(
    `    ${`${r.index} ${r.setting}${r.filtered ? " (10% filter)" : ""}`.padEnd(44)} recall ${f(measured.ours.recall)} / ${f(measured.raw.recall)}` +
      `  p50 ${f(measured.ours.p50)} / ${f(measured.raw.p50)} ms  p95 ${f(measured.ours.p95)} / ${f(measured.raw.p95)} ms` +
      `  rows ${measured.ours.minRows}–${measured.ours.maxRows}  same ${measured.same}/${queries}`
  )
}

const pgRaw =
  (client: Awaited<ReturnType<typeof Pg.connect>>, c: Ctx, filtered: boolean, tuning: Pg.RawQuery["tuning"]): Search =>
  (i) =>
    Pg.rawSearch(client, {
      text: vectorText(row(c.d.queries, i)),
      k: c.s.k,
      category: filtered ? filterCategory : undefined,
      tuning
    })

/** PostgreSQL: exact scan, HNSW sweep, IVFFlat sweeps. */
export const runPostgres = async (c: Ctx): Promise<{ builds: Array<BuildRow>; server: string }> => {
  const builds: Array<BuildRow> = []
  const url = Pg.pgVecUrl()
  await Pg.freshDatabase()
  const client = await Pg.connect()
  try {
    const creator = runtimeFor(url, PlainItem, true)
    await creator.runtime()
    await creator.dispose()
    const t0 = performance.now()
    await Pg.load(client, c.d.vectors, categoryOf)
    c.log(
      `  PostgreSQL: loaded ${c.s.rows} rows by COPY BINARY in ${((performance.now() - t0) / 1000).toFixed(1)} s (untimed)`
    )
    const server = await Pg.serverVersions(client)
    const sizes = await Pg.tableBytes(client)
    builds.push({ dialect: "postgres", what: "table (heap + TOAST)", seconds: undefined, bytes: sizes.table })
    builds.push({ dialect: "postgres", what: "primary key (btree)", seconds: undefined, bytes: sizes.primaryKey })
    const plain = runtimeFor(url, PlainItem, false)
    await record(
      c,
      { dialect: "postgres", index: "none", setting: "exact scan", filtered: false },
      oursSearch(plain, PlainItem, c.d, c.s.k, { filtered: false }),
      pgRaw(client, c, false, undefined),
      c.s.exactQueries
    )
    await plain.dispose()
    const variants: Array<{ v: IndexVariant; settings: ReadonlyArray<number> }> = [
      { v: hnsw, settings: c.s.efSearch },
      ...c.s.ivfflat.map((x) => ({ v: { method: "ivfflat", lists: x.lists } as IndexVariant, settings: x.probes }))
    ]
    for (const { v, settings } of variants) builds.push(await pgVariant(c, client, url, v, settings))
    return { builds, server }
  } finally {
    await client.end().catch(() => undefined)
    await Pg.dropDatabase()
  }
}

const pgVariant = async (
  c: Ctx,
  client: Awaited<ReturnType<typeof Pg.connect>>,
  url: string,
  v: IndexVariant,
  settings: ReadonlyArray<number>
): Promise<BuildRow> => {
  const model = indexedModel(v)
  const name = model.info.vectorIndexes[0]!.name
  const built = await Pg.buildIndex(client, name, v)
  const title = v.method === "hnsw" ? `HNSW m=${v.m} ef_construction=${v.efConstruction}` : `IVFFlat lists=${v.lists}`
  c.log(`  PostgreSQL ${title}: built in ${built.seconds.toFixed(1)} s, ${(built.indexBytes / 2 ** 20).toFixed(1)} MiB`)
  const rt = runtimeFor(url, model, false)
  try {
    const tuningOf = (x: number) =>
      v.method === "hnsw" ? { efSearch: x, probes: undefined } : { efSearch: 100, probes: x }
    const label = (x: number) => (v.method === "hnsw" ? `ef_search=${x}` : `probes=${x}`)
    for (const x of settings) {
      const t = tuningOf(x)
      await record(
        c,
        { dialect: "postgres", index: title, setting: label(x), filtered: false },
        oursSearch(rt, model, c.d, c.s.k, {
          efSearch: t.efSearch,
          ...(t.probes !== undefined ? { probes: t.probes } : {}),
          filtered: false
        }),
        pgRaw(client, c, false, t),
        c.s.queries
      )
    }
    // filtered: the default search settings (ours: efSearch 100; pgvector's probes 1 → our tuning leaves it unset)
    const filteredSetting = v.method === "hnsw" ? 100 : settings[Math.min(2, settings.length - 1)]!
    const t = tuningOf(filteredSetting)
    await record(
      c,
      { dialect: "postgres", index: title, setting: label(filteredSetting), filtered: true },
      oursSearch(rt, model, c.d, c.s.k, {
        efSearch: t.efSearch,
        ...(t.probes !== undefined ? { probes: t.probes } : {}),
        filtered: true
      }),
      pgRaw(client, c, true, t),
      c.s.queries
    )
  } finally {
    await rt.dispose()
    await Pg.dropIndex(client, name)
  }
  return { dialect: "postgres", what: title, seconds: built.seconds, bytes: built.indexBytes }
}

/** SQLite: exact scan, then the vec0 table. */
export const runSqlite = async (c: Ctx): Promise<{ builds: Array<BuildRow>; server: string }> => {
  const builds: Array<BuildRow> = []
  const url = `sqlite:${Lite.sqliteFile}`
  Lite.removeFile()
  const creator = runtimeFor(url, PlainItem, true)
  await creator.runtime()
  await creator.dispose()
  const db = Lite.open()
  try {
    const t0 = performance.now()
    Lite.load(db, c.d.vectors, categoryOf)
    c.log(`  SQLite: loaded ${c.s.rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (untimed)`)
    const server = Lite.versions(db)
    const before = Lite.sizes(db)
    builds.push({
      dialect: "sqlite",
      what: "file without vec0 (table + primary key)",
      seconds: undefined,
      bytes: before.file
    })
    const raw = Lite.rawSearcher(db)
    const rawOf =
      (knn: boolean, filtered: boolean): Search =>
      async (i) =>
        raw({ vector: row(c.d.queries, i), k: c.s.k, category: filtered ? filterCategory : undefined, knn })
    const plain = runtimeFor(url, PlainItem, false)
    await record(
      c,
      { dialect: "sqlite", index: "none", setting: "exact scan (vec_distance_cosine)", filtered: false },
      oursSearch(plain, PlainItem, c.d, c.s.k, { filtered: false }),
      rawOf(false, false),
      c.s.exactQueries
    )
    await plain.dispose()
    const seconds = Lite.buildVec0(db)
    const after = Lite.sizes(db)
    c.log(`  SQLite vec0: built in ${seconds.toFixed(1)} s, shadow tables ${(after.vec0 / 2 ** 20).toFixed(1)} MiB`)
    builds.push({ dialect: "sqlite", what: "vec0 table (shadow tables)", seconds, bytes: after.vec0 })
    builds.push({ dialect: "sqlite", what: "file with vec0", seconds: undefined, bytes: after.file })
    const rt = runtimeFor(url, sqliteIndexedModel, false)
    try {
      for (const filtered of [false, true]) {
        await record(
          c,
          { dialect: "sqlite", index: "vec0", setting: "exact KNN", filtered },
          oursSearch(rt, sqliteIndexedModel, c.d, c.s.k, { filtered }),
          rawOf(true, filtered),
          c.s.queries
        )
      }
    } finally {
      await rt.dispose()
    }
    return { builds, server }
  } finally {
    db.close()
    Lite.removeFile()
  }
}

export const runVector = async (
  quick: boolean,
  kind: DataKind,
  dialects: ReadonlyArray<"postgres" | "sqlite">,
  log: (l: string) => void
): Promise<VectorResult> => {
  const s = vectorSizes(quick)
  const startedAt = new Date()
  const d = makeData(s, kind, log)
  const rows: Array<VectorRow> = []
  const c: Ctx = { s, d, log, rows }
  const parts = []
  if (dialects.includes("postgres")) parts.push(await runPostgres(c))
  if (dialects.includes("sqlite")) parts.push(await runSqlite(c))
  return {
    sizes: s,
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    servers: parts.map((p) => p.server),
    rows,
    builds: parts.flatMap((p) => p.builds)
  }
}
