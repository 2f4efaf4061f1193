/**
 * `--models <module>`: the models a module exports (every export that is a `DataFlow.model`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { ModelLike } from "../Database.js"
import { UsageError } from "./Output.js"

const isModel = (v: unknown): v is ModelLike =>
  typeof v === "object" &&
  v !== null &&
  "info" in v &&
  typeof (v as { info?: { table?: unknown } }).info?.table === "string" &&
  Array.isArray((v as { info: { columns?: unknown } }).info.columns)

const registered = Symbol.for("effect-dataflow/tsx-registered")

/** TypeScript modules load through tsx (a dev dependency), registered once, on first need. */
const registerTsx = async (): Promise<void> => {
  const g = globalThis as { [registered]?: boolean }
  if (g[registered]) return
  const { register } = await import("tsx/esm/api")
  register()
  g[registered] = true
}

/** Imports `path` (relative to the working directory) and returns the models it exports, by export order. */
export const loadModels = (path: string): Effect.Effect<ReadonlyArray<ModelLike>, UsageError> =>
  Effect.tryPromise({
    try: async () => {
      if (/\.[cm]?tsx?$/.test(path)) await registerTsx()
      return (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>
    },
    catch: (e) =>
      new UsageError({
        message:
          `cannot load --models ${path}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` +
          (/\.ts$/.test(path) ? " (TypeScript modules need tsx: npm install -D tsx)" : "")
      })
  }).pipe(
    Effect.flatMap((module) => {
      const seen = new Set<ModelLike>()
      for (const v of Object.values(module)) if (isModel(v)) seen.add(v)
      const def = module["default"]
      if (Array.isArray(def)) for (const v of def) if (isModel(v)) seen.add(v)
      return seen.size === 0
        ? Effect.fail(new UsageError({ message: `--models ${path} exports no DataFlow models` }))
        : Effect.succeed([...seen])
    })
  )
