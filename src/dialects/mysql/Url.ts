/**
 * `mysql://` and `mariadb://` URLs: a host is required, and TLS parameters as libpq names them.
 *
 * @since 0.1.0
 */
import { parseServer, type ServerUrl } from "../../Url.js"

const rules = {
  name: "mysql",
  parameters: ["sslmode", "ssl", "sslrootcert", "connectTimeout"],
  defaultPort: 3306,
  requireHost: true,
  // mysql2 gives TLS no server name for an IP address, and the certificate's names go unchecked
  verifyFullNeedsName: true
}

/** Throws ValidationError (src/Url.ts). */
export const parseMysqlUrl = (url: string): ServerUrl => {
  const { params: _, ...server } = parseServer(url, rules)
  return server
}
