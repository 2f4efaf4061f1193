/**
 * node-postgres type parsers for values without a zone: `timestamp` (without time zone) is read as
 * UTC and `date` as midnight UTC, whatever the process's time zone (pg's own parsers use local time,
 * which moved every value by the zone's offset). We write dates as ISO-8601 UTC text, which
 * PostgreSQL stores in a `timestamp` column as that UTC wall-clock time: reads and writes agree.
 *
 * @since 0.1.0
 */
import type pg from "pg"

const timestamp = 1114
const timestamptz = 1184
const date = 1082

const dateRe = /^(\d{4})-(\d\d)-(\d\d)$/

/**
 * The `types` option of a pg Pool: pg's parsers (`types`, pg's own, passed in by src/dialects/postgres/Layer.ts
 * so that this module loads without the driver), but zone-less dates read as UTC.
 */
export const utcTypes = (types: typeof pg.types) => {
  const parseTimestamptz = types.getTypeParser(timestamptz, "text") as (text: string) => unknown
  /** `2020-01-02 03:04:05.678` → the same instant as `2020-01-02 03:04:05.678+00` (BC and infinity kept). */
  const parseTimestampUtc = (text: string): unknown =>
    parseTimestamptz(text.endsWith(" BC") ? `${text.slice(0, -3)}+00 BC` : `${text}+00`)
  const parseDate = types.getTypeParser(date, "text") as (text: string) => unknown
  /** `2020-01-02` → 2020-01-02T00:00:00.000Z (other forms, BC or infinity, as pg parses them). */
  const parseDateUtc = (text: string): unknown => {
    const m = dateRe.exec(text)
    if (m === null) return parseDate(text)
    const d = new Date(0)
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    return d
  }
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      format === "binary"
        ? types.getTypeParser(oid, format)
        : oid === timestamp
          ? parseTimestampUtc
          : oid === date
            ? parseDateUtc
            : types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser
  }
}
