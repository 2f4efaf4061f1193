/**
 * The model's unique keys and indexes as `createIndex` specifications, with SQL's meaning:
 *
 * - A unique key is unique among the values that are not null: SQL's UNIQUE lets any number of rows
 *   hold NULL, while a MongoDB unique index counts null (and a missing field) as a value. So a unique
 *   key with an optional or nullable field is a partial index over documents where each such field
 *   has its stored type (`$type`, which partialFilterExpression accepts on every MongoDB since 3.2;
 *   `$ne: null`, `$not` and `$exists: false` are not accepted there).
 * - A soft-deleted record keeps its unique keys, as on SQL (the SQL tables have a plain UNIQUE, and
 *   an upsert brings the soft-deleted record holding the key back). `liveOnly` instead makes unique
 *   keys partial over live records (`deleted_at: { $type: "null" }`: every write stores deleted_at
 *   explicitly as null; equality to null is refused in partial filters by older servers, and
 *   `$exists: false` by all).
 * - The key is `_id` (unique already); a composite key's fields are `_id.<column>`.
 *
 * Names are deterministic: `df_<table>_<columns>_uniq` and `df_<table>_<columns>_idx`.
 *
 * ```ts
 * for (const spec of indexSpecs(Post.info)) await coll.createIndex(spec.key, { name: spec.name, unique: spec.unique, partialFilterExpression: spec.partialFilterExpression })
 * ```
 *
 * @since 0.1.0
 */
import type { Field, FieldKind } from "../model/Field.js"
import type { ModelInfo } from "../model/Model.js"
import { type Doc, pathOf } from "./Values.js"

/** One `createIndex` call: the key document and the options. */
export interface IndexSpec {
  readonly key: Record<string, 1>
  readonly name: string
  readonly unique?: true
  readonly partialFilterExpression?: Doc
}

/** The `$type` a field's non-null values are stored with (see src/mongo/Values.ts). */
export const storedType = (kind: FieldKind): string => {
  switch (kind) {
    case "int":
    case "number":
    case "bigint":
    case "decimal":
      // "number" covers int, long, double and decimal: a JS number is stored as int32 or double
      return "number"
    case "boolean":
      return "bool"
    case "date":
      return "date"
    case "bytes":
      return "binData"
    case "vector":
      return "array"
    case "json":
      return "object"
    default:
      return "string"
  }
}

const fieldsOf = (model: ModelInfo, names: ReadonlyArray<string>): Array<Field> =>
  names.map((n) => model.columnMap.get(n)!)

const nameOf = (model: ModelInfo, fields: ReadonlyArray<Field>, suffix: "uniq" | "idx") =>
  `df_${model.table}_${fields.map((f) => f.column).join("_")}_${suffix}`

/** The name of the unique index of a unique key (field names). */
export const uniqueIndexName = (model: ModelInfo, names: ReadonlyArray<string>): string =>
  nameOf(model, fieldsOf(model, names), "uniq")

const keyDoc = (model: ModelInfo, fields: ReadonlyArray<Field>): Record<string, 1> =>
  Object.fromEntries(fields.map((f) => [pathOf(model, f), 1 as const]))

/** Options of `indexSpecs`. */
export interface IndexOptions {
  /** Unique keys hold among live records only (soft-delete models); default false, as on SQL. */
  readonly liveOnly?: boolean
}

/** The unique indexes, then the indexes, of a model. */
export const indexSpecs = (model: ModelInfo, options: IndexOptions = {}): Array<IndexSpec> => {
  const unique = model.unique.map((names): IndexSpec => {
    const fields = fieldsOf(model, names)
    const partial: Doc = {}
    for (const f of fields) if (f.optional || f.nullable) partial[pathOf(model, f)] = { $type: storedType(f.kind) }
    if (options.liveOnly === true && model.deletedAt) partial[model.deletedAt.column] = { $type: "null" }
    return {
      key: keyDoc(model, fields),
      name: nameOf(model, fields, "uniq"),
      unique: true,
      ...(Object.keys(partial).length > 0 ? { partialFilterExpression: partial } : {})
    }
  })
  const plain = model.indexes.map((names): IndexSpec => {
    const fields = fieldsOf(model, names)
    return { key: keyDoc(model, fields), name: nameOf(model, fields, "idx") }
  })
  return [...unique, ...plain]
}

/**
 * The fields of the unique index named `name` (`_id_` is the key), or undefined for an index the
 * model does not declare. Default-named indexes (`email_1_org_-1`) are read by their columns.
 */
export const fieldsOfIndex = (model: ModelInfo, name: string): ReadonlyArray<string> | undefined => {
  if (name === "_id_") return model.key.map((f) => f.name)
  for (const names of model.unique) if (uniqueIndexName(model, names) === name) return names
  const parts = name.split("_")
  const columns: Array<string> = []
  for (let i = 0; i < parts.length; i++) {
    let column = parts[i]!
    while (i + 1 < parts.length && !/^-?1$/.test(parts[i + 1]!)) column += `_${parts[++i]}`
    if (i + 1 >= parts.length) return undefined
    i++
    columns.push(column)
  }
  const fields = columns.map((c) => fieldOfPath(model, c))
  return fields.every((f) => f !== undefined) ? (fields as Array<string>) : undefined
}

/** The field stored at a document path (`_id`, `_id.<column>`, `<column>`), by name. */
export const fieldOfPath = (model: ModelInfo, path: string): string | undefined => {
  if (path === "_id" && model.key.length === 1) return model.key[0]!.name
  return model.columns.find((f) => pathOf(model, f) === path)?.name
}
