/**
 * Bundles a TypeScript entry point (and the src/ it imports) into one .mjs under node_modules/.cache,
 * so tests that start many processes pay for module loading once (tsx: ~2 s a process; bundled:
 * ~0.3 s). Native modules stay external.
 */
import { build } from "esbuild"
import { join } from "node:path"

export const bundle = async (entry: string, name: string): Promise<string> => {
  // inside node_modules so that the external packages resolve from it
  const outfile = join("node_modules", ".cache", "effect-dataflow", `${name}-${process.pid}.mjs`)
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["better-sqlite3", "pg-native", "tsx", "tsx/*", "esbuild"],
    logLevel: "error",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
  })
  return outfile
}
