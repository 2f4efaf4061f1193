/** Runs the `dataflow` command in a child process: bundled once (fast), or through bin/dataflow.mjs. */
import { spawn } from "node:child_process"
import { bundle } from "./Bundle.js"

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Spawns `node <entry> ...args` and collects its output. */
export const spawnNode = (
  entry: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {}
): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** The CLI (src/cli/main.ts) bundled into one module. */
export const bundleCli = () => bundle("src/cli/main.ts", "dataflow-cli")

/** ANSI escapes removed (help output is styled). */
export const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "")
