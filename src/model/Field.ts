/**
 * Field kinds: what a model's Schema field is stored as, read from the Schema's type-side AST.
 *
 * @since 0.1.0
 */
import { Option, SchemaAST as AST } from "effect"
import { ValidationError } from "../Errors.js"
import { type ColumnAnnotation, getColumnAnnotation } from "./Columns.js"

/** The storage kinds of docs/models.md ("Type mapping"). */
export type FieldKind =
  | "string"
  | "uuid"
  | "int"
  | "bigint"
  | "number"
  | "boolean"
  | "date"
  | "json"
  | "bytes"
  | "decimal"
  | "literal"
  | "vector"

/** One column of a model, as the compiler and codecs see it. */
export interface Field {
  /** The record's property name. */
  readonly name: string
  /** The database column (the property name unless mapped with `Schema.fromKey("column")`). */
  readonly column: string
  readonly kind: FieldKind
  /** The property may be omitted on create. */
  readonly optional: boolean
  /** The schema admits `null`. */
  readonly nullable: boolean
  /** `Schema.maxLength(n)` on a string field. */
  readonly maxLength?: number
  /** Allowed values of a literal union. */
  readonly literals?: ReadonlyArray<string>
  /** For JSON fields: whether the top level is an array (then `$contains` tests membership). */
  readonly jsonArray?: boolean
  /** Managed by the library (created_at, updated_at, deleted_at): never accepted as input. */
  readonly managed: boolean
  /** `DataFlow.decimal(p, s)`: the column's total digits and digits after the point. */
  readonly precision?: number
  readonly scale?: number
  /** `DataFlow.dateTime({ precision })`: fractional-second digits the column keeps. */
  readonly fractionalDigits?: number
  /** `DataFlow.dateOnly()`: the column keeps only the day; values are midnight UTC. */
  readonly dayOnly?: boolean
  /** `DataFlow.vector(n)`: the vector's number of dimensions. */
  readonly dimensions?: number
}

const identifierRe = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** Column names come only from models; this is the gate they pass. */
export const assertIdentifier = (name: string, what: string): void => {
  if (!identifierRe.test(name)) {
    throw new ValidationError({
      path: name.slice(0, 64),
      reason: `${what} must match ${identifierRe.source} (letters, digits, underscore)`
    })
  }
}

interface Collected {
  identifiers: Array<string>
  maxLength: number | undefined
  integer: boolean
  column?: ColumnAnnotation | undefined
}

const collectRefinements = (ast: AST.AST, acc: Collected): AST.AST => {
  let current = ast
  while (current._tag === "Refinement" || current._tag === "Suspend") {
    if (current._tag === "Suspend") {
      current = current.f()
      continue
    }
    Option.map(AST.getIdentifierAnnotation(current), (id) => acc.identifiers.push(id))
    acc.column ??= getColumnAnnotation(current)
    Option.map(AST.getJSONSchemaAnnotation(current), (js) => {
      const j = js as { maxLength?: unknown; type?: unknown }
      if (typeof j.maxLength === "number")
        acc.maxLength = acc.maxLength === undefined ? j.maxLength : Math.min(acc.maxLength, j.maxLength)
      if (j.type === "integer") acc.integer = true
    })
    current = current.from
  }
  return current
}

const isNullLiteral = (ast: AST.AST) => ast._tag === "Literal" && ast.literal === null

const unsuspend = (ast: AST.AST): AST.AST => {
  let current = ast
  while (current._tag === "Suspend") current = current.f()
  return current
}

/** The members of a union, nested unions flattened (`NullOr(Literal("a", "b"))`, `optional(NullOr(Date))`). */
const unionMembers = (ast: AST.Union): Array<AST.AST> =>
  ast.types.flatMap((t) => {
    const u = unsuspend(t)
    return u._tag === "Union" ? unionMembers(u) : [t]
  })

