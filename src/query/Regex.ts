/**
 * `$regex` patterns: the portable subset every database runs with one meaning.
 *
 * PostgreSQL (ARE), MariaDB/MySQL (PCRE2 with UCP) and SQLite (our JavaScript `regexp` function)
 * disagree on `.` and newlines, on `$` before a final newline, on whether `\w`, `\d` and `\s` match
 * non-ASCII characters, and `\b` is a backspace on PostgreSQL but a word boundary elsewhere. A
 * pattern is therefore parsed here and rewritten into a form all three read alike:
 *
 * - literals (any character; `\t \n \r \f \v \xHH \uHHHH \u{H…}` and escaped punctuation), `^`, `$`
 *   (the very end of the value, never before a final newline), `.` (any character, newlines included),
 *   `\d \w \s` and their negations (ASCII only: `[0-9]`, `[A-Za-z0-9_]`, space/tab/newline/CR/FF/VT),
 *   bracket classes with ranges (code point order) and negation, groups `(…)` `(?:…)`, lookahead
 *   `(?=…)` `(?!…)`, alternation, and the quantifiers `* + ? {n} {n,} {n,m}` (m ≤ 255), lazy or not;
 * - everything else — backreferences, lookbehind, named groups, `\b`, `\p{…}`, POSIX classes,
 *   inline flags — is refused, with a reason that names the construct, never the pattern.
 *
 * Matching is case-sensitive and unanchored (use `^` and `$`).
 *
 * @since 0.1.0
 */

/** Why a pattern was refused. */
export class RegexError extends Error {}

const nl = "\n\r\u0085\u2028\u2029"
// `.` of JavaScript (without the s flag) and of PCRE skips line terminators; PostgreSQL's matches all
const anyChar = `(?:.|[${nl}])`
const endOfValue = `(?!${anyChar})`
const classes = { d: "0-9", w: "A-Za-z0-9_", s: " \t\n\r\f\u000b" } as const
const syntax = new Set([..."^$\\.*+?()[]{}|"])
const classSpecial = new Set([..."\\]^-["])
const maxRepeat = 255

const lit = (c: string) => (syntax.has(c) ? `\\${c}` : c)
const classLit = (c: string) => (classSpecial.has(c) ? `\\${c}` : c)

const fail = (reason: string): never => {
  throw new RegexError(reason)
}

/** A recursive-descent parser of one pattern; `parse` returns the portable form or throws RegexError. */
class Parser {
  constructor(private readonly cs: ReadonlyArray<string>) {}
  private i = 0
  private peek = () => this.cs[this.i]
  private hex = (n: number): number => {
    const h = this.cs.slice(this.i, this.i + n).join("")
    if (h.length !== n || !/^[0-9A-Fa-f]+$/.test(h)) fail("has a malformed \\x or \\u escape")
    this.i += n
    return parseInt(h, 16)
  }
  /** After a backslash: one literal character, or a class name (d, w, s, D, W, S). */
  private readEscape = (): { char: string } | { cls: "d" | "w" | "s"; negated: boolean } => {
    const c = this.cs[this.i++]
    if (c === undefined) return fail("ends with a lone backslash")
    switch (c) {
      case "d":
      case "w":
      case "s":
        return { cls: c, negated: false }
      case "D":
      case "W":
      case "S":
        return { cls: c.toLowerCase() as "d" | "w" | "s", negated: true }
      case "t":
        return { char: "\t" }
      case "n":
        return { char: "\n" }
      case "r":
        return { char: "\r" }
      case "f":
        return { char: "\f" }
      case "v":
        return { char: "\u000b" }
      case "x":
        return { char: this.checkChar(String.fromCodePoint(this.hex(2))) }
      case "u": {
        if (this.peek() === "{") {
          const close = this.cs.indexOf("}", this.i)
          const h = close === -1 ? "" : this.cs.slice(this.i + 1, close).join("")
          if (!/^[0-9A-Fa-f]{1,6}$/.test(h) || parseInt(h, 16) > 0x10ffff) fail("has a malformed \\u{…} escape")
          this.i = close + 1
          return { char: this.checkChar(String.fromCodePoint(parseInt(h, 16))) }
        }
        let code = this.hex(4)
        if (code >= 0xd800 && code <= 0xdbff && this.cs[this.i] === "\\" && this.cs[this.i + 1] === "u") {
          const save = this.i
          this.i += 2
          const low = this.hex(4)
          if (low >= 0xdc00 && low <= 0xdfff) code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
          else this.i = save
        }
        if (code >= 0xd800 && code <= 0xdfff) fail("has an escape for a lone surrogate")
        return { char: this.checkChar(String.fromCodePoint(code)) }
      }
      case "b":
      case "B":
        return fail("uses \\b or \\B, which PostgreSQL reads differently; not supported")
      case "p":
      case "P":
        return fail("uses Unicode property escapes (\\p), which are not portable")
      case "k":
        return fail("uses a named backreference, which is not portable")
    }
    if (/[0-9]/.test(c)) return fail("uses a backreference or \\0, which is not portable")
    if (!/[A-Za-z]/.test(c)) return { char: this.checkChar(c) }
    return fail(`uses the unknown escape \\${c}`)
  }
  private checkChar = (c: string): string =>
    c === "\u0000" ? fail("contains U+0000, which PostgreSQL cannot store") : c

