/**
 * The names of the databases a layer can be: the SQL dialects and MongoDB. Errors carry one.
 *
 * @since 0.1.0
 */
import type { DialectName } from "./sql/DialectName.js"

/** A database family's dialect name: one of the SQL dialects' names, or "mongodb". */
export type DatabaseName = DialectName | "mongodb"
