/**
 * Drivers are optional peer dependencies: a dialect's connect imports its driver module on demand,
 * and an absent package becomes `DriverNotInstalled` naming what to install.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DriverNotInstalled } from "../Errors.js"
import type { DatabaseName } from "../DatabaseName.js"

const missing = (e: unknown): boolean => {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown }
  return (
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    (typeof message === "string" && /Cannot find (package|module)|Failed to load url/.test(message))
  )
}

/** The module `load` imports, or DriverNotInstalled when a package it needs is absent (other failures are defects). */
export const loadDriver = <M>(
  dialect: DatabaseName,
  packages: ReadonlyArray<string>,
  load: () => Promise<M>
): Effect.Effect<M, DriverNotInstalled> =>
  Effect.tryPromise({ try: load, catch: (e) => e }).pipe(
    Effect.catchAll((e) => (missing(e) ? Effect.fail(new DriverNotInstalled({ dialect, packages })) : Effect.die(e)))
  )
