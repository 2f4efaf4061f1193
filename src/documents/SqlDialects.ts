/**
 * The document hooks (src/documents/SqlHooks.ts) of a connected SQL dialect: its `documents` hooks
 * (src/dialects/<db>/Documents.ts; MySQL/MariaDB's use the binary NO PAD collation its tables get).
 *
 * @since 0.1.0
 */
import type { Dialect } from "../sql/Dialect.js"
import type { DocumentHooks } from "./SqlHooks.js"

/** The dialect's document hooks. */
export const documentHooksOf = (dialect: Dialect): DocumentHooks => dialect.documents.hooks
