/**
 * Discovery's inference (pure): sampled documents and a collection's indexes → the same
 * `ModelDescription` the SQL discover returns (src/migrations/Discover.ts), which `renderModels`
 * prints as TypeScript. Each top-level field's kind comes from the BSON types seen (string, int,
 * double, long, bool, date, decimal, binary; objects and arrays are JSON; several types mixed are
 * JSON, type "mixed"); a field present and not null in every sample is required, else optional.
 * The key is `_id` (reported under the model's column `id`; a composite `_id` object gives one key
 * column per sub-field). An ObjectId `_id` is a `problem`: a model's key is a string, an integer or
 * a UUID, and the library does not read ObjectIds as strings.
 *
 * @since 0.1.0
 */
import type { FieldKind } from "../model/Field.js"
import { type DiscoveredColumn, fieldNameFor, type ModelDescription, modelNameFor } from "../migrations/Discover.js"
import type { LiveIndex } from "./MigratePlan.js"
import type { Doc } from "./Values.js"

/** The BSON type name of a sampled value ("null" for null or absent). */
export const bsonTypeOf = (v: unknown): string => {
  if (v === null || v === undefined) return "null"
  if (typeof v === "string") return "string"
  if (typeof v === "boolean") return "bool"
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "double"
  if (typeof v === "bigint") return "long"
  if (v instanceof Date) return "date"
  if (Array.isArray(v)) return "array"
  if (v instanceof Uint8Array) return "binData"
  const tag = (v as { _bsontype?: string })._bsontype
  switch (tag) {
    case undefined:
      return "object"
    case "ObjectId":
    case "ObjectID":
      return "objectId"
    case "Int32":
      return "int"
    case "Double":
      return "double"
    case "Long":
      return "long"
    case "Decimal128":
      return "decimal"
    case "Binary":
      return "binData"
    default:
      return tag.toLowerCase()
  }
}

const kinds: Record<string, FieldKind> = {
  string: "string",
  int: "int",
  double: "number",
  long: "bigint",
  bool: "boolean",
  date: "date",
  decimal: "decimal",
  binData: "bytes",
  objectId: "string",
  object: "json",
  array: "json"
}

/** The column type and field kind of a set of BSON types seen (null excluded). */
export const kindOfTypes = (types: ReadonlySet<string>): { readonly type: string; readonly kind: FieldKind } => {
  const seen = [...types].filter((t) => t !== "null").sort()
  if (seen.length === 0) return { type: "null", kind: "json" }
  if (seen.length === 2 && seen[0] === "double" && seen[1] === "int") return { type: "double", kind: "number" }
  if (seen.length === 2 && seen[0] === "int" && seen[1] === "long") return { type: "long", kind: "bigint" }
  if (seen.length > 1) return { type: "mixed", kind: "json" }
  return { type: seen[0]!, kind: kinds[seen[0]!] ?? "json" }
}

const managedColumns = new Set(["created_at", "updated_at", "deleted_at"])

interface Seen {
  readonly types: Set<string>
  present: number
}

/** Every top-level field of the samples (first-seen order) with its types and how often it held a value. */
const survey = (docs: ReadonlyArray<Doc>, skip: string): Map<string, Seen> => {
  const fields = new Map<string, Seen>()
  for (const d of docs) {
    for (const [k, v] of Object.entries(d)) {
      if (k === skip) continue
      const s = fields.get(k) ?? { types: new Set<string>(), present: 0 }
      fields.set(k, s)
      s.types.add(bsonTypeOf(v))
      if (v !== null && v !== undefined) s.present++
    }
  }
  return fields
}

const column = (name: string, field: string, seen: Seen, total: number, primaryKey: boolean): DiscoveredColumn => {
  const { kind, type } = kindOfTypes(seen.types)
  return {
    name,
    field,
    type,
    kind,
    nullable: !primaryKey && seen.present < total,
    primaryKey,
    autoIncrement: false
  }
}

