/**
 * SQLite stores BigDecimal as TEXT. `df_decimal(text)` maps a decimal to a string whose byte order
 * is the numeric order, so comparisons, ORDER BY and keyset cursors agree with NUMERIC on
 * PostgreSQL and DECIMAL on MySQL — for any number of digits, exactly (no floating point).
 *
 * Key of a positive value: "1", the count of integer digits (5 digits), the digits without leading
 * or trailing zeros. Negative: "0", the same parts with every digit complemented (9 - d), then ":"
 * (which sorts after every digit) so that a shorter magnitude sorts after a longer one.
 *
 * @since 0.1.0
 */
import { BigDecimal } from "effect"

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
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return null
  const int = (m[2] ?? "").replace(/^0+/, "")
  const frac = (m[3] ?? "").replace(/0+$/, "")
  if (int.length > 99_999) return null
  const body = String(int.length).padStart(5, "0") + int + frac
  const zero = int === "" && frac === ""
  return m[1] === "-" && !zero ? `0${complement(body)}:` : `1${body}`
}
