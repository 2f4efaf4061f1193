/**
 * The text query language of `textSearch` and `hybridSearch`: a subset of web-search syntax, parsed
 * here into the backend contract's form (an OR of AND-groups of terms), so that every database sees
 * the same words whatever its own parser would have made of the text.
 *
 * - words: runs of Unicode letters and digits, lower-cased; any other character separates words.
 *   Words joined by punctuation alone (`e-mail`, `node.js`) make one phrase of their parts.
 * - `"a quoted phrase"`: its words in order (an unclosed quote runs to the end of the text).
 * - `or` (any case) between alternatives: `cat dog or bird` is (cat AND dog) OR bird.
 * - `-word` or `-"a phrase"` at the start of a term: records containing it are excluded.
 *
 * @example
 * parseTextQuery('red "running shoes" -cheap or boots')
 * // [[red], ["running shoes"], [-cheap]], [[boots]]
 *
 * @since 0.1.0
 */
import type { TextTerm } from "../backend/Backend.js"
import * as Errors from "../Errors.js"

/** Longest query text. */
export const maxTextLength = 1000
/** Most terms in one query. */
export const maxTextTerms = 64

const wordPattern = /[\p{L}\p{N}]+/gu
const space = /\s/u

/** The lower-cased words of a piece of text. */
export const wordsOf = (text: string): Array<string> => (text.match(wordPattern) ?? []).map((w) => w.toLowerCase())

const fail = (reason: string, model: string | undefined) =>
  new Errors.ValidationError(model === undefined ? { path: "text", reason } : { model, path: "text", reason })

type Token = { readonly or: true } | { readonly or: false; readonly term: TextTerm }

const termOf = (words: Array<string>, negated: boolean): TextTerm => ({ words, phrase: words.length > 1, negated })

/** The raw text → terms and `or` markers, in order. */
const tokenize = (text: string): Array<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  while (i < text.length) {
    if (space.test(text[i]!)) {
      i++
      continue
    }
    const negated = text[i] === "-" && i + 1 < text.length && !space.test(text[i + 1]!)
    if (negated) i++
    let piece: string
    let quoted = false
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1)
      const end = close === -1 ? text.length : close
      piece = text.slice(i + 1, end)
      quoted = true
      i = end + 1
    } else {
      const start = i
      while (i < text.length && !space.test(text[i]!) && text[i] !== '"') i++
      piece = text.slice(start, i)
    }
    const words = wordsOf(piece)
    if (words.length === 0) continue
    if (!quoted && !negated && words.length === 1 && piece.toLowerCase() === "or") tokens.push({ or: true })
    else tokens.push({ or: false, term: termOf(words, negated) })
  }
  return tokens
}

/**
 * Parses query text into an OR of AND-groups. Fails ValidationError (path "text", never quoting the
 * text) for text that is not a string, is longer than `maxTextLength`, has no word to search for,
 * has more than `maxTextTerms` terms, or has an alternative made only of excluded terms.
 */
export const parseTextQuery = (text: unknown, model?: string): ReadonlyArray<ReadonlyArray<TextTerm>> => {
  if (typeof text !== "string") throw fail("must be a string", model)
  if (text.length > maxTextLength) throw fail(`is longer than ${maxTextLength} characters`, model)
  const groups: Array<Array<TextTerm>> = [[]]
  let terms = 0
  for (const token of tokenize(text)) {
    if (token.or) {
      if (groups[groups.length - 1]!.length > 0) groups.push([])
      continue
    }
    groups[groups.length - 1]!.push(token.term)
    terms++
  }
  if (groups[groups.length - 1]!.length === 0) groups.pop()
  if (groups.length === 0) throw fail("has no word to search for", model)
  if (terms > maxTextTerms) throw fail(`has more than ${maxTextTerms} terms`, model)
  if (groups.some((g) => g.every((t) => t.negated))) {
    throw fail("has an alternative with only excluded terms (-word): it needs a word to search for", model)
  }
  return groups
}
