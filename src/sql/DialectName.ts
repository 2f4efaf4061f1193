/**
 * The name of a SQL dialect: the one place the three names are written outside src/dialects.
 *
 * @since 0.1.0
 */

/** A SQL dialect's name. */
export type DialectName = "postgres" | "mysql" | "sqlite"
