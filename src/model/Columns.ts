/**
 * Field schemas that carry what an existing column keeps: `decimal(precision, scale)` for a
 * NUMERIC(p,s)/DECIMAL(p,s) column, `dateTime({ precision })` for a timestamp that keeps `precision`
 * fractional-second digits. A value the column would round is refused with ValidationError (naming
 * the field) before any SQL, never rounded. `dateOnly()` for a DATE column, which keeps only the
 * day: a Date that is not midnight UTC is refused the same way, never cut to its day.
 *
 * ```ts
 * const Invoice = DataFlow.model("Invoice", {
 *   id: Schema.Int,
 *   total: DataFlow.decimal(10, 2),                 // NUMERIC(10,2) / DECIMAL(10,2) / TEXT
 *   issuedAt: DataFlow.dateTime({ precision: 0 }),  // timestamptz(0) / DATETIME(0) / TEXT
 *   dueOn: DataFlow.dateOnly()                      // DATE (midnight UTC of the day)
 * }, { table: "invoice", timestamps: false })
 * ```
 *
 * @since 0.1.0
 */
import { BigDecimal, Schema, type SchemaAST as AST } from "effect"
import { ValidationError } from "../Errors.js"

/** The annotation `classify` reads into the Field's `precision`, `scale`, `fractionalDigits` and `dayOnly`. */
export const ColumnAnnotationId: unique symbol = Symbol.for("effect-dataflow/Column")

/** What a column keeps, as annotated by `decimal`, `dateTime` and `dateOnly`. */
export interface ColumnAnnotation {
  /** Decimal: total digits. */
  readonly precision?: number
  /** Decimal: digits after the point. */
  readonly scale?: number
  /** Date: fractional-second digits the column keeps (0–6). */
  readonly fractionalDigits?: number
  /** Date: the column keeps only the day (a DATE): `DataFlow.dateOnly()`, midnight UTC. */
  readonly dayOnly?: boolean
  /** Vector: the number of dimensions (`DataFlow.vector(n)`). */
  readonly dimensions?: number
}

/** The column annotation of a schema node, if any. */
export const getColumnAnnotation = (ast: AST.AST): ColumnAnnotation | undefined =>
  ast.annotations[ColumnAnnotationId] as ColumnAnnotation | undefined

const checkInteger = (what: string, n: number, min: number, max: number) => {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError({ path: what, reason: `must be an integer from ${min} to ${max}` })
  }
}

/** Whether a decimal fits NUMERIC(precision, scale) (trailing zeros of the fraction ignored). */
export const fitsDecimal = (value: BigDecimal.BigDecimal, precision: number, scale: number): boolean => {
  const d = BigDecimal.normalize(value)
  if (d.value === 0n) return true
  const digits = (d.value < 0n ? -d.value : d.value).toString().length
  return Math.max(0, d.scale) <= scale && Math.max(0, digits - d.scale) <= precision - scale
}

/** Whether a Date is midnight UTC: all of it a DATE column keeps. */
export const isDayOnly = (value: Date): boolean => value.getTime() % 86_400_000 === 0

/** Whether a Date's milliseconds fit `precision` fractional-second digits. */
export const fitsPrecision = (value: Date, precision: number): boolean =>
  precision >= 3 || value.getUTCMilliseconds() % 10 ** (3 - precision) === 0

/**
 * A BigDecimal field stored as NUMERIC(precision, scale) (PostgreSQL), DECIMAL(precision, scale)
 * (MySQL) or TEXT (SQLite). A value with more than `scale` digits after the point or more than
 * `precision - scale` before it is refused (ValidationError), never rounded. Precision 1–65 (MySQL's
 * limit), scale 0–30 and at most the precision.
 */
export const decimal = (precision: number, scale: number) => {
  checkInteger("decimal.precision", precision, 1, 65)
  checkInteger("decimal.scale", scale, 0, Math.min(30, precision))
  const annotation: ColumnAnnotation = { precision, scale }
  return Schema.BigDecimal.pipe(
    Schema.filter((value) => fitsDecimal(value, precision, scale), {
      message: () =>
        `must fit DECIMAL(${precision},${scale}): at most ${precision - scale} digits before the point and ${scale} after it ` +
        "(the column would round or refuse the rest)",
      [ColumnAnnotationId]: annotation
    })
  )
}

/**
 * A Date field whose column keeps `precision` fractional-second digits (0–6): TIMESTAMPTZ(n)
 * (PostgreSQL), DATETIME(n) (MySQL), ISO-8601 text (SQLite). A Date with milliseconds the column
 * cannot keep (any with `precision: 0`, 0.123 s with `precision: 2`) is refused (ValidationError),
 * never truncated. Default precision 3 (milliseconds, all a Date holds).
 */
export const dateTime = (options: { readonly precision?: number } = {}) => {
  const precision = options.precision ?? 3
  checkInteger("dateTime.precision", precision, 0, 6)
  const annotation: ColumnAnnotation = { fractionalDigits: precision }
  return Schema.Date.pipe(
    Schema.filter((value) => Number.isNaN(value.getTime()) || fitsPrecision(value, precision), {
      message: () =>
        `must have no more than ${precision} fractional-second digit${precision === 1 ? "" : "s"}, the column's precision ` +
        "(it would truncate or round the rest)",
      [ColumnAnnotationId]: annotation
    })
  )
}

/**
 * A Date field over a DATE column, which keeps only the day (PostgreSQL `date`, MySQL `DATE`): the
 * value is midnight UTC of that day, as a DATE reads on every database whatever the process's time
 * zone. A Date with a time of day (13:00 UTC, or local midnight away from UTC) is refused
 * (ValidationError naming the field), never cut to its day. Tables the library creates store it as
 * it stores any Date (TIMESTAMPTZ / DATETIME(6) / TEXT).
 */
export const dateOnly = () => {
  const annotation: ColumnAnnotation = { dayOnly: true }
  return Schema.Date.pipe(
    Schema.filter((value) => Number.isNaN(value.getTime()) || isDayOnly(value), {
      message: () => "must be midnight UTC of its day: the column keeps only the day (it would drop the time of day)",
      [ColumnAnnotationId]: annotation
    })
  )
}
