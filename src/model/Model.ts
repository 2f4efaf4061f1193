/**
 * Models: an Effect Schema plus table facts, yielding the 11 operations as typed Effects.
 *
 * ```ts
 * const User = DataFlow.model("User", {
 *   id: Schema.String, name: Schema.String, email: Schema.String, age: Schema.optional(Schema.Int)
 * }, { unique: [["email"]] })
 * ```
 *
 * @since 0.1.0
 */
import { type Either, Schema, SchemaAST as AST } from "effect"
import { ValidationError } from "../Errors.js"
import { assertIdentifier, classify, deletedAtField, type Field, timestampField } from "./Field.js"
import { checkStorable } from "./Storable.js"
import { constraintName, tableNameFor } from "./TableName.js"
import {
  readTextSearch,
  readVectorIndexes,
  type TextSearchOption,
  type TextSearchSpec,
  type VectorIndex,
  type VectorIndexOption
} from "./Search.js"

export { constraintName } from "./TableName.js"
import { makeValidator } from "./Validate.js"

/** Options of `DataFlow.model`. */
export interface ModelOptions<F extends Schema.Struct.Fields> {
  /** Table name; default: snake_case plural of the model name. */
  readonly table?: string
  /** Unique keys besides the primary key, each a list of fields. */
  readonly unique?: ReadonlyArray<ReadonlyArray<Exclude<keyof F, "id"> & string>>
  /** Secondary indexes, each a list of fields. */
  readonly indexes?: ReadonlyArray<ReadonlyArray<keyof F & string>>
  /** Deletes set `deleted_at`; reads hide such rows unless `includeDeleted`. */
  readonly softDelete?: boolean
  /** Reserved for the multi-tenancy issue; `true` is refused until then. */
  readonly multiTenant?: boolean
  /**
   * Managed `created_at` / `updated_at`: `true` (default), `false` (the table has none: records
   * carry none), or the columns that hold them (`{ createdAt: "CreatedOn", updatedAt: "ModifiedOn" }`).
   */
  readonly timestamps?: boolean | { readonly createdAt: string; readonly updatedAt: string }
  /**
   * A primary key of several fields (an existing table's composite key). The model then has no
   * `id` field; `read`/`update`/`delete` take `{ id: { <key fields> } }`.
   */
  readonly primaryKey?: ReadonlyArray<keyof F & string>
  /**
   * Int ids: `true` (default) the database generates them; `false` the column has no generator
   * (an existing table's plain INT key): `create` takes the id.
   */
  readonly autoIncrement?: boolean
  /**
   * Vector indexes (docs/vector-search.md): `[{ field: "embedding", method: "hnsw", distance: "cosine" }]`.
   * Created and dropped by migrations like other indexes.
   */
  readonly vectorIndexes?: ReadonlyArray<VectorIndexOption<keyof F & string>>
  /** Full-text search over string fields (`Model.textSearch`, `Model.hybridSearch`). */
  readonly textSearch?: TextSearchOption<keyof F & string>
}

/** How `id` gets its value. */
export type IdKind = "client" | "auto" | "uuid"

/** Columns every record carries besides the schema's fields. */
export interface Timestamps {
  readonly created_at: Date
  readonly updated_at: Date
  /** Present on soft-delete models: when the row was deleted, or null. */
  readonly deleted_at?: Date | null
}

/** What a record of a `timestamps: false` model carries besides its fields. */
export interface NoTimestamps {
  /** Present on soft-delete models: when the row was deleted, or null. */
  readonly deleted_at?: Date | null
}

type Simplify<A> = { [K in keyof A]: A[K] } & {}
type IdSchema<F> = F extends { readonly id: infer S } ? S : never
type Composite<O> = O extends { readonly primaryKey: ReadonlyArray<infer K extends string> } ? K : never
type Stamps<O> = O extends { readonly timestamps: false } ? NoTimestamps : Timestamps

/** A model's stored record. */
export type Row<F extends Schema.Struct.Fields, O = {}> = Simplify<Schema.Struct.Type<F> & Stamps<O>>
/** The type of `id`: the key field's type, or an object of the key fields for a composite key. */
export type Id<F extends Schema.Struct.Fields, O = {}> = [Composite<O>] extends [never]
  ? Schema.Struct.Type<F> extends { readonly id: infer I }
    ? I
    : never
  : { readonly [K in Composite<O> & keyof Schema.Struct.Type<F>]: Schema.Struct.Type<F>[K] }