const stripRefinements = (ast: AST.AST): AST.AST => {
  let current = unsuspend(ast)
  while (current._tag === "Refinement") current = unsuspend(current.from)
  return current
}

/**
 * The first part of a JSON field's type that JSON cannot hold (it would come back as something
 * else: a Date as a string, a bigint not at all), or undefined when every part is JSON.
 */
const nonJson = (ast: AST.AST, path: string, seen: Set<AST.AST>): string | undefined => {
  if (seen.has(ast)) return undefined
  seen.add(ast)
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "TemplateLiteral":
    case "UnknownKeyword":
    case "AnyKeyword":
    case "UndefinedKeyword":
      return undefined
    case "Literal":
      return typeof ast.literal === "bigint" ? `${path} (a bigint literal)` : undefined
    case "Enums":
      return undefined
    case "Refinement":
      return nonJson(ast.from, path, seen)
    case "Suspend":
      return nonJson(ast.f(), path, seen)
    case "Union":
      for (const t of ast.types) {
        const bad = nonJson(t, path, seen)
        if (bad !== undefined) return bad
      }
      return undefined
    case "TupleType": {
      for (const [i, e] of ast.elements.entries()) {
        const bad = nonJson(e.type, `${path}.${i}`, seen)
        if (bad !== undefined) return bad
      }
      for (const r of ast.rest) {
        const bad = nonJson(r.type, `${path}[]`, seen)
        if (bad !== undefined) return bad
      }
      return undefined
    }
    case "TypeLiteral": {
      for (const ps of ast.propertySignatures) {
        if (typeof ps.name !== "string") return `${path} (a symbol key)`
        const bad = nonJson(ps.type, `${path}.${ps.name}`, seen)
        if (bad !== undefined) return bad
      }
      for (const is of ast.indexSignatures) {
        const key = stripRefinements(is.parameter)
        if (key._tag !== "StringKeyword" && key._tag !== "TemplateLiteral") return `${path} (non-string keys)`
        const bad = nonJson(is.type, `${path}[key]`, seen)
        if (bad !== undefined) return bad
      }
      return undefined
    }
    case "BigIntKeyword":
      return `${path} (bigint)`
    case "Declaration": {
      const id = Option.getOrElse(AST.getIdentifierAnnotation(ast), () => "a class instance")
      return `${path} (${id.replace(/FromSelf$/, "")})`
    }
    default:
      return `${path} (${ast._tag})`
  }
}

type Extra = { maxLength?: number; literals?: ReadonlyArray<string>; jsonArray?: boolean } & ColumnAnnotation

/** Makes the field of one kind (the name, column, optionality and nullability are already known). */
type Make = (kind: FieldKind, extra?: Extra) => Field

const withMaxLength = (acc: Collected): Extra => (acc.maxLength !== undefined ? { maxLength: acc.maxLength } : {})

/** The field a Declaration (Date, Uint8Array, BigDecimal) is stored as, or undefined. */
const declarationField = (core: AST.Declaration, acc: Collected, make: Make): Field | undefined => {
  const id = Option.getOrElse(AST.getIdentifierAnnotation(core), () => "")
  const facts = acc.column ?? {}
  if (id === "DateFromSelf") {
    return make("date", {
      ...(facts.fractionalDigits !== undefined ? { fractionalDigits: facts.fractionalDigits } : {}),
      ...(facts.dayOnly === true ? { dayOnly: true } : {})
    })
  }
  if (id === "Uint8ArrayFromSelf") return make("bytes")
  if (id === "BigDecimalFromSelf") {
    return make("decimal", facts.scale !== undefined ? { precision: facts.precision!, scale: facts.scale } : {})
  }
  return undefined
}

