/**
 * The pure checks every implementation of the document API shares (SQL here, MongoDB in
 * src/mongo/Collection*.ts): documents hold JSON values only, keys that mean the same on every
 * database, and `_id` strings; limits on size and depth (docs/documents.md, "Limits").
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { UnsupportedFeature, ValidationError } from "../Errors.js"
import type { Document, DocumentValue } from "./Collection.js"

/** Caps on what a document, filter, update or pipeline may hold. */
export const documentLimits = {
  /** Nesting depth of a document (MongoDB's own cap is 100). */
  depth: 100,
  /** JSON text size of one document in bytes (MongoDB's BSON cap is 16 MiB). */
  bytes: 16 * 1024 * 1024,
  /** Nesting depth of a filter, update or pipeline. */
  queryDepth: 16,
  /** Operators and values in one filter. */
  queryNodes: 512,
  /** Values of one `$in` / `$nin` / `$all`. */
  inValues: 10_000,
  /** Length of a `$regex` pattern. */
  patternLength: 1_000,
  /** Stages of one pipeline. */
  stages: 64,
  /** Length of `_id`. */
  idLength: 255
} as const

/** What a check fails with. */
export type CheckError = ValidationError | UnsupportedFeature

/** Thrown inside the checkers, turned into the Effect's failure by `run`. */
export const fail = (path: string, reason: string): never => {
  throw new ValidationError({ path, reason })
}

/** Thrown inside the checkers: a feature outside the subset (docs/documents.md, "The subset"). */
export const unsupported = (dialect: string, feature: string): never => {
  throw new UnsupportedFeature({ dialect, feature })
}

/** Runs a throwing checker as an Effect whose failure is the typed error it threw. */
export const run = <A>(f: () => A): Effect.Effect<A, CheckError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (e instanceof ValidationError || e instanceof UnsupportedFeature) return Effect.fail(e)
      throw e
    }
  })

/** A plain object (not an array, not a class instance such as Date). */
export const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" &&
  u !== null &&
  !Array.isArray(u) &&
  (Object.getPrototypeOf(u) === Object.prototype || Object.getPrototypeOf(u) === null)

/** The kind of a value, named in reasons (never the value itself). */
export const kindOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : isPlainObject(v) ? "object" : typeof v

/** Why a document key is refused, or undefined when it is fine. */
export const keyProblem = (key: string): string | undefined =>
  key.length === 0
    ? "is an empty key"
    : key.startsWith("$")
      ? "is a key starting with $"
      : key.includes(".")
        ? "is a key holding a dot"
        : key.includes("\0")
          ? "is a key holding NUL"
          : /^\d+$/.test(key)
            ? "is a key of digits only (dot paths read digits as array indexes)"
            : undefined

const join = (path: string, key: string | number) => (path === "" ? String(key) : `${path}.${key}`)

const checkValue = (v: unknown, path: string, depth: number): DocumentValue => {
  if (depth > documentLimits.depth) fail(path, `nests deeper than ${documentLimits.depth}`)
  if (typeof v === "string") return v.includes("\0") ? fail(path, "is a string holding NUL") : v
  if (typeof v === "number") return Number.isFinite(v) ? v : fail(path, "is not a finite number")
  if (typeof v === "boolean" || v === null) return v
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkValue(x, join(path, i), depth + 1))
    return v as DocumentValue
  }
  if (!isPlainObject(v)) return fail(path, `is ${kindOf(v)}, not a JSON value`)
  for (const [k, x] of Object.entries(v)) {
    const problem = keyProblem(k)
    if (problem !== undefined) fail(join(path, k), problem)
    if (x === undefined) fail(join(path, k), "is undefined, not a JSON value")
    checkValue(x, join(path, k), depth + 1)
  }
  return v as DocumentValue
}

/** A JSON value of a filter, update or document at `path`: throws ValidationError naming the path. */
export const checkJsonValue = (v: unknown, path: string): DocumentValue => checkValue(v, path, 1)

/** Checks an `_id`: a string of 1 to 255 characters without NUL. */
export const checkId = (id: unknown, path = "_id"): string =>
  typeof id !== "string"
    ? fail(path, `must be a string, got ${kindOf(id)}`)
    : id.length === 0 || id.length > documentLimits.idLength
      ? fail(path, `must hold 1 to ${documentLimits.idLength} characters`)
      : id.includes("\0")
        ? fail(path, "holds NUL")
        : id

/** The pure form of `checkDocument`: throws. `_id` is optional (the caller generates one). */
export const checkDocumentSync = (doc: unknown, path = ""): { readonly [key: string]: DocumentValue } => {
  if (!isPlainObject(doc)) return fail(path === "" ? "document" : path, `must be an object, got ${kindOf(doc)}`)
  const entries = Object.entries(doc).filter(([k, v]) => !(k === "_id" && v === undefined))
  const clean = Object.fromEntries(entries)
  if ("_id" in clean) checkId(clean["_id"], join(path, "_id"))
  checkValue(clean, path, 0)
  if (Buffer.byteLength(JSON.stringify(clean)) > documentLimits.bytes) {
    fail(path === "" ? "document" : path, `is larger than ${documentLimits.bytes} bytes as JSON`)
  }
  return clean as { readonly [key: string]: DocumentValue }
}

/**
 * Checks a document to insert or store: JSON values only (strings without NUL, finite numbers,
 * booleans, null, arrays, plain objects), keys not starting with `$`, without `.` or NUL and not
 * digits only, `_id` (when present) a string of at most 255 characters, at most 16 MiB as JSON.
 * `path` prefixes the paths of errors (e.g. `"1"` for the second document of insertMany).
 */
export const checkDocument = (
  doc: unknown,
  path?: string
): Effect.Effect<{ readonly _id?: string; readonly [key: string]: DocumentValue | undefined }, CheckError> =>
  run(() => checkDocumentSync(doc, path))

/** A stored document read back: `_id` first. */
export const withId = (id: string, doc: { readonly [key: string]: DocumentValue }): Document => {
  const { _id: _, ...rest } = doc
  return { _id: id, ...rest }
}
