/**
 * The text query language (src/query/TextQuery.ts): exact parses, refusals that never quote the
 * text, and the forms each database reads (web-search text for PostgreSQL, an FTS5 expression).
 */
import { describe, expect, it } from "vitest"
import type { TextTerm } from "../../src/backend/Backend.js"
import { toWebSearch } from "../../src/dialects/postgres/Text.js"
import { toFts5 } from "../../src/dialects/sqlite/Text.js"
import * as Errors from "../../src/Errors.js"
import { parseTextQuery } from "../../src/query/TextQuery.js"

const w = (...words: Array<string>): TextTerm => ({ words, phrase: words.length > 1, negated: false })
const not = (t: TextTerm): TextTerm => ({ ...t, negated: true })

const refusal = (text: unknown) => {
  try {
    parseTextQuery(text, "Doc")
  } catch (e) {
    expect(e).toBeInstanceOf(Errors.ValidationError)
    const v = e as Errors.ValidationError
    expect([v.model, v.path]).toEqual(["Doc", "text"])
    return v.reason
  }
  throw new Error("expected a refusal")
}

describe("parseTextQuery", () => {
  it("words are lower-cased and AND'ed in one group", () => {
    expect(parseTextQuery("Red  SHOES\tfast")).toEqual([[w("red"), w("shoes"), w("fast")]])
  })

  it("words are runs of Unicode letters and digits", () => {
    expect(parseTextQuery("Größe café 42 naïve日本")).toEqual([[w("größe"), w("café"), w("42"), w("naïve日本")]])
  })

  it("words joined by punctuation make a phrase of their parts; lone punctuation is nothing", () => {
    expect(parseTextQuery("e-mail node.js , ; !")).toEqual([[w("e", "mail"), w("node", "js")]])
    expect(parseTextQuery("(shoes)")).toEqual([[w("shoes")]])
  })

  it("quoted phrases keep their words in order; one quoted word is a word; an unclosed quote runs to the end", () => {
    expect(parseTextQuery('"running shoes" trail')).toEqual([[w("running", "shoes"), w("trail")]])
    expect(parseTextQuery('"Shoes"')).toEqual([[w("shoes")]])
    expect(parseTextQuery('trail "running, shoes')).toEqual([[w("trail"), w("running", "shoes")]])
    expect(parseTextQuery('a"b c"d')).toEqual([[w("a"), w("b", "c"), w("d")]])
  })

  it("or (any case) separates alternatives; stray or's are dropped", () => {
    expect(parseTextQuery("red shoes OR blue boots or Or sandals")).toEqual([
      [w("red"), w("shoes")],
      [w("blue"), w("boots")],
      [w("sandals")]
    ])
    expect(parseTextQuery("or shoes or")).toEqual([[w("shoes")]])
    // quoted, negated or glued to other words, it is a word
    expect(parseTextQuery('"or" order or-else')).toEqual([[w("or"), w("order"), w("or", "else")]])
  })

  it('-word and -"phrase" exclude; a dash inside a word or alone is a separator', () => {
    expect(parseTextQuery('shoes -trail -"running shoes"')).toEqual([
      [w("shoes"), not(w("trail")), not(w("running", "shoes"))]
    ])
    expect(parseTextQuery("shoes - trail")).toEqual([[w("shoes"), w("trail")]])
    expect(parseTextQuery("shoes -or")).toEqual([[w("shoes"), not(w("or"))]])
    expect(parseTextQuery("a -b or c")).toEqual([[w("a"), not(w("b"))], [w("c")]])
  })

  it("refuses, naming the problem and never the text", () => {
    expect(refusal("")).toBe("has no word to search for")
    expect(refusal("  ...  ")).toBe("has no word to search for")
    expect(refusal("or OR")).toBe("has no word to search for")
    expect(refusal('""')).toBe("has no word to search for")
    expect(refusal("-secret")).toContain("only excluded terms")
    expect(refusal("shoes or -secret")).toContain("only excluded terms")
    expect(refusal("secret ".repeat(65))).toBe("has more than 64 terms")
    expect(refusal("s".repeat(1001))).toBe("is longer than 1000 characters")
    expect(refusal(42)).toBe("must be a string")
    for (const text of ["-secret", "secret ".repeat(65)]) expect(refusal(text)).not.toContain("secret")
    // at the limits
    expect(parseTextQuery("w ".repeat(64))).toHaveLength(1)
    expect(parseTextQuery("s".repeat(1000))[0]).toEqual([w("s".repeat(1000))])
  })
})

describe("the forms the databases read", () => {
  const q = parseTextQuery('Red "running shoes" -trail -"mud track" or boots OR "or"')

  it("PostgreSQL: web-search text, every term quoted", () => {
    expect(toWebSearch(q)).toBe('"red" "running shoes" -"trail" -"mud track" or "boots" or "or"')
  })

  it("SQLite: an FTS5 expression, every token quoted, NOT after the positive terms", () => {
    expect(toFts5(q)).toBe('("red" AND "running shoes" NOT "trail" NOT "mud track") OR ("boots") OR ("or")')
  })
})