/** The field a (non-union) core type is stored as, or undefined when it cannot be stored. */
const coreField = (
  core: AST.AST,
  acc: Collected,
  make: Make,
  json: (jsonArray: boolean) => Field
): Field | undefined => {
  switch (core._tag) {
    case "StringKeyword":
      return acc.identifiers.includes("UUID") ? make("uuid") : make("string", withMaxLength(acc))
    case "TemplateLiteral":
      // a string of a given shape (`${string}@${string}`): stored as the string it is
      return make("string", withMaxLength(acc))
    case "NumberKeyword":
      return make(acc.integer || acc.identifiers.includes("Int") ? "int" : "number")
    case "BigIntKeyword":
      return make("bigint")
    case "BooleanKeyword":
      return make("boolean")
    case "Literal":
      return typeof core.literal === "string" ? make("literal", { literals: [core.literal] }) : undefined
    case "Enums":
      return core.enums.every(([, v]) => typeof v === "string")
        ? make("literal", { literals: core.enums.map(([, v]) => v as string) })
        : undefined
    case "TypeLiteral":
      return json(false)
    case "TupleType":
      return acc.column?.dimensions !== undefined ? make("vector", { dimensions: acc.column.dimensions }) : json(true)
    case "Declaration":
      return declarationField(core, acc, make)
    default:
      return undefined
  }
}

/** Reads a field's kind from its Schema; throws ValidationError for types we cannot store with one meaning. */
export const classify = (
  model: string,
  name: string,
  ast: AST.AST,
  isOptional: boolean,
  column: string = name
): Field => {
  // optional and nullable are settled (by the union below) before any field is made
  const make: Make = (kind, extra = {}) => ({ name, column, kind, optional, nullable, managed: false, ...extra })
  const json = (jsonArray: boolean | undefined): Field => {
    const bad = nonJson(core, name, new Set())
    if (bad !== undefined) {
      throw new ValidationError({
        model,
        path: name,
        reason:
          `${bad} cannot be stored inside a JSON field: JSON holds strings, numbers, booleans, null, ` +
          "arrays and objects, so it would not read back as the same value; make it a field of its own"
      })
    }
    return make("json", jsonArray === undefined ? {} : { jsonArray })
  }
  const acc: Collected = { identifiers: [], maxLength: undefined, integer: false }
  let nullable = false
  let optional = isOptional
  let core = collectRefinements(AST.typeAST(ast), acc)
  if (core._tag === "Union") {
    const rest = unionMembers(core).filter((t) => {
      if (isNullLiteral(t)) return ((nullable = true), false)
      if (t._tag === "UndefinedKeyword") return ((optional = true), false)
      return true
    })
    const shapes = rest.map(stripRefinements)
    if (rest.length === 1) core = collectRefinements(rest[0]!, acc)
    else if (rest.length > 0 && rest.every((t) => t._tag === "Literal" && typeof t.literal === "string")) {
      return make("literal", { literals: [...new Set(rest.map((t) => (t as AST.Literal).literal as string))] })
    } else if (rest.length > 0 && shapes.every((t) => t._tag === "TypeLiteral" || t._tag === "TupleType")) {
      // a union of structured shapes is stored as JSON
      const arrays = shapes.filter((t) => t._tag === "TupleType").length
      return json(arrays === shapes.length ? true : arrays === 0 ? false : undefined)
    }
  }
  const found = coreField(core, acc, make, json)
  if (found !== undefined) return found
  throw new ValidationError({
    model,
    path: name,
    reason:
      `type ${core._tag} cannot be stored; use String, Int, Number, BigInt, Boolean, Date, UUID, ` +
      `BigDecimal, Uint8Array, a string literal union, or a Struct/Array/Record (stored as JSON)`
  })
}

/** A managed timestamp (`created_at`, `updated_at`) stored in `column`. */
export const timestampField = (name: "created_at" | "updated_at", column: string = name): Field => ({
  name,
  column,
  kind: "date",
  optional: false,
  nullable: false,
  managed: true
})

/** The soft-delete marker column. */
export const deletedAtField: Field = {
  name: "deleted_at",
  column: "deleted_at",
  kind: "date",
  optional: true,
  nullable: true,
  managed: true
}
