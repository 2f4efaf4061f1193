/**
 * The document hooks (src/documents/SqlHooks.ts) of a connected SQL dialect.
 *
 * @since 0.1.0
 */
import { makeMysqlDocuments } from "../dialects/mysql/Documents.js"
import { postgresDocuments } from "../dialects/postgres/Documents.js"
import { sqliteDocuments } from "../dialects/sqlite/Documents.js"
import type { Dialect } from "../sql/Dialect.js"
import type { DocumentHooks } from "./SqlHooks.js"

/** The dialect's document hooks; MySQL/MariaDB's use the binary NO PAD collation its tables get. */
export const documentHooksOf = (dialect: Dialect): DocumentHooks =>
  dialect.name === "postgres"
    ? postgresDocuments
    : dialect.name === "sqlite"
      ? sqliteDocuments
      : makeMysqlDocuments(/COLLATE=(\w+)/.exec(dialect.tableOptions)?.[1] ?? "utf8mb4_bin")
