/**
 * SQLite's search index objects: a sqlite-vec `vec0` table per indexed vector field and an FTS5
 * table for text search, each keyed by the model's single key column (never rowid: VACUUM may
 * renumber rowids) and kept in sync by AFTER INSERT / UPDATE OF / DELETE triggers on the table
 * (`<virtual table>_ai`, `_au`, `_ad`), filled from the existing rows when made. Their identity is
 * their DDL text, which sqlite_master keeps as written.
 *
 * @since 0.1.0
 */
import type { SearchIndexShape, SearchIndexStatements } from "../../migrations/SearchIndex.js"
import type { LiveSearchIndex } from "../../migrations/LiveSchema.js"
import type { ModelInfo } from "../../model/Model.js"
import { ftsTableName, vecTableName } from "../../model/Search.js"
import { ftsTokenizer } from "../../sql/TextDocument.js"
import * as T from "../../sql/migrations/CreateText.js"

type Quote = (id: string) => string

/** The sync triggers' name suffixes, in the order their statements are made. */
export const triggerSuffixes = ["_ai", "_au", "_ad"] as const

/**
 * The statements of a virtual table kept in sync with `table`: its CREATE, the three triggers, and
 * the backfill. `insert` copies one row (`NEW.` prefixes) and may end in a WHERE on the NEW row.
 */
const synced = (
  q: Quote,
  table: string,
  virtual: string,
  create: string,
  key: string,
  watched: ReadonlyArray<string>,
  insert: string
) => {
  const drop = `DELETE FROM ${q(virtual)} WHERE id = OLD.${q(key)}`
  const triggers = [
    `CREATE TRIGGER ${q(`${virtual}_ai`)} AFTER INSERT ON ${q(table)} BEGIN ${insert}; END`,
    `CREATE TRIGGER ${q(`${virtual}_au`)} AFTER UPDATE OF ${[...watched, key].map(q).join(", ")} ON ${q(table)} BEGIN ${drop}; ${insert}; END`,
    `CREATE TRIGGER ${q(`${virtual}_ad`)} AFTER DELETE ON ${q(table)} BEGIN ${drop}; END`
  ]
  return { identity: [create, ...triggers].join("\n"), up: [create, ...triggers, backfillOf(insert, q(table))] }
}

/** The insert trigger's copy of one row as a copy of every row: `NEW.` dropped, `FROM table` before its WHERE. */
export const backfillOf = (insert: string, quotedTable: string): string => {
  const plain = insert.replace(/\bNEW\./g, "")
  const where = plain.lastIndexOf(" WHERE ")
  return where === -1
    ? `${plain} FROM ${quotedTable}`
    : `${plain.slice(0, where)} FROM ${quotedTable}${plain.slice(where)}`
}

/** The insert statement inside a stored `_ai` trigger. */
export const insertOfTrigger = (trigger: string): string | undefined => /\bBEGIN (.*); END$/s.exec(trigger)?.[1]

const keyType = (model: ModelInfo) =>
  model.key[0]!.kind === "int" || model.key[0]!.kind === "bigint" ? "integer" : "text"

const vectorTable = (q: Quote, model: ModelInfo, index: Parameters<SearchIndexStatements["vector"]>[1]) => {
  const virtual = vecTableName(model.table, index.field)
  const key = model.key[0]!.column
  const col = q(index.field.column)
  const create =
    `CREATE VIRTUAL TABLE ${q(virtual)} USING vec0(id ${keyType(model)} primary key, ` +
    `embedding float[${index.field.dimensions}] distance_metric=${index.distance})`
  const insert = `INSERT INTO ${q(virtual)} (id, embedding) SELECT NEW.${q(key)}, NEW.${col} WHERE NEW.${col} IS NOT NULL`
  return { virtual, ...synced(q, model.table, virtual, create, key, [index.field.column], insert) }
}

