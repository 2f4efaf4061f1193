/**
 * Database URLs: which dialect, and the connection facts inside the URL.
 *
 * @since 0.1.0
 */
import { ValidationError } from "./Errors.js"

/** A parsed database URL. Never printed: it may hold a password. */
export type ParsedUrl =
  | { readonly dialect: "postgres"; readonly url: string }
  | {
    readonly dialect: "mysql"
    readonly host: string
    readonly port: number
    readonly database: string | undefined
    readonly user: string | undefined
    readonly password: string | undefined
  }
  | { readonly dialect: "sqlite"; readonly filename: string }
  | { readonly dialect: "mongodb"; readonly url: string }

/**
 * `postgres://` `postgresql://` `mysql://` `mariadb://` `sqlite:./file.db` `sqlite::memory:` `sqlite:///abs.db` `mongodb://`
 */
export const parseUrl = (url: string): ParsedUrl => {
  const scheme = /^([a-z][a-z0-9+]*):/i.exec(url)?.[1]?.toLowerCase()
  switch (scheme) {
    case "postgres":
    case "postgresql":
      return { dialect: "postgres", url }
    case "mysql":
    case "mariadb": {
      const u = new URL(url.replace(/^mariadb:/i, "mysql:"))
      return {
        dialect: "mysql",
        host: u.hostname || "127.0.0.1",
        port: u.port ? Number(u.port) : 3306,
        database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
        user: u.username ? decodeURIComponent(u.username) : undefined,
        password: u.password ? decodeURIComponent(u.password) : undefined
      }
    }
    case "sqlite": {
      const rest = url.slice("sqlite:".length)
      if (rest === ":memory:" || rest === "") return { dialect: "sqlite", filename: ":memory:" }
      return { dialect: "sqlite", filename: rest.startsWith("//") ? rest.slice(2) : rest }
    }
    case "mongodb":
    case "mongodb+srv":
      return { dialect: "mongodb", url }
  }
  throw new ValidationError({
    path: "url",
    reason: "unknown scheme; use postgres://, postgresql://, mysql://, mariadb://, sqlite:<file>, sqlite::memory: or mongodb://"
  })
}