  private bracket = (): string => {
    // after "["
    let negated = false
    if (this.peek() === "^") {
      negated = true
      this.i++
    }
    const parts: Array<string> = []
    let members = 0
    for (;;) {
      const c = this.cs[this.i]
      if (c === undefined) return fail("has an unterminated character class")
      if (c === "]") {
        this.i++
        break
      }
      let atom: { char: string } | { cls: "d" | "w" | "s"; negated: boolean }
      this.i++
      if (c === "\\") atom = this.readEscape()
      else if (c === "[") atom = { char: "[" }
      else atom = { char: this.checkChar(c) }
      if ("cls" in atom) {
        if (atom.negated) fail("uses \\D, \\W or \\S inside a character class, which is not portable")
        parts.push(classes[atom.cls])
        members++
        continue
      }
      // a range needs a character on both sides and a "-" that is not last
      if (this.peek() === "-" && this.cs[this.i + 1] !== undefined && this.cs[this.i + 1] !== "]") {
        this.i++
        const d = this.cs[this.i++]!
        const hi = d === "\\" ? this.readEscape() : { char: this.checkChar(d) }
        if ("cls" in hi) return fail("uses a class escape as a range end")
        if (hi.char.codePointAt(0)! < atom.char.codePointAt(0)!) fail("has a character range out of order")
        parts.push(`${classLit(atom.char)}-${classLit(hi.char)}`)
      } else {
        parts.push(classLit(atom.char))
      }
      members++
    }
    if (members === 0) fail("has an empty character class")
    return `[${negated ? "^" : ""}${parts.join("")}]`
  }

  private quantifier = (): string | undefined => {
    const c = this.peek()
    let q: string
    if (c === "*" || c === "+" || c === "?") {
      this.i++
      q = c
    } else if (c === "{") {
      const m = /^\{(\d{1,3})(?:(,)(\d{1,3})?)?\}/.exec(this.cs.slice(this.i, this.i + 10).join(""))
      if (m === null) return fail("has a '{' that is not a quantifier {n}, {n,} or {n,m}; escape it")
      const lo = Number(m[1])
      const hi = m[3] !== undefined ? Number(m[3]) : undefined
      if (lo > maxRepeat || (hi !== undefined && (hi > maxRepeat || hi < lo))) {
        fail(`has a repetition count above ${maxRepeat} or out of order`)
      }
      this.i += m[0].length
      q = m[0]
    } else {
      return undefined
    }
    if (this.peek() === "?") {
      this.i++
      q += "?"
    }
    const after = this.peek()
    if (after === "*" || after === "+" || after === "?" || after === "{") fail("has a quantifier that follows another")
    return q
  }

  // a repeated group made only of repeated or optional parts ((a+)+, (a*b?)*, (\w+\s?)*) can
  // backtrack exponentially; SQLite would run it synchronously in the process and MariaDB silently
  // gives up: refuse it everywhere. A group with a part that must match once ((\.[a-z]+)*) is fine.
  // `ambiguous`: the group holds, at any depth, an alternation whose branches may start alike — each
  // repetition of the group then has two ways to match, whatever else it must match ((x(a|a))*)
  private repeats: Array<{ repeats: boolean; mandatory: boolean; ambiguous: boolean }> = [
    { repeats: false, mandatory: false, ambiguous: false }
  ]
  private isRepeat = (q: string) => !/^(?:\?|\{(\d+)\}|\{0,1\}|\{1\})\??$/.test(q) && q !== "{0}" && q !== "{1}"

