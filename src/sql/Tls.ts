/**
 * A URL's `sslmode` as the drivers' TLS options (node-postgres and mysql2 both take Node's).
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { ValidationError } from "../Errors.js"
import type { Tls } from "../Url.js"

/** Node TLS options for a mode: false for `disable`. Throws ValidationError when the CA file cannot be read. */
export const tlsOptions = (
  tls: Tls
):
  | false
  | {
      readonly rejectUnauthorized: boolean
      readonly ca?: string
      readonly verifyIdentity?: boolean
      readonly checkServerIdentity?: () => undefined
    } => {
  if (tls.mode === "disable") return false
  // require: encrypted, whoever answers (libpq's meaning)
  if (tls.mode === "require") return { rejectUnauthorized: false }
  let ca: string | undefined
  if (tls.caFile !== undefined) {
    try {
      ca = readFileSync(tls.caFile, "utf8")
    } catch {
      throw new ValidationError({ path: "url.sslrootcert", reason: "the CA file cannot be read" })
    }
  }
  const verifyCa = tls.mode === "verify-ca"
  return {
    rejectUnauthorized: true,
    ...(ca !== undefined ? { ca } : {}),
    // mysql2 checks the host name only when asked; node-postgres always unless told not to
    verifyIdentity: !verifyCa,
    ...(verifyCa ? { checkServerIdentity: () => undefined } : {})
  }
}
