/**
 * `"{name}"` templates in parameter values, filled from run inputs.
 *
 * - A string that is exactly one template (`"{quantity}"`) becomes the input itself, keeping its type.
 * - Inside a longer string (`"order for {customer}"`) the input is interpolated; it must then be a
 *   string, number, boolean or bigint.
 * - `{name.path}` reads a dotted path inside an input.
 * - `{{` and `}}` are a literal `{` and `}`. Any other brace that does not enclose a name
 *   (`^a{2,3}$`, `{ }`) is kept literally, so regular expressions need no escaping.
 * - An input that is absent (undefined) leaves the template unresolved: a WorkflowDefinitionError.
 *
 * Only strings inside plain objects and arrays are templates; object keys never are.
 *
 * @since 0.1.0
 */
import { getPath, isPlainObject } from "./Path.js"

/** A piece of a string: literal text or a template naming an input path. */
export type Part = { readonly text: string } | { readonly input: string }

const nameRe = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/

/** Splits a string into literal text and templates. */
export const parseTemplate = (s: string): ReadonlyArray<Part> => {
  const parts: Array<Part> = []
  let text = ""
  let i = 0
  while (i < s.length) {
    const c = s[i]!
    if ((c === "{" || c === "}") && s[i + 1] === c) {
      text += c
      i += 2
      continue
    }
    if (c === "{") {
      const end = s.indexOf("}", i + 1)
      const name = end === -1 ? "" : s.slice(i + 1, end)
      if (nameRe.test(name)) {
        if (text !== "") parts.push({ text })
        text = ""
        parts.push({ input: name })
        i = end + 1
        continue
      }
    }
    text += c
    i++
  }
  if (text !== "" || parts.length === 0) parts.push({ text })
  return parts
}

/** Input names (dotted) that a value's strings refer to, with where they occur. */
export const templatesIn = (
  value: unknown,
  where: string
): Array<{ readonly where: string; readonly input: string; readonly whole: boolean }> => {
  const found: Array<{ where: string; input: string; whole: boolean }> = []
  const walk = (v: unknown, at: string) => {
    if (typeof v === "string") {
      const parts = parseTemplate(v)
      for (const p of parts) if ("input" in p) found.push({ where: at, input: p.input, whole: parts.length === 1 })
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`))
    } else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, at === "" ? k : `${at}.${k}`)
    }
  }
  walk(value, where)
  return found
}

const inputAt = (inputs: unknown, name: string) => getPath(inputs, name.split("."))

const interpolable = (v: unknown) =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint"

/** Problems of a value's templates against `inputs`: unresolved names, non-scalar interpolation. */
export const templateProblems = (value: unknown, where: string, inputs: unknown): Array<string> =>
  templatesIn(value, where).flatMap(({ input, where: at, whole }) => {
    const v = inputAt(inputs, input)
    if (v === undefined) return [`${at}: template {${input}} has no run input`]
    if (!whole && !interpolable(v))
      return [`${at}: template {${input}} inside a longer string needs a string, number, boolean or bigint input`]
    return []
  })

/** `value` with every template filled from `inputs` (check `templateProblems` first). */
export const fillTemplates = (value: unknown, inputs: unknown): unknown => {
  if (typeof value === "string") {
    const parts = parseTemplate(value)
    if (parts.length === 1) {
      const p = parts[0]!
      return "input" in p ? inputAt(inputs, p.input) : p.text
    }
    return parts.map((p) => ("input" in p ? String(inputAt(inputs, p.input)) : p.text)).join("")
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplates(v, inputs))
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplates(v, inputs)]))
  return value
}
