/**
 * `sqlite:./file.db`, `sqlite:///abs.db`, `sqlite::memory:` (and `sqlite:`, in memory too).
 *
 * @since 0.1.0
 */

/** A parsed SQLite URL. */
export interface SqliteUrl {
  readonly filename: string
}

export const parseSqliteUrl = (url: string): SqliteUrl => {
  const rest = url.slice("sqlite:".length)
  if (rest === ":memory:" || rest === "") return { filename: ":memory:" }
  return { filename: rest.startsWith("//") ? rest.slice(2) : rest }
}
