/**
 * PostgreSQL's search index objects: pgvector HNSW / IVFFlat indexes with the operator class of
 * their distance, the GIN index over text search's one document expression (src/sql/TextDocument.ts),
 * how the catalog's answers read back as the same identity, and the pgvector extension itself.
 *
 * @since 0.1.0
 */
import type { SearchIndexStatements } from "../../migrations/SearchIndex.js"
import type { LiveSearchIndex } from "../../migrations/LiveSchema.js"
import type { Distance, VectorIndex } from "../../model/Search.js"
import { tsDocument } from "../../sql/TextDocument.js"

const opclasses: Record<Distance, string> = {
  cosine: "vector_cosine_ops",
  l2: "vector_l2_ops",
  innerProduct: "vector_ip_ops"
}

// pgvector's own defaults: an index made without WITH (…) has these
const defaults: Record<string, Record<string, number>> = {
  hnsw: { m: 16, ef_construction: 64 },
  ivfflat: { lists: 100 }
}

const parameters = (i: VectorIndex): Record<string, number> =>
  i.method === "hnsw" ? { m: i.m, ef_construction: i.efConstruction } : { lists: i.lists }

/** `embedding hnsw vector_cosine_ops ef_construction=64,m=16`: the same from a model and from the catalog. */
export const vectorIdentity = (
  column: string,
  method: string,
  opclass: string,
  options: Readonly<Record<string, number | string>>
): string => {
  const all = { ...defaults[method], ...options }
  const opts = Object.entries(all)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(",")
  return `${column} ${method} ${opclass} ${opts}`
}

/** `docs_fts_idx english title,body` */
export const textIdentity = (name: string, language: string, columns: ReadonlyArray<string>): string =>
  `${name} ${language} ${columns.join(",")}`

const unquote = (id: string) => (id.startsWith('"') ? id.slice(1, -1).replace(/""/g, '"') : id)

/** A live index definition (pg_get_indexdef) without its schema: the undo of dropping it, wherever the schema is. */
const withoutSchema = (def: string) => def.replace(/ ON (?:"(?:[^"]|"")*"|[^ ."]+)\.(?=\S)/, " ON ")

/** One row of the search index query (Introspect.ts) as a live search index. */
export const liveSearchIndex = (r: Record<string, unknown>): LiveSearchIndex => {
  const name = String(r["name"])
  const def = String(r["def"])
  if (r["method"] === "gin") {
    const language = /to_tsvector\('([^']+)'::regconfig/.exec(def)?.[1] ?? ""
    const columns = [
      ...def.matchAll(/COALESCE\(\(?("(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)\)?(?:::[a-z ]+)?, ''::[a-z ]+\)/g)
    ].map((m) => unquote(m[1]!))
    return { kind: "text", name, identity: textIdentity(name, language, columns), columns, sql: [withoutSchema(def)] }
  }
  const options = Object.fromEntries(
    String(r["options"] ?? "")
      .split(",")
      .filter((o) => o.includes("="))
      .map((o) => [o.slice(0, o.indexOf("=")), o.slice(o.indexOf("=") + 1)] as const)
  )
  const column = String(r["col"])
  return {
    kind: "vector",
    name,
    identity: vectorIdentity(column, String(r["method"]), String(r["opclass"]), options),
    columns: [column],
    sql: [withoutSchema(def)]
  }
}

/** Vector (HNSW / IVFFlat) and expression GIN indexes with to_tsvector, of the current schema's tables. */
export const searchIndexesSql = `SELECT t.relname AS table_name, i.relname AS name, am.amname AS method,
  pg_get_indexdef(i.oid) AS def, array_to_string(i.reloptions, ',') AS options,
  (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum = ix.indkey[0]) AS col,
  (SELECT o.opcname FROM pg_opclass o WHERE o.oid = ix.indclass[0]) AS opclass
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE n.nspname = current_schema() AND ix.indpred IS NULL AND (am.amname IN ('hnsw', 'ivfflat')
  OR (am.amname = 'gin' AND ix.indexprs IS NOT NULL AND pg_get_indexdef(i.oid) LIKE '%to_tsvector(%'))
ORDER BY t.relname, i.relname`

/** PostgreSQL's search index statements. */
export const postgresSearch = (quote: (id: string) => string): SearchIndexStatements => ({
  vector: (model, i) => {
    const params = parameters(i)
    const opclass = opclasses[i.distance]
    const withs = Object.entries(params)
      .map(([k, v]) => `${k} = ${v}`)
      .join(", ")
    return {
      name: i.name,
      identity: vectorIdentity(i.field.column, i.method, opclass, params),
      columns: [i.field.column],
      detail: `${i.method}, ${i.distance}, ${withs}`,
      up: [
        `CREATE INDEX ${quote(i.name)} ON ${quote(model.table)} USING ${i.method} (${quote(i.field.column)} ${opclass}) WITH (${withs})`
      ]
    }
  },
  text: (model, spec) => {
    const columns = spec.fields.map((f) => f.column)
    return {
      name: spec.name,
      identity: textIdentity(spec.name, spec.language, columns),
      columns,
      detail: `gin, ${spec.language}`,
      up: [`CREATE INDEX ${quote(spec.name)} ON ${quote(model.table)} USING gin (${tsDocument(quote, spec)})`]
    }
  },
  drop: (_table, live) => [`DROP INDEX ${quote(live.name)}`],
  refusal: () => undefined
})

/** pgvector: present, or creatable by this user, or how to install it. */
export const pgvectorExtension = {
  statusSql:
    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed, " +
    "(SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector' " +
    "AND n.nspname <> ALL (current_schemas(true))) AS off_path, " +
    "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available, " +
    "COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) " +
    "OR (EXISTS (SELECT 1 FROM pg_available_extension_versions WHERE name = 'vector' AND trusted) " +
    "AND has_database_privilege(current_database(), 'CREATE')) AS allowed",
  create: ["CREATE EXTENSION IF NOT EXISTS vector"],
  offPath: (schema: string) =>
    `vector columns need the pgvector extension, which is installed in schema ${JSON.stringify(schema)}, not on this ` +
    `connection's search_path: add it there (e.g. ?options=-c%20search_path%3Dyour_schema%2C${encodeURIComponent(schema)} in the URL, ` +
    `or ALTER ROLE … SET search_path)`,
  missing: (why: "unavailable" | "forbidden") =>
    (why === "unavailable"
      ? "vector columns need the pgvector extension, which is not installed on this PostgreSQL server: "
      : "vector columns need the pgvector extension, which this database lacks and this user may not create: ") +
    "install pgvector on the server (the package postgresql-15-pgvector, postgresql-<major>-pgvector for another " +
    "version, or build it from source: https://github.com/pgvector/pgvector#installation), then have a superuser " +
    "run CREATE EXTENSION vector in this database"
}
