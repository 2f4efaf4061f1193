/**
 * Database URLs: the helpers every dialect's URL parser shares (src/dialects/<db>/Url.ts), and the
 * scheme of a URL (src/dialects/Registry.ts finds the dialect that owns it).
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

/** What any dialect's URL may set besides where to connect: read by the Database layer (src/Database.ts). */
export interface UrlSettings {
  /** `?connectTimeout=<milliseconds>`: the layer's `connectTimeout`, given in the URL instead. */
  readonly connectTimeoutMs?: number
}

/** Host, port, database and credentials of a server URL. */
export interface ServerUrl extends UrlSettings {
  readonly host: string
  readonly port: number
  readonly database: string | undefined
  readonly user: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
  readonly tls: Tls
}

/** What differs between the server dialects' URLs. */
export interface ServerRules {
  /** The dialect's name, in messages. */
  readonly name: string
  /** URL parameters the dialect accepts; any other is refused. */
  readonly parameters: ReadonlyArray<string>
  readonly defaultPort: number
  /** A URL without a host is refused (else it means 127.0.0.1). */
  readonly requireHost: boolean
  /** `sslmode=verify-full` with an IP address is refused (the driver cannot check the name). */
  readonly verifyFullNeedsName: boolean
}

const tlsModes = new Set(["disable", "require", "verify-ca", "verify-full"])

/** A ValidationError about part `path` of the URL (never its value). */
export const invalid = (path: string, reason: string) => new ValidationError({ path, reason })

const decode = (text: string, part: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalid("url", `malformed percent-encoding in the ${part}`)
  }
}

/** The URL's scheme, lower-cased (undefined when it has none). */
export const schemeOf = (url: string): string | undefined => /^([a-z][a-z0-9+]*):/i.exec(url)?.[1]?.toLowerCase()

const parseWhatwg = (url: string): URL => {
  try {
    // mysql: and mariadb: are not special schemes: WHATWG parses their authority all the same
    return new URL(url)
  } catch {
    // the TypeError of `new URL` carries the input (and so the password): never kept
    throw invalid(
      "url",
      "not a valid URL (check the host, the port and that special characters in the password are percent-encoded)"
    )
  }
}

/**
 * A URL's query parameters, each one of `rules.parameters` at most once; any other is refused by
 * its name (never its value).
 */
export const urlParameters = (
  search: URLSearchParams,
  rules: Pick<ServerRules, "name" | "parameters">
): ReadonlyMap<string, string> => {
  const params = new Map<string, string>()
  for (const [rawKey, value] of search) {
    if (!rules.parameters.includes(rawKey)) {
      // the name is shown only when it is a plain word: a mistyped URL could put a secret there
      const name = /^[A-Za-z_][A-Za-z0-9_-]{0,40}$/.test(rawKey) ? rawKey : "(unreadable)"
      throw invalid(
        `url.${name}`,
        `unknown URL parameter; ${rules.name} URLs accept ${rules.parameters.join(", ")} (other settings are Database.layer options)`
      )
    }
    if (params.has(rawKey)) throw invalid(`url.${rawKey}`, "given twice")
    params.set(rawKey, value)
  }
  return params
}

const tlsOf = (params: ReadonlyMap<string, string>): Tls => {
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
  return caFile !== undefined ? { mode, caFile } : { mode }
}

/** The largest `connectTimeout` a timer can hold (Node's setTimeout: 2^31 - 1 ms, about 24.8 days). */
const maxTimeoutMs = 2_147_483_647

/** `?connectTimeout=<milliseconds>` (a whole number), as mysql2 and MariaDB's connectors take it. */
export const connectTimeoutOf = (params: ReadonlyMap<string, string>): UrlSettings => {
  const text = params.get("connectTimeout")
  if (text === undefined) return {}
  const ms = /^\d{1,10}$/.test(text) ? Number(text) : NaN
  if (!(ms >= 1 && ms <= maxTimeoutMs)) {
    throw invalid("url.connectTimeout", `must be a whole number of milliseconds, 1 to ${maxTimeoutMs}`)
  }
  return { connectTimeoutMs: ms }
}

/** A server URL's parts and its parameters. Throws ValidationError (see the module comment). */
export const parseServer = (
  url: string,
  rules: ServerRules
): ServerUrl & { readonly params: ReadonlyMap<string, string> } => {
  const u = parseWhatwg(url)
  if (u.hostname === "" && rules.requireHost) throw invalid("url", "the URL has no host")
  const params = urlParameters(u.searchParams, rules)
  const tls = tlsOf(params)
  const host = u.hostname === "" ? "127.0.0.1" : u.hostname.replace(/^\[(.*)\]$/, "$1")
  if (rules.verifyFullNeedsName && tls.mode === "verify-full" && isIP(host) !== 0) {
    // the driver gives TLS no server name for an IP address, and the certificate's names go unchecked
    throw invalid(
      "url.sslmode",
      `verify-full on ${rules.name} needs the server's host name, not an IP address (or use verify-ca)`
    )
  }
  if (u.port !== "" && !/^\d+$/.test(u.port)) throw invalid("url", "the port is not a number")
  const password = u.password === "" ? undefined : Redacted.make(decode(u.password, "password"))
  return {
    host,
    port: u.port !== "" ? Number(u.port) : rules.defaultPort,
    database: u.pathname.length > 1 ? decode(u.pathname.slice(1), "database name") : undefined,
    user: u.username === "" ? undefined : decode(u.username, "user name"),
    password,
    tls,
    ...connectTimeoutOf(params),
    params
  }
}