/** The names of the primary key's fields (`"id"` unless `primaryKey` says otherwise). */
export type KeyName<O> = [Composite<O>] extends [never] ? "id" : Composite<O>

type IdInput<F extends Schema.Struct.Fields, O> = [Composite<O>] extends [never]
  ? IdSchema<F> extends typeof Schema.UUID
    ? { readonly id?: Id<F, O> }
    : Id<F, O> extends number
      ? O extends { readonly autoIncrement: false }
        ? { readonly id: Id<F, O> }
        : { readonly id?: never }
      : { readonly id: Id<F, O> }
  : {}

/**
 * Managed columns are never input. Declared `?: never` so that an object carrying them is refused
 * even when it is not a fresh literal (a record read back and passed to `update`), not only by the
 * excess-property check.
 */
type NoManaged = { readonly created_at?: never; readonly updated_at?: never; readonly deleted_at?: never }

/** What `create` accepts: the schema's fields; `id` required (string), optional (UUID) or absent (Int). */
export type CreateInput<F extends Schema.Struct.Fields, O = {}> = Simplify<
  IdInput<F, O> & Schema.Struct.Type<Omit<F, "id">> & NoManaged
>

/** What `update` may change: any schema field but the key. */
export type UpdateFields<F extends Schema.Struct.Fields, O = {}> = Simplify<
  Partial<Schema.Struct.Type<Omit<F, "id" | Composite<O>>>> & { readonly id?: never } & NoManaged
>

/** The runtime facts the compiler and nodes read. */
export interface ModelInfo {
  readonly name: string
  readonly table: string
  readonly idKind: IdKind
  /** The primary key's fields (one field named `id`, or the fields of `primaryKey`). */
  readonly key: ReadonlyArray<Field>
  /** The schema's fields, the key first. */
  readonly fields: ReadonlyArray<Field>
  /** Every column: schema fields, then created_at, updated_at (unless `timestamps: false`) and deleted_at. */
  readonly columns: ReadonlyArray<Field>
  /** Fields and managed columns by record property name. */
  readonly columnMap: ReadonlyMap<string, Field>
  /** The managed columns this model has. */
  readonly createdAt: Field | undefined
  readonly updatedAt: Field | undefined
  readonly deletedAt: Field | undefined
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  readonly softDelete: boolean
  /** Declared vector indexes. */
  readonly vectorIndexes: ReadonlyArray<VectorIndex>
  /** Declared full-text search, if any. */
  readonly textSearch: TextSearchSpec | undefined
  /** Constraint and index names → the fields they cover (for naming violated keys). */
  readonly constraints: ReadonlyMap<string, ReadonlyArray<string>>
  readonly validateCreate: (input: unknown) => Either.Either<Record<string, unknown>, ValidationError>
  readonly validateUpdate: (input: unknown) => Either.Either<Record<string, unknown>, ValidationError>
}

const reserved = new Set(["created_at", "updated_at", "deleted_at"])

/** The column a struct field is stored in: its `Schema.fromKey` key, else its own name. */
const columnOfField = (key: string, value: unknown): string => {
  if (Schema.isPropertySignature(value)) {
    const ast = value.ast
    if (ast._tag === "PropertySignatureTransformation" && ast.from.fromKey !== undefined) {
      if (typeof ast.from.fromKey !== "string") {
        throw new ValidationError({ path: key, reason: "Schema.fromKey must name a column (a string)" })
      }
      return ast.from.fromKey
    }
  }
  return key
}

type Bad = (path: string, reason: string) => ValidationError

