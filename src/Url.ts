/**
 * Database URLs: which dialect, and the connection facts inside the URL.
 *
 * A malformed URL, a bad percent-encoding, an unknown parameter or a bad parameter value fails with
 * a `ValidationError` that names the part (`url`, `url.sslmode`, …) but never a value: the URL may
 * hold a password, and the parsed password is kept `Redacted`.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { isIP } from "node:net"
import { ValidationError } from "./Errors.js"

/**
 * TLS as asked by `?sslmode=` (libpq's names): `disable` (plaintext), `require` (encrypted, the
 * certificate not checked), `verify-ca` (signed by the CA), `verify-full` (signed, and the host
 * name matches). `?ssl=true` means `require`. `sslrootcert` is a CA file path (PEM) for the
 * verifying modes; without it the system's CAs are used.
 */
export interface Tls {
  readonly mode: "disable" | "require" | "verify-ca" | "verify-full"
  readonly caFile?: string
}

/** Host, port, database and credentials of a server URL. */
export interface ServerUrl {
  readonly host: string
  readonly port: number
  readonly database: string | undefined
  readonly user: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
  readonly tls: Tls
}

/** A parsed database URL. Its password is Redacted: printing one shows `<redacted>`. */
export type ParsedUrl =
  | ({ readonly dialect: "postgres"; readonly options?: string; readonly applicationName?: string } & ServerUrl)
  | ({ readonly dialect: "mysql" } & ServerUrl)
  | { readonly dialect: "sqlite"; readonly filename: string }
  | { readonly dialect: "mongodb"; readonly url: string }

/** URL parameters each server dialect accepts; any other is refused. */
export const urlParameters = {
  postgres: ["sslmode", "ssl", "sslrootcert", "options", "application_name", "host"],
  mysql: ["sslmode", "ssl", "sslrootcert"]
} as const

const tlsModes = new Set(["disable", "require", "verify-ca", "verify-full"])

const invalid = (path: string, reason: string) => new ValidationError({ path, reason })

const decode = (text: string, part: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalid("url", `malformed percent-encoding in the ${part}`)
  }
}

const parseServer = (
  url: string,
  dialect: "postgres" | "mysql"
): ServerUrl & { readonly params: ReadonlyMap<string, string> } => {
  let u: URL
  try {
    // mysql: and mariadb: are not special schemes: WHATWG parses their authority all the same
    u = new URL(url)
  } catch {
    // the TypeError of `new URL` carries the input (and so the password): never kept
    throw invalid(
      "url",
      "not a valid URL (check the host, the port and that special characters in the password are percent-encoded)"
    )
  }
  if (u.hostname === "" && dialect === "mysql") throw invalid("url", "the URL has no host")
  const params = new Map<string, string>()
  const allowed: ReadonlyArray<string> = urlParameters[dialect]
  for (const [rawKey, value] of u.searchParams) {
    if (!allowed.includes(rawKey)) {
      // the name is shown only when it is a plain word: a mistyped URL could put a secret there
      const name = /^[A-Za-z_][A-Za-z0-9_-]{0,40}$/.test(rawKey) ? rawKey : "(unreadable)"
      throw invalid(
        `url.${name}`,
        `unknown URL parameter; ${dialect} URLs accept ${allowed.join(", ")} (other settings are Database.layer options)`
      )
    }
    if (params.has(rawKey)) throw invalid(`url.${rawKey}`, "given twice")
    params.set(rawKey, value)
  }
  let mode: Tls["mode"] = "disable"
  const sslmode = params.get("sslmode")
  const ssl = params.get("ssl")
  if (sslmode !== undefined && ssl !== undefined) throw invalid("url.ssl", "give sslmode or ssl, not both")
  if (sslmode !== undefined) {
    if (!tlsModes.has(sslmode)) {
      throw invalid(
        "url.sslmode",
        "must be disable, require, verify-ca or verify-full (prefer and allow could fall back to plaintext: refused)"
      )
    }
    mode = sslmode as Tls["mode"]
  } else if (ssl !== undefined) {
    if (ssl === "true" || ssl === "1") mode = "require"
    else if (ssl !== "false" && ssl !== "0") throw invalid("url.ssl", "must be true, false, 1 or 0")
  }
  const caFile = params.get("sslrootcert")
  if (caFile !== undefined && mode !== "verify-ca" && mode !== "verify-full") {
    throw invalid("url.sslrootcert", "a CA file needs sslmode=verify-ca or verify-full")
  }
  const host = u.hostname === "" ? "127.0.0.1" : u.hostname.replace(/^\[(.*)\]$/, "$1")
  if (dialect === "mysql" && mode === "verify-full" && isIP(host) !== 0) {
    // mysql2 gives TLS no server name for an IP address, and the certificate's names go unchecked
    throw invalid(
      "url.sslmode",
      "verify-full on MySQL needs the server's host name, not an IP address (or use verify-ca)"
    )
  }
  if (u.port !== "" && !/^\d+$/.test(u.port)) throw invalid("url", "the port is not a number")
  const password = u.password === "" ? undefined : Redacted.make(decode(u.password, "password"))
  return {
    host,
    port: u.port !== "" ? Number(u.port) : dialect === "postgres" ? 5432 : 3306,
    database: u.pathname.length > 1 ? decode(u.pathname.slice(1), "database name") : undefined,
    user: u.username === "" ? undefined : decode(u.username, "user name"),
    password,
    tls: caFile !== undefined ? { mode, caFile } : { mode },
    params
  }
}

/**
 * `postgres://` `postgresql://` `mysql://` `mariadb://` `sqlite:./file.db` `sqlite::memory:` `sqlite:///abs.db` `mongodb://`.
 * Throws ValidationError (see the module comment).
 */
export const parseUrl = (url: string): ParsedUrl => {
  const scheme = /^([a-z][a-z0-9+]*):/i.exec(url)?.[1]?.toLowerCase()
  switch (scheme) {
    case "postgres":
    case "postgresql": {
      const { params, ...server } = parseServer(url, "postgres")
      const options = params.get("options")
      const applicationName = params.get("application_name")
      // `?host=/var/run/postgresql`: a Unix socket directory (or a host name), as libpq reads it
      const host = params.get("host")
      return {
        dialect: "postgres",
        ...server,
        ...(host !== undefined && host !== "" ? { host } : {}),
        ...(options !== undefined ? { options } : {}),
        ...(applicationName !== undefined ? { applicationName } : {})
      }
    }
    case "mysql":
    case "mariadb": {
      const { params: _, ...server } = parseServer(url, "mysql")
      return { dialect: "mysql", ...server }
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
    reason:
      "unknown scheme; use postgres://, postgresql://, mysql://, mariadb://, sqlite:<file>, sqlite::memory: or mongodb://"
  })
}
