/**
 * `$regex` option `i` as a pattern every database reads alike: each ASCII letter outside a class
 * becomes `[aA]`, inside a class both cases (a letter range gains its other-case range). Non-ASCII
 * letters are not folded (docs/documents.md, "What differs").
 *
 * @since 0.1.0
 */

const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z"
const isUpper = (c: string | undefined) => c !== undefined && c >= "A" && c <= "Z"
const other = (c: string) => (isLower(c) ? c.toUpperCase() : c.toLowerCase())

/** Length of the escape starting at `i` (the backslash). */
const escapeLength = (cs: ReadonlyArray<string>, i: number): number => {
  const c = cs[i + 1]
  if (c === "x") return 4
  if (c === "u") {
    if (cs[i + 2] === "{") {
      const end = cs.indexOf("}", i + 3)
      return end < 0 ? cs.length - i : end - i + 1
    }
    return 6
  }
  return 2
}

/** The pattern matching ASCII letters in either case (the input is a valid portable pattern). */
export const foldCase = (pattern: string): string => {
  const cs = Array.from(pattern)
  let out = ""
  let inClass = false
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!
    if (c === "\\") {
      const n = escapeLength(cs, i)
      out += cs.slice(i, i + n).join("")
      i += n - 1
    } else if (inClass) {
      if (c === "]" && !(out.endsWith("[") || out.endsWith("[^"))) inClass = false
      const to = cs[i + 2]
      if ((isLower(c) || isUpper(c)) && cs[i + 1] === "-" && to !== undefined && to !== "]") {
        const same = (isLower(c) && isLower(to)) || (isUpper(c) && isUpper(to))
        out += same ? `${c}-${to}${other(c)}-${other(to)}` : `${c}-${to}`
        i += 2
      } else out += isLower(c) || isUpper(c) ? `${c}${other(c)}` : c
    } else if (c === "[") {
      inClass = true
      out += c
    } else out += isLower(c) || isUpper(c) ? `[${c}${other(c)}]` : c
  }
  return out
}
