/**
 * Every ```ts block of README.md and docs/*.md type-checks against src/ (conventions: test/docs/Snippets.ts).
 * One TypeScript Program over all blocks, held in memory, with the project's tsconfig options.
 */
import * as Path from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { snippets } from "./Snippets.js"

const root = Path.resolve(import.meta.dirname, "..", "..")

const compilerOptions = (): ts.CompilerOptions => {
  const file = Path.join(root, "tsconfig.json")
  const config = ts.readConfigFile(file, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true }, file)
  return parsed.options
}

const check = (files: ReadonlyMap<string, string>): Map<string, Array<string>> => {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options, true)
  const { fileExists, readFile, getSourceFile } = host
  const dirs = new Set([...files.keys()].flatMap((f) => [Path.dirname(f), Path.dirname(Path.dirname(f))]))
  host.directoryExists = (d) => dirs.has(d) || ts.sys.directoryExists(d)
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f)
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f)
  host.getSourceFile = (f, language, onError, create) => {
    const text = files.get(f)
    return text !== undefined
      ? ts.createSourceFile(f, text, language, true)
      : getSourceFile.call(host, f, language, onError, create)
  }
  const program = ts.createProgram([...files.keys()], options, host)
  const out = new Map<string, Array<string>>()
  for (const name of files.keys()) {
    const sf = program.getSourceFile(name)!
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
    out.set(
      name,
      diagnostics.map((d) => {
        const where = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : 0
        return `line ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
      })
    )
  }
  return out
}

describe("doc snippets", () => {
  const all = snippets(root)
  const checked = all.filter((s) => !s.skipped)

  it("few blocks are skipped", () => {
    expect(all.length).toBeGreaterThan(0)
    expect(all.length - checked.length).toBeLessThanOrEqual(Math.ceil(all.length / 5))
  })

  it(`every checked block type-checks (${checked.length} of ${all.length})`, () => {
    const results = check(new Map(checked.map((s) => [s.fileName, s.text])))
    const failures = checked.flatMap((s) => {
      const errors = results.get(s.fileName) ?? []
      return errors.length === 0 ? [] : [`${s.page}:${s.line}\n  ${errors.join("\n  ")}`]
    })
    expect(failures.join("\n")).toBe("")
  }, 180_000)
})