  // the first character each branch of the innermost alternation starts with ("" when it is not a
  // plain literal): a repeated alternation whose branches may start alike ((a|a)*, (\w|\d)+)
  // backtracks exponentially too
  private branchStarts: Array<string> = []
  private alternation = (depth: number): string => {
    if (depth > 32) fail("nests groups deeper than 32")
    const starts: Array<string> = []
    const branch = () => {
      const before = this.i
      const text = this.sequence(depth)
      const c = this.cs[before]
      starts.push(c !== undefined && !syntax.has(c) ? c : "")
      return text
    }
    const branches: Array<string> = [branch()]
    while (this.peek() === "|") {
      this.i++
      branches.push(branch())
    }
    this.branchStarts = starts
    return branches.join("|")
  }
  private ambiguous = (starts: ReadonlyArray<string>) =>
    starts.length > 1 && (starts.includes("") || new Set(starts).size < starts.length)

  /** After "(": the group, whether it may be quantified, and whether repeating it could backtrack exponentially. */
  private group = (depth: number) => {
    let open = "(?:"
    let quantifiable = true
    if (this.peek() === "?") {
      const kind = this.cs[this.i + 1]
      if (kind === ":" || kind === "=" || kind === "!") {
        open = `(?${kind}`
        quantifiable = kind === ":"
        this.i += 2
      } else if (kind === "<") {
        fail("uses lookbehind or a named group, which is not portable")
      } else {
        fail("uses inline flags or another (? construct, which is not portable")
      }
    }
    this.repeats.push({ repeats: false, mandatory: false, ambiguous: false })
    const inner = this.alternation(depth + 1)
    const group = this.repeats.pop()!
    const innerAmbiguous = group.ambiguous || this.ambiguous(this.branchStarts)
    const innerRepeats = (group.repeats && !group.mandatory) || innerAmbiguous
    if (this.peek() !== ")") fail("has an unclosed group")
    this.i++
    return { atom: `${open}${inner})`, quantifiable, innerRepeats, innerAmbiguous }
  }

  private sequence = (depth: number): string => {
    let out = ""
    for (;;) {
      const c = this.peek()
      if (c === undefined || c === "|" || c === ")") return out
      this.i++
      let atom: string
      let quantifiable = true
      let innerRepeats = false
      let innerAmbiguous = false
      switch (c) {
        case "^":
          atom = "^"
          quantifiable = false
          break
        case "$":
          atom = endOfValue
          quantifiable = false
          break
        case ".":
          atom = anyChar
          break
        case "(": {
          const g = this.group(depth)
          ;({ atom, quantifiable, innerRepeats, innerAmbiguous } = g)
          break
        }
        case ")":
          return out
        case "[":
          atom = this.bracket()
          break
        case "\\": {
          const e = this.readEscape()
          if ("cls" in e) atom = `[${e.negated ? "^" : ""}${classes[e.cls]}]`
          else atom = lit(e.char)
          break
        }
        case "*":
        case "+":
        case "?":
        case "{":
          return fail("has a quantifier with nothing to repeat")
        case "]":
        case "}":
          return fail(`has an unescaped '${c}'`)
        default:
          atom = lit(this.checkChar(c))
      }
      const q = this.quantifier()
      if (q !== undefined && !quantifiable) fail("quantifies an anchor or a lookahead")
      const top = this.repeats[this.repeats.length - 1]!
      if (q !== undefined && this.isRepeat(q)) {
        if (innerRepeats)
          fail("repeats a group that can match the same text in more than one way, which can take exponential time")
        top.repeats = true
      } else if (quantifiable && (q === undefined || !/^\?|^\{0/.test(q))) {
        top.mandatory = true
      }
      if (innerRepeats) top.repeats = true
      if (innerAmbiguous) top.ambiguous = true
      out += q === undefined ? atom : `${atom}${q}`
    }
  }

  parse = (): string => {
    const out = this.alternation(0)
    if (this.i < this.cs.length) fail("has an unmatched ')'")
    // a last check that the translation is itself a valid pattern where it will run (SQLite)
    try {
      new RegExp(out, "u")
    } catch {
      fail("is not a valid regular expression")
    }
    return out
  }
}

/** Translates a pattern to its portable form, or throws RegexError. */
export const portableRegex = (pattern: string): string => new Parser(Array.from(pattern)).parse()
