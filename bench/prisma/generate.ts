/**
 * `prisma generate` for each bench schema into bench/.prisma/<dialect> (git-ignored), skipped when
 * the schema and the Prisma version are unchanged since the last generation. No engine binary is
 * downloaded: Prisma 7's client runs through driver adapters, and the schema engine is not needed
 * to generate (PRISMA_SCHEMA_ENGINE_BINARY=/bin/true).
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { DialectName } from "../config.js"

const here = path.dirname(fileURLToPath(import.meta.url))
export const generatedDir = (dialect: DialectName) => path.join(here, "..", ".prisma", dialect)

export type Generated = { readonly ok: true; readonly client: string } | { readonly ok: false; readonly reason: string }

const prismaCli = (): string => {
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js")
}

const prismaVersion = (): string => {
  const require = createRequire(import.meta.url)
  return (require("prisma/package.json") as { version: string }).version
}

export const generatePrisma = (dialect: DialectName): Generated => {
  try {
    const schema = path.join(here, `${dialect}.prisma`)
    const out = generatedDir(dialect)
    const client = path.join(out, "client.ts")
    const stamp = path.join(out, ".schema-hash")
    const hash = createHash("sha256").update(fs.readFileSync(schema)).update(prismaVersion()).digest("hex")
    if (fs.existsSync(client) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash)
      return { ok: true, client }
    const result = spawnSync(process.execPath, [prismaCli(), "generate", "--schema", schema], {
      encoding: "utf8",
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1"
      },
      timeout: 120_000
    })
    if (result.status !== 0 || !fs.existsSync(client)) {
      const text = `${result.stderr ?? ""}${result.stdout ?? ""}${result.error ? String(result.error) : ""}`
      return { ok: false, reason: `prisma generate failed: ${text.replace(/\s+/g, " ").trim().slice(0, 240)}` }
    }
    fs.writeFileSync(stamp, hash)
    return { ok: true, client }
  } catch (e) {
    return { ok: false, reason: `prisma generate failed: ${String(e).slice(0, 240)}` }
  }
}
