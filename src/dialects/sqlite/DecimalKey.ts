/**
 * SQLite stores BigDecimal as TEXT. `df_decimal(text)` maps a decimal to a fixed-width string whose
 * byte order is the numeric order, so comparisons, ORDER BY and keyset cursors agree with NUMERIC
 * on PostgreSQL and DECIMAL on MySQL. Exact: no floating point on the way.
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"

const intWidth = 40
const fracWidth = 34

const complement = (digits: string) => digits.replace(/\d/g, (c) => String(9 - Number(c)))

/** The order-preserving key of a decimal's text, or null for NULL / text that is not a decimal. */
export const decimalSortKey = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  let text = typeof value === "string" ? value.trim() : String(value)
  if (/[eE]/.test(text)) {
    const parsed = BigDecimal.fromString(text)
    if (parsed._tag === "None") return null
    text = BigDecimal.format(parsed.value)
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (m === null) return null
  const int = (m[2] ?? "").replace(/^0+/, "")
  const frac = (m[3] ?? "").replace(/0+$/, "")
  if (int.length > intWidth || frac.length > fracWidth) return null
  const digits = int.padStart(intWidth, "0") + frac.padEnd(fracWidth, "0")
  const negative = m[1] === "-" && /[1-9]/.test(digits)
  // negatives first, and among them the larger magnitude first
  return negative ? `0${complement(digits)}` : `1${digits}`
}
