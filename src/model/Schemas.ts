/**
 * A model's Schemas, the way @effect/sql's `Model.Class` variants are: what an HTTP layer decodes
 * requests and encodes responses with.
 *
 * ```ts
 * const input = yield* Schema.decodeUnknown(User.schemas.create)(body)   // JSON → CreateInput
 * const user = yield* User.create(input)
 * return yield* Schema.encode(User.schemas.json)(user)                    // record → JSON
 * ```
 *
 * The JSON form writes a Date as an ISO string, a BigDecimal and a bigint as a decimal string and
 * bytes as base64; every other value (strings, numbers, booleans, literals, JSON fields) as itself.
 *
 * @since 0.1.0
 */
import { type BigDecimal, Schema, SchemaAST as AST } from "effect"
import type { FieldKind } from "./Field.js"
import type { CreateInput, ModelInfo, Row, UpdateFields } from "./Model.js"

/** A value's JSON form: dates as ISO strings, decimals and bigints as strings, bytes as base64. */
export type JsonValue<T> = T extends Date
  ? string
  : T extends BigDecimal.BigDecimal
    ? string
    : T extends bigint
      ? string
      : T extends Uint8Array
        ? string
        : T

/** An object's JSON form, property by property (optional properties stay optional). */
export type JsonOf<A> = { readonly [K in keyof A]: JsonValue<A[K]> }

/** A model's Schemas: each decodes from (and encodes to) the JSON form. */
export interface ModelSchemas<F extends Schema.Struct.Fields, O = {}> {
  /** The record as read (`Row`), values already decoded: validates a record. */
  readonly record: Schema.Schema<Row<F, O>>
  /** The record and its JSON form (a response body). */
  readonly json: Schema.Schema<Row<F, O>, JsonOf<Row<F, O>>>
  /** `create`'s input from JSON: no managed timestamps; `id` as the create type says (absent for Int ids). */
  readonly create: Schema.Schema<CreateInput<F, O>, JsonOf<CreateInput<F, O>>>
  /** `update`'s fields from JSON: every field optional, the key and managed timestamps excluded. */
  readonly update: Schema.Schema<UpdateFields<F, O>, JsonOf<UpdateFields<F, O>>>
}

const codecs: Partial<Record<FieldKind, Schema.Schema<any, string>>> = {
  date: Schema.Date,
  decimal: Schema.BigDecimal,
  bigint: Schema.BigInt,
  bytes: Schema.Uint8ArrayFromBase64
}

const isNullish = (ast: AST.AST) => ast._tag === "UndefinedKeyword" || (ast._tag === "Literal" && ast.literal === null)

/** A field's type with its JSON codec in front (nulls and undefined pass as they are). */
const jsonType = (kind: FieldKind, type: AST.AST): AST.AST => {
  const codec = codecs[kind]
  if (codec === undefined || isNullish(type)) return type
  if (type._tag === "Union") return AST.Union.make(type.types.map((member) => jsonType(kind, member)))
  return Schema.compose(codec, Schema.make(type)).ast
}

const property = (name: string, type: AST.AST, isOptional: boolean) =>
  new AST.PropertySignature(name, type, isOptional, true)

const struct = (properties: ReadonlyArray<AST.PropertySignature>) => Schema.make(new AST.TypeLiteral(properties, []))

/** Builds the Schemas of a model from its fields and its runtime facts. */
export const makeSchemas = <F extends Schema.Struct.Fields, O>(fields: F, info: ModelInfo): ModelSchemas<F, O> => {
  const declared = (AST.typeAST(Schema.Struct(fields).ast) as AST.TypeLiteral).propertySignatures
  const kindOf = (name: string): FieldKind => info.columnMap.get(name)?.kind ?? "json"
  const own = declared.map((ps) => {
    const name = String(ps.name)
    return { name, type: jsonType(kindOf(name), ps.type), isOptional: ps.isOptional }
  })
  const date = jsonType("date", Schema.DateFromSelf.ast)
  const managed = [info.createdAt, info.updatedAt].flatMap((f) =>
    f === undefined ? [] : [property(f.name, date, false)]
  )
  const deletedAt = property("deleted_at", AST.Union.make([date, AST.null]), true)
  const json = struct([...own.map((p) => property(p.name, p.type, p.isOptional)), ...managed, deletedAt])
  const keyNames = new Set(info.key.map((f) => f.name))
  const create = struct(
    own
      .filter((p) => !(p.name === "id" && info.idKind === "auto"))
      .map((p) => property(p.name, p.type, p.isOptional || (p.name === "id" && info.idKind === "uuid")))
  )
  const update = struct(
    own.filter((p) => p.name !== "id" && !keyNames.has(p.name)).map((p) => property(p.name, p.type, true))
  )
  return { record: Schema.typeSchema(json), json, create, update } as unknown as ModelSchemas<F, O>
}
