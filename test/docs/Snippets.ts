/**
 * The ```ts blocks of README.md and docs/*.md, turned into modules that type-check against src/.
 *
 * Conventions (HTML comments, invisible on GitHub, on the line(s) just above a block):
 * - `<!-- snippet: fragment -->` skips the block (a signature list, pseudo-code).
 * - `<!-- snippet: prelude ... -->` declares what the block uses but does not show (a model, a value);
 *   the text after `prelude` is put before the block.
 * - `<!-- snippet: context ... -->` (anywhere on the page): put before every later block of the page.
 * - `<!-- snippet: shared -->` above a block: the block is checked, and also put before every later block.
 * - `"@repo/..."` in an import names a file of the repository (e.g. "@repo/examples/shop/Models.js").
 * - `<!-- snippet: file NAME.ts ... -->` makes the block a module other blocks of the page import as "./NAME.js";
 *   what follows the name is appended to it (the parts of a generated file the page leaves out).
 * A block without imports gets `effect`'s and the library's namespaces; a block using `yield*` outside a
 * generator of its own runs inside `Effect.gen`, its imports hoisted.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export interface Snippet {
  readonly page: string
  readonly line: number
  readonly skipped: boolean
  /** The module's virtual file name, e.g. docs/models.md:7 -> test/docs/__snippets__/docs_models_md/line_7.ts (never written to disk) */
  readonly fileName: string
  readonly text: string
}

const effectNames = ["BigDecimal", "Data", "Effect", "Layer", "Option", "Schedule", "Schema", "Stream"]
const libraryNames = ["DataFlow", "Database", "Errors", "Filter", "Migrations", "Workflow"]

const directive = (above: string): { kind: string; rest: string } | undefined => {
  const match = /<!--\s*snippet:\s*(\w+)([\s\S]*?)-->\s*$/.exec(above)
  return match ? { kind: match[1]!, rest: match[2]!.trim() } : undefined
}

const importedNames = (imports: ReadonlyArray<string>): Set<string> => {
  const names = new Set<string>()
  for (const line of imports) {
    const braces = /\{([^}]*)\}/.exec(line)
    for (const name of braces ? braces[1]!.split(",") : [])
      names.add(
        name
          .trim()
          .split(/\s+as\s+/)
          .pop()!
      )
  }
  return names
}

const assemble = (body: string, prelude: string): string => {
  const lines = body.split("\n")
  const imports = lines.filter((l) => /^import\s/.test(l))
  const rest = lines.filter((l) => !/^import\s/.test(l)).join("\n")
  const have = importedNames(imports)
  const missing = (names: ReadonlyArray<string>) => names.filter((n) => !have.has(n))
  const defaults = [
    `import { ${missing(effectNames).join(", ")} } from "effect"`,
    `import { ${missing(libraryNames).join(", ")} } from "effect-dataflow"`
  ]
  // `yield*` at the top of the block (not inside a `function*` of its own) needs a generator around it
  const needsGen = /yield\*/.test(rest) && !/function\s*\*/.test(rest) && !/^export /m.test(rest)
  const main = needsGen ? `export const __snippet = Effect.gen(function*() {\n${rest}\n})` : rest
  return [...imports, ...defaults, prelude, main, "export {}"].join("\n")
}

const blocksOf = (root: string, page: string): Array<Snippet> => {
  const lines = Fs.readFileSync(Path.join(root, page), "utf8").split("\n")
  const out: Array<Snippet> = []
  const dir = Path.join(root, "test", "docs", "__snippets__", page.replace(/[^A-Za-z0-9]+/g, "_"))
  const repo = `"${Path.relative(dir, root)}/`
  let context = ""
  let pending: { kind: string; rest: string } | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim().startsWith("<!--") && line.includes("snippet:")) {
      const start = i
      while (i < lines.length && !lines[i]!.includes("-->")) i++
      const d = directive(lines.slice(start, i + 1).join("\n"))
      if (d?.kind === "context") context += `${d.rest}\n`
      else pending = d
      continue
    }
    if (line.trim() === "") continue
    if (line.trim() !== "```ts") {
      pending = undefined
      continue
    }
    const start = i
    const body: Array<string> = []
    for (i++; i < lines.length && lines[i]!.trim() !== "```"; i++) body.push(lines[i]!)
    const d = pending
    pending = undefined
    const name = d?.kind === "file" ? d.rest.split(/\s+/)[0] : undefined
    const text =
      assemble(body.join("\n"), context + (d?.kind === "prelude" ? d.rest : "")) +
      (d?.kind === "file" ? `\n${d.rest.slice(name!.length)}` : "")
    out.push({
      page,
      line: start + 1,
      skipped: d?.kind === "fragment",
      fileName: Path.join(dir, name ?? `line_${start + 1}.ts`),
      text: text.replaceAll('"@repo/', repo)
    })
    if (d?.kind === "shared") context += `${body.filter((l) => !/^import\s/.test(l)).join("\n")}\n`
  }
  return out
}

/** Every ```ts block of README.md and docs/*.md, in page order. */
export const snippets = (root: string): Array<Snippet> => {
  const pages = [
    "README.md",
    ...Fs.readdirSync(Path.join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`)
  ]
  return pages.flatMap((page) => blocksOf(root, page))
}
