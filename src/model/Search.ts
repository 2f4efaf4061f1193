/**
 * Search declarations of a model: vector indexes (`vectorIndexes`) and full-text search
 * (`textSearch`), checked at definition time and normalized into `ModelInfo`. Names of the index
 * objects are made here, once, for migrations and queries alike (docs/vector-search.md).
 *
 * @since 0.1.0
 */
import { type ValidationError } from "../Errors.js"
import type { Field } from "./Field.js"
import { constraintName } from "./TableName.js"

/**
 * The default HNSW candidate list (ef_search) of a search: the smallest the bench found recall@10 ≥ 0.95
 * with (0.965 at 100k × 384, docs/benchmarks.md). PostgreSQL connections open with it.
 */
export const defaultEfSearch = 100

/** How the nearness of two vectors is measured. */
export type Distance = "cosine" | "l2" | "innerProduct"

/** The distances, in the order docs list them. */
export const distances: ReadonlyArray<Distance> = ["cosine", "l2", "innerProduct"]

/** A vector index as written in the model's options. */
export interface VectorIndexOption<Name extends string = string> {
  readonly field: Name
  /** pgvector's index method. On SQLite every vector index is a sqlite-vec `vec0` table (exact). */
  readonly method: "hnsw" | "ivfflat"
  /** The distance the index serves (its operator class); searches by another distance scan. */
  readonly distance: Distance
  /** HNSW: links per node (default 16). */
  readonly m?: number
  /** HNSW: candidate list size while building (default 64). */
  readonly efConstruction?: number
  /** IVFFlat: number of lists (default 100; about rows / 1000 up to 1M rows). */
  readonly lists?: number
}

/** A vector index, normalized. */
export interface VectorIndex {
  /** The index's name (PostgreSQL index; SQLite's vec0 table is `vecTableName`). */
  readonly name: string
  readonly field: Field
  readonly method: "hnsw" | "ivfflat"
  readonly distance: Distance
  readonly m: number
  readonly efConstruction: number
  readonly lists: number
}

/** Text-search languages: stemming and stop words (PostgreSQL text search configuration / FTS5 tokenizer). */
export type TextLanguage = "english" | "simple"

/** Full-text search as written in the model's options. */
export interface TextSearchOption<Name extends string = string> {
  /** The string fields searched, together as one document. */
  readonly fields: ReadonlyArray<Name>
  /** "english" (default): English stemming; "simple": words as written, lower-cased. */
  readonly language?: TextLanguage
}

/** Full-text search, normalized. */
export interface TextSearchSpec {
  /** The text index's name (PostgreSQL GIN index; SQLite's FTS5 table is `ftsTableName`). */
  readonly name: string
  readonly fields: ReadonlyArray<Field>
  readonly language: TextLanguage
}

/** `docs_embedding_hnsw_idx`: the PostgreSQL index of a vector index. */
export const vectorIndexName = (table: string, field: Field, method: string): string =>
  constraintName(table, [field.column, method], "idx")

/** `docs__vec_embedding`: SQLite's vec0 table serving a vector index. */
export const vecTableName = (table: string, field: Field): string => `${table}__vec_${field.column}`

/** `docs_fts_idx`: the PostgreSQL GIN index of text search. */
export const textIndexName = (table: string): string => constraintName(table, ["fts"], "idx")

/** `docs__fts`: SQLite's FTS5 table serving text search. */
export const ftsTableName = (table: string): string => `${table}__fts`

type Bad = (path: string, reason: string) => ValidationError

const positiveInt = (bad: Bad, path: string, value: number | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1 || value > max) throw bad(path, `must be an integer from 1 to ${max}`)
  return value
}

/** The model's vector indexes, checked: a vector field each, at most one per field and method. */
export const readVectorIndexes = (
  bad: Bad,
  table: string,
  byName: ReadonlyMap<string, Field>,
  options: ReadonlyArray<VectorIndexOption> | undefined
): ReadonlyArray<VectorIndex> => {
  const seen = new Set<string>()
  return (options ?? []).map((o, i) => {
    const at = `vectorIndexes.${i}`
    const field = byName.get(o.field)
    if (field === undefined || field.kind !== "vector") throw bad(at, "field must name a DataFlow.vector field")
    if (o.method !== "hnsw" && o.method !== "ivfflat") throw bad(`${at}.method`, 'must be "hnsw" or "ivfflat"')
    if (!distances.includes(o.distance)) throw bad(`${at}.distance`, 'must be "cosine", "l2" or "innerProduct"')
    if (o.method === "hnsw" && o.lists !== undefined) throw bad(`${at}.lists`, "applies to ivfflat indexes only")
    if (o.method === "ivfflat" && (o.m !== undefined || o.efConstruction !== undefined)) {
      throw bad(at, "m and efConstruction apply to hnsw indexes only")
    }
    if (seen.has(`${o.field}:${o.method}`)) throw bad(at, `declares a second ${o.method} index on ${o.field}`)
    seen.add(`${o.field}:${o.method}`)
    const m = positiveInt(bad, `${at}.m`, o.m, 16, 100)
    const efConstruction = positiveInt(bad, `${at}.efConstruction`, o.efConstruction, 64, 1000)
    if (efConstruction < 2 * m) throw bad(`${at}.efConstruction`, "must be at least twice m (pgvector's rule)")
    const lists = positiveInt(bad, `${at}.lists`, o.lists, 100, 32768)
    return {
      name: vectorIndexName(table, field, o.method),
      field,
      method: o.method,
      distance: o.distance,
      m,
      efConstruction,
      lists
    }
  })
}

/** The model's text search, checked: one or more string fields. */
export const readTextSearch = (
  bad: Bad,
  table: string,
  byName: ReadonlyMap<string, Field>,
  option: TextSearchOption | undefined
): TextSearchSpec | undefined => {
  if (option === undefined) return undefined
  if (option.fields.length === 0) throw bad("textSearch.fields", "lists at least one field")
  const fields = option.fields.map((name) => {
    const field = byName.get(name)
    if (field === undefined || (field.kind !== "string" && field.kind !== "literal")) {
      throw bad("textSearch.fields", `${name.slice(0, 64)} must be a string field of the model`)
    }
    return field
  })
  if (new Set(option.fields).size !== option.fields.length) throw bad("textSearch.fields", "lists a field twice")
  const language = option.language ?? "english"
  if (language !== "english" && language !== "simple") throw bad("textSearch.language", 'must be "english" or "simple"')
  return { name: textIndexName(table), fields, language }
}