const keyFields = (
  bad: Bad,
  fields: ReadonlyArray<Field>,
  primaryKey: ReadonlyArray<string> | undefined,
  autoIncrement: boolean | undefined
): { key: ReadonlyArray<Field>; idKind: IdKind } => {
  const id = fields.find((f) => f.name === "id")
  if (primaryKey !== undefined) {
    if (id !== undefined)
      throw bad("id", "a model with `primaryKey` has no `id` field: name the key's fields in primaryKey")
    if (primaryKey.length < 2)
      throw bad(
        "primaryKey",
        "lists two or more fields; a one-field key is the field `id` (map its column with Schema.fromKey)"
      )
    const key = primaryKey.map((name) => {
      const f = fields.find((x) => x.name === name)
      if (f === undefined) throw bad("primaryKey", `${name.slice(0, 64)} is not a field of the model`)
      if (f.optional || f.nullable) throw bad(name, "a primary key field cannot be optional or nullable")
      if (f.kind === "json" || f.kind === "bytes" || f.kind === "vector") {
        throw bad(name, `${f.kind} cannot be part of a primary key`)
      }
      return f
    })
    if (new Set(primaryKey).size !== primaryKey.length) throw bad("primaryKey", "lists a field twice")
    return { key, idKind: "client" }
  }
  if (id === undefined) {
    const guess = fields.find((f) => /^(?:[a-z]+_?id|pk|key)$/i.test(f.name))
    throw bad(
      guess?.name ?? "id",
      `the primary key must be a field named \`id\`${guess ? ` — rename \`${guess.name}\` to \`id\` and keep its column with Schema.fromKey("${guess.column}")` : ""} ` +
        "(Schema.String: client-given, Schema.Int: auto-increment, Schema.UUID: generated when omitted), or list a composite key in `primaryKey`"
    )
  }
  if (id.optional || id.nullable) throw bad("id", "the primary key cannot be optional or nullable")
  const idKind: IdKind | undefined =
    id.kind === "string"
      ? "client"
      : id.kind === "int"
        ? autoIncrement === false
          ? "client"
          : "auto"
        : id.kind === "uuid"
          ? "uuid"
          : undefined
  if (idKind === undefined) throw bad("id", "the primary key must be Schema.String, Schema.Int or Schema.UUID")
  if (autoIncrement !== undefined && id.kind !== "int") throw bad("autoIncrement", "applies to Int ids only")
  return { key: [id], idKind }
}

const managedColumns = (bad: Bad, timestamps: ModelOptions<any>["timestamps"]): ReadonlyArray<Field> => {
  if (timestamps === false) return []
  if (timestamps === undefined || timestamps === true)
    return [timestampField("created_at"), timestampField("updated_at")]
  assertIdentifier(timestamps.createdAt, "timestamps.createdAt")
  assertIdentifier(timestamps.updatedAt, "timestamps.updatedAt")
  if (timestamps.createdAt === timestamps.updatedAt)
    throw bad("timestamps", "createdAt and updatedAt must be two columns")
  return [timestampField("created_at", timestamps.createdAt), timestampField("updated_at", timestamps.updatedAt)]
}

/** The model's fields, in the order written; throws for a name or type we cannot store. */
const readFields = (bad: Bad, name: string, schemaFields: Schema.Struct.Fields): Array<Field> => {
  const ast = AST.typeAST(Schema.Struct(schemaFields).ast) as AST.TypeLiteral
  const fields: Array<Field> = []
  for (const ps of ast.propertySignatures) {
    const key = String(ps.name)
    assertIdentifier(key, "a field name")
    if (reserved.has(key)) throw bad(key, "is managed by effect-dataflow; remove it from the model")
    const column = columnOfField(key, schemaFields[key])
    assertIdentifier(column, "a column name")
    fields.push(classify(name, key, ps.type, ps.isOptional, column))
  }
  return fields
}

/** Every key of `unique` / `indexes` lists known fields that can be indexed. */
const checkKeys = (
  bad: Bad,
  byName: ReadonlyMap<string, Field>,
  what: string,
  keys: ReadonlyArray<ReadonlyArray<string>>
) => {
  for (const k of keys) {
    if (k.length === 0) throw bad(what, "a key lists at least one field")
    for (const f of k) {
      const field = byName.get(f)
      if (field === undefined) throw bad(what, `${f.slice(0, 64)} is not a field of the model`)
      if (field.kind === "json" || field.kind === "bytes" || field.kind === "vector") {
        throw bad(
          what,
          `${f} (${field.kind}) cannot be indexed${field.kind === "vector" ? "; declare it in vectorIndexes" : ""}`
        )
      }
    }
  }
}

/** No two fields share a column (compared without case, as MySQL and SQLite do). */
const checkDistinctColumns = (bad: Bad, columns: ReadonlyArray<Field>) => {
  const seen = new Map<string, string>()
  for (const c of columns) {
    const other = seen.get(c.column.toLowerCase())
    if (other !== undefined) throw bad(c.name, `is stored in column ${c.column}, as ${other} is`)
    seen.set(c.column.toLowerCase(), c.name)
  }
}

/** Constraint names a driver may report, to the fields of their key. */
const constraintsOf = (
  table: string,
  keyNames: ReadonlyArray<string>,
  unique: ReadonlyArray<ReadonlyArray<string>>
) => {
  const constraints = new Map<string, ReadonlyArray<string>>([
    [`${table}_pkey`, keyNames],
    ["PRIMARY", keyNames]
  ])
  for (const k of unique) constraints.set(constraintName(table, k, "key"), k)
  return constraints
}

type RecordSchema = Schema.Schema<Record<string, unknown>, any, never>

/** The create input's and the update fields' Schemas (types only: values are already decoded). */
const inputSchemas = (schemaFields: Schema.Struct.Fields, idKind: IdKind, keyNames: ReadonlyArray<string>) => {
  const generated = idKind === "auto" ? ["id"] : []
  const inputFields = Object.fromEntries(
    Object.entries(schemaFields)
      .filter(([k]) => !generated.includes(k))
      .map(([k, v]) => [k, k === "id" && idKind === "uuid" ? Schema.optional(v as Schema.Schema.Any) : v])
  )
  const updatable = Object.fromEntries(Object.entries(schemaFields).filter(([k]) => !keyNames.includes(k)))
  return {
    create: Schema.typeSchema(Schema.Struct(inputFields as Schema.Struct.Fields)) as RecordSchema,
    update: Schema.typeSchema(
      Schema.partialWith(Schema.Struct(updatable as Schema.Struct.Fields), { exact: true })
    ) as RecordSchema
  }
}

/** Builds the runtime facts of a model; throws ValidationError for a definition we cannot store. */
export const describeModel = <F extends Schema.Struct.Fields>(
  name: string,
  schemaFields: F,
  options: ModelOptions<F>
): ModelInfo => {
  const bad: Bad = (path, reason) => new ValidationError({ model: name, path, reason })
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw bad("", "a model name is PascalCase letters and digits")
  const fields = readFields(bad, name, schemaFields)
  const { key, idKind } = keyFields(bad, fields, options.primaryKey, options.autoIncrement)
  if (options.multiTenant === true) throw bad("", "multiTenant is not available yet")

  const table = options.table ?? tableNameFor(name)
  assertIdentifier(table, "a table name")
  const byName = new Map(fields.map((f) => [f.name, f] as const))
  const unique = options.unique ?? []
  const indexes = options.indexes ?? []
  checkKeys(bad, byName, "unique", unique)
  checkKeys(bad, byName, "indexes", indexes)

  const managed = managedColumns(bad, options.timestamps)
  const deletedAt = options.softDelete ? deletedAtField : undefined
  const columns = [...key, ...fields.filter((f) => !key.includes(f)), ...managed, ...(deletedAt ? [deletedAt] : [])]
  checkDistinctColumns(bad, columns)
  const keyNames = key.map((f) => f.name)
  const keyed = new Set([...keyNames, ...unique.flat(), ...indexes.flat()])
  const schemas = inputSchemas(schemaFields, idKind, keyNames)

  return {
    name,
    table,
    idKind,
    key,
    fields: columns.filter((f) => !f.managed),
    columns,
    columnMap: new Map(columns.map((f) => [f.name, f] as const)),
    createdAt: managed[0],
    updatedAt: managed[1],
    deletedAt,
    unique,
    indexes,
    softDelete: options.softDelete === true,
    vectorIndexes: readVectorIndexes(bad, table, byName, options.vectorIndexes),
    textSearch: readTextSearch(bad, table, byName, options.textSearch),
    constraints: constraintsOf(table, keyNames, unique),
    validateCreate: checkStorable(name, columns, keyed, makeValidator(name, schemas.create)),
    validateUpdate: checkStorable(name, columns, keyed, makeValidator(name, schemas.update))
  }
}
