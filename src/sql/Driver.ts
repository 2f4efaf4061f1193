/**
 * What a dialect folder hands the Database service: an @effect/sql client and its hooks.
 *
 * @since 0.1.0
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Duration, Effect, Scope } from "effect"
import type { QueryError } from "../Errors.js"
import type { Dialect } from "./Dialect.js"

/** Pool and timeout settings every driver takes. */
export interface DriverOptions {
  readonly poolSize: number
  readonly connectTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
}

/** A connected driver. */
export interface Driver {
  readonly client: SqlClient.SqlClient
  readonly dialect: Dialect
  /** Pool statistics where the driver exposes them. */
  readonly poolStats: () => { readonly total: number; readonly idle: number; readonly waiting: number } | undefined
}

/** Opens a driver for the lifetime of the scope. */
export type Connect<Url> = (url: Url, options: DriverOptions) => Effect.Effect<Driver, QueryError, Scope.Scope>
