/**
 * The search index objects a migration backend makes for a model's `vectorIndexes` and
 * `textSearch` (src/model/Search.ts): their statements and the identity a live index is compared by.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import type { TextSearchSpec, VectorIndex } from "../model/Search.js"
import type { LiveSearchIndex } from "./LiveSchema.js"

/** A search index as a backend makes it for a model's declaration. */
export interface SearchIndexShape {
  /** The index (PostgreSQL) or the virtual table (SQLite). */
  readonly name: string
  /** Compared with a live index's `identity`: equal means nothing to do. */
  readonly identity: string
  readonly columns: ReadonlyArray<string>
  /** What the plan says after the columns: `hnsw, cosine, m = 16, ef_construction = 64`. */
  readonly detail: string
  /** Creates it and fills it from the existing rows. */
  readonly up: ReadonlyArray<string>
}

/** The search index objects of a backend (absent: it makes none, and plans none). */
export interface SearchIndexStatements {
  /** The vector index a model declares, or undefined when this backend makes none for it. */
  readonly vector: (model: ModelInfo, index: VectorIndex) => SearchIndexShape | undefined
  /** The text index a model's textSearch needs, or undefined when this backend makes none. */
  readonly text: (model: ModelInfo, spec: TextSearchSpec) => SearchIndexShape | undefined
  readonly drop: (table: string, live: LiveSearchIndex) => ReadonlyArray<string>
  /** Why this backend cannot make a model's search indexes (a SchemaMismatch's reason), if it cannot. */
  readonly refusal: (model: ModelInfo) => { readonly field?: string; readonly reason: string } | undefined
}
