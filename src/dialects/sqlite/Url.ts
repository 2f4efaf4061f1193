/**
 * `sqlite:./file.db`, `sqlite:///abs.db`, `sqlite::memory:` (and `sqlite:`, in memory too). The
 * file name is percent-decoded as in any URL (`%20`, `%23` for `#`, `%3F` for `?`); the one URL
 * parameter is `connectTimeout`. Anything else — another parameter, a fragment, a bad
 * percent-encoding, a NUL character, `sqlite://` without a file — is refused with a
 * `ValidationError` (src/Url.ts) rather than opening a file of a surprising name.
 *
 * @since 0.1.0
 */
import { connectTimeoutOf, invalid, urlParameters, type UrlSettings } from "../../Url.js"

/** A parsed SQLite URL. */
export interface SqliteUrl extends UrlSettings {
  readonly filename: string
}

const rules = { name: "sqlite", parameters: ["connectTimeout"] }

const fileName = (text: string): string => {
  let name: string
  try {
    name = decodeURIComponent(text)
  } catch {
    throw invalid("url", "malformed percent-encoding in the file name")
  }
  if (name.includes("\0")) throw invalid("url", "a NUL character in the file name")
  return name
}

/** Throws ValidationError (the module comment says when). */
export const parseSqliteUrl = (url: string): SqliteUrl => {
  const rest = url.slice("sqlite:".length)
  if (rest.includes("#")) throw invalid("url", "a fragment (#) in a SQLite URL; write # in a file name as %23")
  const query = rest.indexOf("?")
  const path = query < 0 ? rest : rest.slice(0, query)
  const settings = query < 0 ? {} : connectTimeoutOf(urlParameters(new URLSearchParams(rest.slice(query + 1)), rules))
  if (path === ":memory:" || path === "") return { filename: ":memory:", ...settings }
  if (path === "//") {
    throw invalid("url", "no file name (sqlite:./file.db, sqlite:///absolute/file.db or sqlite::memory:)")
  }
  return { filename: fileName(path.startsWith("//") ? path.slice(2) : path), ...settings }
}
