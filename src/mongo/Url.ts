/**
 * MongoDB URLs (`mongodb://` and `mongodb+srv://`) and the driver options a layer's options become.
 *
 * The URL is checked here only for what the library needs (the scheme, at least one host, the
 * database name, well-formed percent-encoding); its query options (TLS, replica set, auth source,
 * …) are the driver's to read and check. A refusal is a `ValidationError` naming the part (`url`,
 * `poolSize`, …), never a value: the URL may hold a password. See docs/mongodb.md.
 *
 * ```ts
 * parseMongoUrl("mongodb://127.0.0.1:27017/app?replicaSet=rs0") // { srv: false, hosts: 1, database: "app" }
 * clientOptions({ poolSize: 5, connectTimeout: "2 seconds" }) // { maxPoolSize: 5, connectTimeoutMS: 2000, … }
 * ```
 *
 * @since 0.1.0
 */
import { Duration } from "effect"
import type { MongoClientOptions } from "mongodb"
import { ValidationError } from "../Errors.js"

/** What `parseMongoUrl` learned of a URL. */
export interface MongoUrl {
  /** `mongodb+srv://`: the host is a DNS SRV name (the driver looks the servers up, TLS on by default). */
  readonly srv: boolean
  /** How many hosts the URL names (a seed list). */
  readonly hosts: number
  /** The database the layer's collections live in (decoded). */
  readonly database: string
}

const invalid = (path: string, reason: string) => new ValidationError({ path, reason })

const decode = (text: string, part: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalid("url", `malformed percent-encoding in the ${part}`)
  }
}

// characters MongoDB refuses in a database name (docs: "Naming restrictions")
const badDatabaseChar = /[/\\. "$*<>:|?\0]/

/**
 * Checks a MongoDB URL; throws ValidationError (path `url`) when it is not `mongodb://` or
 * `mongodb+srv://`, names no host, an SRV URL names more than one host or a port, or names no
 * database (required: the layer's collections need one, and the driver's default "test" would
 * silently put them there).
 */
export const parseMongoUrl = (url: string): MongoUrl => {
  const scheme = /^(mongodb|mongodb\+srv):\/\//i.exec(url)
  if (scheme === null) throw invalid("url", "not a mongodb:// or mongodb+srv:// URL")
  const srv = scheme[1]!.toLowerCase() === "mongodb+srv"
  const rest = url.slice(scheme[0].length)
  const end = rest.search(/[/?]/)
  const authority = end === -1 ? rest : rest.slice(0, end)
  const at = authority.lastIndexOf("@")
  if (at !== -1) decode(authority.slice(0, at), "credentials")
  const hostList = authority.slice(at + 1)
  const hosts = hostList === "" ? [] : hostList.split(",")
  if (hosts.length === 0 || hosts.some((h) => h === "")) throw invalid("url", "names no host")
  if (srv && (hosts.length > 1 || /:\d*$/.test(hosts[0]!))) {
    throw invalid("url", "a mongodb+srv:// URL names exactly one host and no port")
  }
  const path = end === -1 || rest[end] === "?" ? "" : rest.slice(end + 1).split("?")[0]!
  const database = decode(path, "database name")
  if (database === "") {
    throw invalid("url", "names no database (e.g. mongodb://host:27017/app); the layer's collections need one")
  }
  if (badDatabaseChar.test(database) || database.length > 63) {
    throw invalid("url", 'the database name is not one MongoDB accepts (at most 63 characters, none of /\\. "$*<>:|?)')
  }
  return { srv, hosts: hosts.length, database }
}

/** The layer options the driver's client options come from (a subset of `LayerOptions`). */
export interface MongoPoolOptions {
  readonly poolSize?: number | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
}

const positiveInt = (value: number, path: string): number => {
  if (!Number.isInteger(value) || value < 1) throw invalid(path, "must be a positive integer")
  return value
}

const millis = (input: Duration.DurationInput, path: string): number => {
  const d = Duration.decodeUnknown(input)
  if (d._tag === "None" || !Duration.isFinite(d.value)) throw invalid(path, "must be a finite duration")
  return Math.round(Duration.toMillis(d.value))
}

/**
 * The `MongoClientOptions` of a layer: `poolSize` → maxPoolSize (default 10, as the SQL pools),
 * `connectTimeout` → connectTimeoutMS and serverSelectionTimeoutMS (default 10 s: how long to wait
 * for a usable server), `idleTimeout` → maxIdleTimeMS (default 60 s). Everything else (TLS,
 * credentials, replica set) comes from the URL. Throws ValidationError for a bad value.
 */
export const clientOptions = (options: MongoPoolOptions): MongoClientOptions => {
  const connect = millis(options.connectTimeout ?? "10 seconds", "connectTimeout")
  return {
    maxPoolSize: positiveInt(options.poolSize ?? 10, "poolSize"),
    connectTimeoutMS: connect,
    serverSelectionTimeoutMS: connect,
    maxIdleTimeMS: millis(options.idleTimeout ?? "60 seconds", "idleTimeout")
  }
}

/**
 * `statementTimeout` → the `maxTimeMS` every operation is sent with (the server stops it:
 * MaxTimeMSExpired → StatementTimeout); undefined when unset.
 */
export const maxTimeOf = (statementTimeout: Duration.DurationInput | undefined): number | undefined =>
  statementTimeout === undefined ? undefined : millis(statementTimeout, "statementTimeout")