/** Why SQLite cannot make the model's search tables, if it cannot. */
const refusal = (model: ModelInfo): { field?: string; reason: string } | undefined => {
  const declares = model.vectorIndexes.length > 0 || model.textSearch !== undefined
  if (declares && model.key.length !== 1) {
    return {
      reason:
        "SQLite keeps vector indexes (sqlite-vec vec0) and text search (FTS5) in tables keyed by the model's single " +
        "key column: a composite key cannot be indexed there; give the model a single key, or drop vectorIndexes / textSearch"
    }
  }
  const idField = model.textSearch?.fields.find((f) => f.column.toLowerCase() === "id")
  if (idField !== undefined) {
    return {
      field: idField.name,
      reason: "SQLite's FTS5 table keeps the key in its column id: a text search field cannot be a column named id"
    }
  }
  const fields = new Set<string>()
  for (const i of model.vectorIndexes) {
    if (i.distance === "innerProduct") {
      return {
        field: i.field.name,
        reason:
          `vector index ${i.name} (innerProduct) cannot be made on SQLite: sqlite-vec's vec0 has no inner-product ` +
          'metric; declare it with distance "cosine" or "l2", or search by innerProduct without an index'
      }
    }
    if (fields.has(i.field.name)) {
      return {
        field: i.field.name,
        reason: `SQLite serves one vector index per field (its vec0 table): ${i.name} is a second on ${i.field.name}`
      }
    }
    fields.add(i.field.name)
  }
  return undefined
}

/** SQLite's search index statements. */
export const sqliteSearch = (q: Quote): SearchIndexStatements => ({
  vector: (model, index): SearchIndexShape | undefined => {
    if (refusal(model) !== undefined) return undefined
    const { identity, up, virtual } = vectorTable(q, model, index)
    return { name: virtual, identity, columns: [index.field.column], detail: `vec0, ${index.distance}`, up }
  },
  text: (model, spec): SearchIndexShape | undefined => {
    if (refusal(model) !== undefined) return undefined
    const virtual = ftsTableName(model.table)
    const key = model.key[0]!.column
    const cols = spec.fields.map((f) => q(f.column))
    const create = `CREATE VIRTUAL TABLE ${q(virtual)} USING fts5(id UNINDEXED, ${cols.join(", ")}, tokenize='${ftsTokenizer(spec)}')`
    const insert = `INSERT INTO ${q(virtual)} (id, ${cols.join(", ")}) SELECT NEW.${q(key)}, ${cols.map((c) => `NEW.${c}`).join(", ")}`
    const made = synced(
      q,
      model.table,
      virtual,
      create,
      key,
      spec.fields.map((f) => f.column),
      insert
    )
    const columns = spec.fields.map((f) => f.column)
    return { name: virtual, identity: made.identity, columns, detail: `fts5, ${spec.language}`, up: made.up }
  },
  drop: (_table, live) => [
    ...triggerSuffixes.map((s) => `DROP TRIGGER IF EXISTS ${q(`${live.name}${s}`)}`),
    `DROP TABLE ${q(live.name)}`
  ],
  refusal
})

/**
 * A virtual table of `table` (`create` as stored) and the triggers stored for it, as a live search
 * index: vec0 tables named `<table>__vec_<column>`, the FTS5 table `<table>__fts`.
 */
export const liveSearchTable = (
  q: Quote,
  table: string,
  name: string,
  create: string,
  triggers: ReadonlyMap<string, string>
): LiveSearchIndex | undefined => {
  const vector = name.startsWith(`${table}__vec_`) && /\busing\s+vec0\s*\(/i.test(create)
  const text = name === `${table}__fts` && /\busing\s+fts5\s*\(/i.test(create)
  if (!vector && !text) return undefined
  const own = triggerSuffixes.flatMap((s) => triggers.get(`${name}${s}`) ?? [])
  const insert = insertOfTrigger(own[0] ?? "")
  const columns = vector
    ? [name.slice(`${table}__vec_`.length)]
    : T.definitions(create)
        .slice(1)
        .filter((d) => !/^tokenize\s*=/i.test(d))
        .map((d) => T.definedColumn(d) ?? d)
  return {
    kind: vector ? "vector" : "text",
    name,
    identity: [create, ...own].join("\n"),
    columns,
    sql: [create, ...own, ...(insert !== undefined ? [backfillOf(insert, q(table))] : [])],
    triggerSql: own
  }
}
