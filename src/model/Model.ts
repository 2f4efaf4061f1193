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
import { Either, Schema, SchemaAST as AST } from "effect"
import { ValidationError } from "../Errors.js"
import { assertIdentifier, checkStorable, classify, deletedAtField, type Field, timestampFields } from "./Field.js"
import { tableNameFor } from "./TableName.js"
import { makeValidator } from "./Validate.js"

/** Options of `DataFlow.model`. */
export interface ModelOptions<F extends Schema.Struct.Fields> {
  /** Table name; default: snake_case plural of the model name. */
  readonly table?: string
  /** Unique keys besides `id`, each a list of fields. */
  readonly unique?: ReadonlyArray<ReadonlyArray<Exclude<keyof F, "id"> & string>>
  /** Secondary indexes, each a list of fields. */
  readonly indexes?: ReadonlyArray<ReadonlyArray<keyof F & string>>
  /** Deletes set `deleted_at`; reads hide such rows unless `includeDeleted`. */
  readonly softDelete?: boolean
  /** Reserved for the multi-tenancy issue; `true` is refused until then. */
  readonly multiTenant?: boolean
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

type Simplify<A> = { [K in keyof A]: A[K] } & {}
type IdSchema<F> = F extends { readonly id: infer S } ? S : never

/** A model's stored record. */
export type Row<F extends Schema.Struct.Fields> = Simplify<Schema.Struct.Type<F> & Timestamps>
/** The type of `id`. */
export type Id<F extends Schema.Struct.Fields> = Schema.Schema.Type<IdSchema<F>>

type IdInput<F extends Schema.Struct.Fields> = IdSchema<F> extends typeof Schema.UUID ? { readonly id?: Id<F> }
  : Id<F> extends number ? { readonly id?: never }
  : { readonly id: Id<F> }

/**
 * Managed columns are never input. Declared `?: never` so that an object carrying them is refused
 * even when it is not a fresh literal (a record read back and passed to `update`), not only by the
 * excess-property check.
 */
type NoManaged = { readonly created_at?: never; readonly updated_at?: never; readonly deleted_at?: never }

/** What `create` accepts: the schema's fields; `id` required (string), optional (UUID) or absent (Int). */
export type CreateInput<F extends Schema.Struct.Fields> = Simplify<IdInput<F> & Schema.Struct.Type<Omit<F, "id">> & NoManaged>

/** What `update` may change: any schema field but `id`. */
export type UpdateFields<F extends Schema.Struct.Fields> = Simplify<
  Partial<Schema.Struct.Type<Omit<F, "id">>> & { readonly id?: never } & NoManaged
>

/** The runtime facts the compiler and nodes read. */
export interface ModelInfo {
  readonly name: string
  readonly table: string
  readonly idKind: IdKind
  /** The schema's fields, `id` first. */
  readonly fields: ReadonlyArray<Field>
  /** Every column: schema fields, then created_at, updated_at (and deleted_at). */
  readonly columns: ReadonlyArray<Field>
  readonly columnMap: ReadonlyMap<string, Field>
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  readonly softDelete: boolean
  /** Constraint and index names → the fields they cover (for naming violated keys). */
  readonly constraints: ReadonlyMap<string, ReadonlyArray<string>>
  readonly validateCreate: (input: unknown) => Either.Either<Record<string, unknown>, ValidationError>
  readonly validateUpdate: (input: unknown) => Either.Either<Record<string, unknown>, ValidationError>
}

const reserved = new Set(["created_at", "updated_at", "deleted_at"])

/** `users_email_key`, shortened with a hash past PostgreSQL's 63 characters. */
export const constraintName = (table: string, fields: ReadonlyArray<string>, suffix: "key" | "idx"): string => {
  const name = `${table}_${fields.join("_")}_${suffix}`
  if (name.length <= 63) return name
  let h = 0
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0
  return `${name.slice(0, 50)}_${(h >>> 0).toString(36)}_${suffix}`
}

/** Builds the runtime facts of a model; throws ValidationError for a definition we cannot store. */
export const describeModel = <F extends Schema.Struct.Fields>(
  name: string,
  schemaFields: F,
  options: ModelOptions<F>
): ModelInfo => {
  const bad = (path: string, reason: string) => new ValidationError({ model: name, path, reason })
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw bad("", "a model name is PascalCase letters and digits")
  const struct = Schema.Struct(schemaFields)
  const ast = AST.typeAST(struct.ast) as AST.TypeLiteral
  const fields: Array<Field> = []
  for (const ps of ast.propertySignatures) {
    const key = String(ps.name)
    assertIdentifier(key, "a field name")
    if (reserved.has(key)) throw bad(key, "is managed by effect-dataflow; remove it from the model")
    fields.push(classify(name, key, ps.type, ps.isOptional))
  }
  const id = fields.find((f) => f.name === "id")
  if (id === undefined) {
    const guess = fields.find((f) => /^(?:[a-z]+_?id|pk|key)$/i.test(f.name))
    throw bad(
      guess?.name ?? "id",
      `the primary key must be a field named \`id\`${guess ? ` — rename \`${guess.name}\` to \`id\`` : ""} ` +
        "(Schema.String: client-given, Schema.Int: auto-increment, Schema.UUID: generated when omitted)"
    )
  }
  if (id.optional || id.nullable) throw bad("id", "the primary key cannot be optional or nullable")
  const idKind: IdKind | undefined = id.kind === "string" ? "client" : id.kind === "int" ? "auto" : id.kind === "uuid" ? "uuid" : undefined
  if (idKind === undefined) throw bad("id", "the primary key must be Schema.String, Schema.Int or Schema.UUID")
  if (options.multiTenant === true) throw bad("", "multiTenant is not available yet")

  const table = options.table ?? tableNameFor(name)
  assertIdentifier(table, "a table name")
  const byName = new Map(fields.map((f) => [f.name, f] as const))
  const checkKeys = (what: string, keys: ReadonlyArray<ReadonlyArray<string>>) => {
    for (const key of keys) {
      if (key.length === 0) throw bad(what, "a key lists at least one field")
      for (const f of key) {
        const field = byName.get(f)
        if (field === undefined) throw bad(what, `${f.slice(0, 64)} is not a field of the model`)
        if (field.kind === "json" || field.kind === "bytes") throw bad(what, `${f} (${field.kind}) cannot be indexed`)
      }
    }
  }
  const unique = options.unique ?? []
  const indexes = options.indexes ?? []
  checkKeys("unique", unique)
  checkKeys("indexes", indexes)

  const keyed = new Set(["id", ...unique.flat(), ...indexes.flat()])
  const columns = [id, ...fields.filter((f) => f !== id), ...timestampFields, ...(options.softDelete ? [deletedAtField] : [])]
  const constraints = new Map<string, ReadonlyArray<string>>([
    [`${table}_pkey`, ["id"]],
    ["PRIMARY", ["id"]]
  ])
  for (const key of unique) constraints.set(constraintName(table, key, "key"), key)

  const idFields = idKind === "auto"
    ? {}
    : { id: idKind === "uuid" ? Schema.optional(schemaFields["id"] as Schema.Schema.Any) : schemaFields["id"] }
  const rest = Object.fromEntries(Object.entries(schemaFields).filter(([k]) => k !== "id"))
  const createSchema = Schema.typeSchema(Schema.Struct({ ...idFields, ...rest } as Schema.Struct.Fields))
  const updateSchema = Schema.typeSchema(Schema.partialWith(Schema.Struct(rest as Schema.Struct.Fields), { exact: true }))

  return {
    name,
    table,
    idKind,
    fields: columns.filter((f) => !f.managed),
    columns,
    columnMap: new Map(columns.map((f) => [f.name, f] as const)),
    unique,
    indexes,
    softDelete: options.softDelete === true,
    constraints,
    validateCreate: checkStorable(name, columns, keyed, makeValidator(name, createSchema as Schema.Schema<Record<string, unknown>, any, never>)),
    validateUpdate: checkStorable(name, columns, keyed, makeValidator(name, updateSchema as Schema.Schema<Record<string, unknown>, any, never>))
  }
}
