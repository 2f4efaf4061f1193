/** Contender names, in a module without dependencies (a contender that fails to load keeps its name). */
export const names = {
  pgPrepared: "pg (named prepared)",
  pgArrays: "pg (named prepared, array rows)",
  pgCopy: "pg COPY",
  pgUnnest: "pg unnest",
  postgresJs: "postgres.js (prepared)",
  mysqlExecute: "mysql2 execute (prepared)",
  mysqlQuery: "mysql2 query (multi-row)",
  sqlitePrepared: "better-sqlite3 (prepared)",
  sqliteArrays: "better-sqlite3 (prepared, raw rows)",
  effectSql: "@effect/sql (plain)",
  drizzle: "drizzle 0.45",
  drizzlePrepared: "drizzle 0.45 (.prepare())",
  kysely: "kysely 0.28",
  prisma: "prisma 7"
} as const
