/**
 * `DataFlow.vector(n)`: an embedding as a field — an array of exactly `n` finite numbers, stored as
 * 32-bit floats (pgvector's `vector(n)` on PostgreSQL, sqlite-vec's float32 BLOB on SQLite, JSON text
 * on MariaDB). A wrong length, NaN, ±Infinity or a number beyond the float32 range is refused with
 * ValidationError naming the field, before any SQL.
 *
 * ```ts
 * const Doc = DataFlow.model("Doc", { id: Schema.String, body: Schema.String, embedding: DataFlow.vector(384) },
 *   { vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine" }] })
 * ```
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ValidationError } from "../Errors.js"
import { type ColumnAnnotation, ColumnAnnotationId } from "./Columns.js"

/** The largest finite 32-bit float: beyond it a stored vector would hold Infinity. */
export const float32Max = 3.4028234663852886e38

/** pgvector's limit for a `vector(n)` column (and sqlite-vec's for float[n]). */
export const maxDimensions = 16000

const fits = (value: ReadonlyArray<number>, dimensions: number): string | undefined => {
  if (value.length !== dimensions) return `must have exactly ${dimensions} numbers, got ${value.length}`
  for (let i = 0; i < value.length; i++) {
    const x = value[i]!
    if (!Number.isFinite(x)) return `element ${i} is not a finite number (NaN and Infinity cannot be searched)`
    if (Math.abs(x) > float32Max) return `element ${i} is beyond the 32-bit float range vectors are stored in`
  }
  return undefined
}

/** A vector of `dimensions` finite numbers (1 to 16000), stored as 32-bit floats. */
export const vector = (dimensions: number) => {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > maxDimensions) {
    throw new ValidationError({ path: "vector.dimensions", reason: `must be an integer from 1 to ${maxDimensions}` })
  }
  const annotation: ColumnAnnotation = { dimensions }
  return Schema.Array(Schema.Number).pipe(
    Schema.filter((value) => fits(value, dimensions) ?? true, {
      identifier: `Vector(${dimensions})`,
      [ColumnAnnotationId]: annotation
    })
  )
}

/** Why `value` is not a vector of `dimensions` numbers, or undefined when it is (for search input). */
export const vectorProblem = (value: unknown, dimensions: number): string | undefined =>
  Array.isArray(value) ? fits(value, dimensions) : "must be an array of numbers"

/**
 * The shortest decimal that reads back as the same 32-bit float (the nearest such when several have
 * that length): what pgvector prints, so a vector read from SQLite's float32 BLOB equals the same
 * vector read from PostgreSQL. If the nearest d-digit decimal reads back, so does the nearest
 * (d+1)-digit one; so the search starts at 7 digits (most float32 values need 7 to 9) and goes down
 * while shorter ones still read back, or up to 9, which always does: two or three conversions for
 * most numbers instead of up to nine.
 */
export const shortestFloat32 = (x: number): number => {
  const seven = Number(x.toPrecision(7))
  if (Math.fround(seven) !== x) {
    const eight = Number(x.toPrecision(8))
    return Math.fround(eight) === x ? eight : Number(x.toPrecision(9))
  }
  let best = seven
  for (let digits = 6; digits >= 1; digits--) {
    const shorter = Number(x.toPrecision(digits))
    if (Math.fround(shorter) !== x) break
    best = shorter
  }
  return best
}
