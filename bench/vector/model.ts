/**
 * The vector scenario's model: an int id, a filter column and a 384-dimension embedding, in table
 * `bv_vec_items`. One model per index variant (the same table): our runtime of a variant knows
 * only that index, which the scenario creates (timed) and drops by hand, so `autoMigrate` is off
 * for them; the plain model (no index) creates the table with our own DDL.
 */
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"

export const table = "bv_vec_items"
export const dims = 384

const fields = { id: Schema.Int, category: Schema.Int, embedding: DataFlow.vector(dims) }
const base = { table, timestamps: false, autoIncrement: false } as const

export const PlainItem = DataFlow.model("BvVecItem", fields, base)

export type IndexVariant =
  | { readonly method: "hnsw"; readonly m: number; readonly efConstruction: number }
  | { readonly method: "ivfflat"; readonly lists: number }

export const variantTitle = (v: IndexVariant | undefined): string =>
  v === undefined
    ? "none (exact scan)"
    : v.method === "hnsw"
      ? `HNSW m=${v.m}, ef_construction=${v.efConstruction}`
      : `IVFFlat lists=${v.lists}`

/** The model of one index variant (cosine). */
export const indexedModel = (v: IndexVariant) =>
  DataFlow.model("BvVecItem", fields, {
    ...base,
    vectorIndexes: [{ field: "embedding", distance: "cosine", ...v }]
  })

/** SQLite: one vec0 table (exact KNN; hnsw/ivfflat parameters do not apply there). */
export const sqliteIndexedModel = indexedModel({ method: "hnsw", m: 16, efConstruction: 64 })

export type VecModel = typeof PlainItem
