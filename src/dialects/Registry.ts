/**
 * The dialects this library can connect to, one entry each (src/dialects/Entry.ts). Adding a
 * database is one folder under src/dialects and one line here.
 *
 * @since 0.1.0
 */
import { ValidationError } from "../Errors.js"
import { schemeOf } from "../Url.js"
import type { DialectEntry } from "./Entry.js"
import { mysql } from "./mysql/Dialect.js"
import { postgres } from "./postgres/Dialect.js"
import { sqlite } from "./sqlite/Dialect.js"

export type { DialectEntry } from "./Entry.js"

/** Every dialect. */
export const dialects: ReadonlyArray<DialectEntry> = [postgres, mysql, sqlite]

/** Schemes of databases announced but not built yet: refused with UnsupportedFeature. */
export const plannedSchemes: ReadonlyMap<string, Planned> = new Map()

/** Schemes of the MongoDB family (src/mongo/Service.ts), which is not an SQL dialect. */
export const mongoSchemes: ReadonlyArray<string> = ["mongodb", "mongodb+srv"]

/** A database announced but not built yet. */
export interface Planned {
  readonly dialect: string
  readonly feature: string
}

const byScheme = new Map(dialects.flatMap((d) => d.schemes.map((s) => [s, d] as const)))

const known = () =>
  `${[...byScheme.keys(), ...mongoSchemes, ...plannedSchemes.keys()].map((s) => `${s}:`).join(", ")} (e.g. postgres://host/db, sqlite:./file.db, sqlite::memory:)`

/**
 * The dialect that owns `url`'s scheme, or the planned feature its scheme names (a string).
 * Throws a ValidationError for any other scheme.
 */
export const dialectOf = (url: string): DialectEntry | { readonly planned: Planned } => {
  const scheme = schemeOf(url)
  const entry = scheme === undefined ? undefined : byScheme.get(scheme)
  if (entry !== undefined) return entry
  const planned = scheme === undefined ? undefined : plannedSchemes.get(scheme)
  if (planned !== undefined) return { planned }
  throw new ValidationError({ path: "url", reason: `unknown scheme; use ${known()}` })
}
