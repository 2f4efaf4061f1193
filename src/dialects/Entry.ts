/**
 * One dialect as the Database service sees it: its URL schemes and parser, its connect (which
 * loads the driver on demand), its migration lock, its catalog reader and its compiler hooks.
 * Each dialect folder exports one (src/dialects/<db>/Dialect.ts); src/dialects/Registry.ts lists them.
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import type { DriverNotInstalled, QueryError } from "../Errors.js"
import type { Introspector } from "../migrations/LiveSchema.js"
import type { Dialect, DialectName } from "../sql/Dialect.js"
import type { Driver, DriverOptions } from "../sql/Driver.js"
import type { WithLock } from "../sql/Runner.js"
import type { UrlSettings } from "../Url.js"

/** A dialect's registry entry. */
export interface DialectEntry {
  readonly name: DialectName
  /** URL schemes this dialect owns, lower-case, without the colon. */
  readonly schemes: ReadonlyArray<string>
  /**
   * Checks a URL of one of `schemes` and returns what it sets beyond where to connect; throws a
   * ValidationError that never quotes a value.
   */
  readonly parseUrl: (url: string) => UrlSettings
  /** Loads the driver (failing with DriverNotInstalled when it is absent) and connects for the scope. */
  readonly connect: (
    url: string,
    options: DriverOptions
  ) => Effect.Effect<Driver, QueryError | DriverNotInstalled, Scope.Scope>
  readonly lock: WithLock
  readonly introspector: Introspector
  /** The dialect's compiler hooks (a connected driver may refine them: MySQL's collation). */
  readonly hooks: Dialect
}
