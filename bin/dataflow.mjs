#!/usr/bin/env node
// The `dataflow` command. Runs the built CLI (dist/cli/main.js) when the package is built, else
// the TypeScript source through tsx (a dev dependency). A `--models` module written in TypeScript
// is loaded through tsx either way (registered when needed).
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const built = join(root, "dist", "cli", "main.js")
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  let register
  try {
    ;({ register } = await import("tsx/esm/api"))
  } catch {
    console.error("dataflow: not built (run `npm run build`) and tsx is not installed to run the source")
    process.exit(1)
  }
  register()
  globalThis[Symbol.for("effect-dataflow/tsx-registered")] = true
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href)
}
