/**
 * The names of the databases a layer can be: the SQL dialects and MongoDB. Errors carry one.
 *
 * @since 0.1.0
 */
import type { DialectName } from "./sql/DialectName.js"

/** A database family's dialect name: "postgres", "mysql", "sqlite" or "mongodb". */
export type DatabaseName = DialectName | "mongodb"
