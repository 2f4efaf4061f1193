/**
 * Every contender family but ours, opened lazily: a package that is missing or fails to load is
 * reported as "did not run: <reason>" under its contenders' names instead of stopping the bench.
 */
import type { DialectName } from "../config.js"
import type { Contender, ContenderFactory, Family } from "../contender.js"
import { names } from "./names.js"

type Open = (dialect: DialectName) => Promise<ReadonlyArray<Contender>>

const family = (
  kind: Family,
  only: DialectName | undefined,
  contenders: ReadonlyArray<string>,
  load: () => Promise<{ open: Open }>
): ContenderFactory => ({
  family: kind,
  names: (dialect) => (only === undefined || only === dialect ? contenders : []),
  open: async (dialect) => (only === undefined || only === dialect ? (await load()).open(dialect) : [])
})

const drizzleFor = (dialect: DialectName): Promise<{ open: Open }> =>
  dialect === "postgres"
    ? import("./drizzlePg.js")
    : dialect === "mysql"
      ? import("./drizzleMysql.js")
      : import("./drizzleSqlite.js")

export const factories: ReadonlyArray<ContenderFactory> = [
  family(
    "raw",
    "postgres",
    [names.pgPrepared, names.pgArrays, names.pgCopy, names.pgUnnest],
    () => import("./rawPostgres.js")
  ),
  family("raw", "postgres", [names.postgresJs], () => import("./postgresJs.js")),
  family("raw", "mysql", [names.mysqlExecute, names.mysqlQuery], () => import("./rawMysql.js")),
  family("raw", "sqlite", [names.sqlitePrepared, names.sqliteArrays], () => import("./rawSqlite.js")),
  family("effect-sql", undefined, [names.effectSql], () => import("./effectSql.js")),
  {
    family: "peer",
    names: () => [names.drizzle, names.drizzlePrepared],
    open: async (dialect) => (await drizzleFor(dialect)).open(dialect)
  },
  family("peer", undefined, [names.kysely], () => import("./kysely.js")),
  family("peer", undefined, [names.prisma], () => import("./prisma.js"))
]
