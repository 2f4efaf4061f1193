/**
 * `postgres://` and `postgresql://` URLs: libpq's TLS parameters, `options`, `application_name`
 * and `host` (a Unix socket directory).
 *
 * @since 0.1.0
 */
import { parseServer, type ServerUrl } from "../../Url.js"

/** A parsed PostgreSQL URL (the password Redacted). */
export interface PostgresUrl extends ServerUrl {
  readonly options?: string
  readonly applicationName?: string
}

const rules = {
  name: "postgres",
  parameters: ["sslmode", "ssl", "sslrootcert", "options", "application_name", "host", "connectTimeout"],
  defaultPort: 5432,
  requireHost: false,
  verifyFullNeedsName: false
}

/** Throws ValidationError (src/Url.ts). */
export const parsePostgresUrl = (url: string): PostgresUrl => {
  const { params, ...server } = parseServer(url, rules)
  const options = params.get("options")
  const applicationName = params.get("application_name")
  // `?host=/var/run/postgresql`: a Unix socket directory (or a host name), as libpq reads it
  const host = params.get("host")
  return {
    ...server,
    ...(host !== undefined && host !== "" ? { host } : {}),
    ...(options !== undefined ? { options } : {}),
    ...(applicationName !== undefined ? { applicationName } : {})
  }
}