/** The key columns of the `_id`s, or why they cannot be a model's key. */
const keyColumns = (
  docs: ReadonlyArray<Doc>
): { readonly columns: ReadonlyArray<DiscoveredColumn>; readonly problem?: string } => {
  const ids = docs.map((d) => d["_id"])
  const types = new Set(ids.map(bsonTypeOf))
  if (types.size === 1 && types.has("object")) {
    const parts = survey(ids as Array<Doc>, "")
    const columns = [...parts].map(([k, s]) => column(k, fieldNameFor(k), s, docs.length, true))
    const bad = columns.find((c) => c.nullable || !["string", "int"].includes(c.kind) || c.type === "objectId")
    return bad === undefined
      ? { columns }
      : { columns, problem: `its _id.${bad.name} is ${bad.type}: a key is a string, an integer or a UUID` }
  }
  const key = column("id", "id", { types, present: docs.length }, docs.length, true)
  if (key.type === "objectId") {
    return {
      columns: [key],
      problem: "its _id values are ObjectIds: a model's key is a string, an integer or a UUID (store string ids)"
    }
  }
  return key.type === "string" || key.type === "int"
    ? { columns: [key] }
    : { columns: [key], problem: `its _id is ${key.type}: a key is a string, an integer or a UUID` }
}

/** The index keys as column names (`_id.x` → x), or undefined for a text, hashed or geo index. */
const indexColumns = (key: Doc): ReadonlyArray<string> | undefined => {
  const paths = Object.entries(key)
  if (paths.some(([, v]) => v !== 1 && v !== -1)) return undefined
  return paths.map(([p]) => (p.startsWith("_id.") ? p.slice(4) : p))
}

/** One collection described as a model, from up to 200 sampled documents and its indexes. */
export const describeCollection = (
  name: string,
  docs: ReadonlyArray<Doc>,
  indexes: ReadonlyArray<LiveIndex>
): ModelDescription => {
  const key = docs.length === 0 ? { columns: [], problem: "it holds no documents to sample" } : keyColumns(docs)
  const fields = [...survey(docs, "_id")].map(([k, s]) => column(k, fieldNameFor(k), s, docs.length, false))
  const columns = [...key.columns, ...fields]
  const names = new Set(columns.map((c) => c.name))
  const timestamps = names.has("created_at") && names.has("updated_at")
  const softDelete = names.has("deleted_at")
  const plain = columns.filter((c) => !managedColumns.has(c.name))
  const clash = plain.find((c, i) => plain.findIndex((o) => o.field === c.field) !== i)
  const keyed = (k: ReadonlyArray<string> | undefined): k is ReadonlyArray<string> =>
    k !== undefined && k.every((c) => names.has(c) && !managedColumns.has(c))
  const taken = new Set<string>()
  const distinct = (k: ReadonlyArray<string>) => !taken.has(k.join("\0")) && taken.add(k.join("\0")) !== undefined
  const ownIndexes = indexes.filter((i) => i.name !== "_id_")
  const unique = ownIndexes
    .filter((i) => i.unique === true)
    .map((i) => indexColumns(i.key))
    .filter(keyed)
    .filter(distinct)
  const plainIndexes = ownIndexes
    .filter((i) => i.unique !== true)
    .map((i) => indexColumns(i.key))
    .filter(keyed)
    .filter(distinct)
  const problem =
    key.problem ??
    (clash !== undefined
      ? `fields ${plain
          .filter((c) => c.field === clash.field)
          .map((c) => c.name)
          .join(" and ")} would both be field ${clash.field}`
      : undefined)
  return {
    name: modelNameFor(name),
    table: name,
    columns,
    primaryKey: key.columns.map((c) => c.name),
    autoIncrement: false,
    unique,
    indexes: plainIndexes,
    foreignKeys: [],
    softDelete,
    timestamps,
    ...(problem !== undefined ? { problem } : {})
  }
}
