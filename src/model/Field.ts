/**
 * Field kinds: what a model's Schema field is stored as, read from the Schema's type-side AST.
 *
 * @since 0.1.0
 */
import { Option, SchemaAST as AST } from "effect"
import { ValidationError } from "../Errors.js"

/** The storage kinds of DESIGN §6. */
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

/** One column of a model, as the compiler and codecs see it. */
export interface Field {
  readonly name: string
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
}

const collectRefinements = (ast: AST.AST, acc: Collected): AST.AST => {
  let current = ast
  while (current._tag === "Refinement" || current._tag === "Suspend") {
    if (current._tag === "Suspend") {
      current = current.f()
      continue
    }
    Option.map(AST.getIdentifierAnnotation(current), (id) => acc.identifiers.push(id))
    Option.map(AST.getJSONSchemaAnnotation(current), (js) => {
      const j = js as { maxLength?: unknown; type?: unknown }
      if (typeof j.maxLength === "number") acc.maxLength = acc.maxLength === undefined ? j.maxLength : Math.min(acc.maxLength, j.maxLength)
      if (j.type === "integer") acc.integer = true
    })
    current = current.from
  }
  return current
}

const isNullLiteral = (ast: AST.AST) => ast._tag === "Literal" && ast.literal === null

/** Reads a field's kind from its Schema; throws ValidationError for types we cannot store with one meaning. */
export const classify = (
  model: string,
  name: string,
  ast: AST.AST,
  isOptional: boolean
): Field => {
  const acc: Collected = { identifiers: [], maxLength: undefined, integer: false }
  let nullable = false
  let optional = isOptional
  let core = collectRefinements(AST.typeAST(ast), acc)
  if (core._tag === "Union") {
    const rest = core.types.filter((t) => {
      if (isNullLiteral(t)) return (nullable = true, false)
      if (t._tag === "UndefinedKeyword") return (optional = true, false)
      return true
    })
    if (rest.length === 1) core = collectRefinements(rest[0]!, acc)
    else if (rest.length > 0 && rest.every((t) => t._tag === "Literal" && typeof t.literal === "string")) {
      return field(name, "literal", optional, nullable, {
        literals: rest.map((t) => (t as AST.Literal).literal as string)
      })
    } else if (rest.length > 0 && rest.every((t) => t._tag === "TypeLiteral" || t._tag === "TupleType")) {
      // a union of structured shapes is stored as JSON
      return field(name, "json", optional, nullable, {})
    }
  }
  const ids = acc.identifiers
  switch (core._tag) {
    case "StringKeyword":
      if (ids.includes("UUID")) return field(name, "uuid", optional, nullable, {})
      return field(name, "string", optional, nullable, acc.maxLength !== undefined ? { maxLength: acc.maxLength } : {})
    case "NumberKeyword":
      return field(name, acc.integer || ids.includes("Int") ? "int" : "number", optional, nullable, {})
    case "BigIntKeyword":
      return field(name, "bigint", optional, nullable, {})
    case "BooleanKeyword":
      return field(name, "boolean", optional, nullable, {})
    case "Literal":
      if (typeof core.literal === "string") {
        return field(name, "literal", optional, nullable, { literals: [core.literal] })
      }
      break
    case "Enums":
      if (core.enums.every(([, v]) => typeof v === "string")) {
        return field(name, "literal", optional, nullable, { literals: core.enums.map(([, v]) => v as string) })
      }
      break
    case "TypeLiteral":
      return field(name, "json", optional, nullable, { jsonArray: false })
    case "TupleType":
      return field(name, "json", optional, nullable, { jsonArray: true })
    case "Declaration": {
      const id = Option.getOrElse(AST.getIdentifierAnnotation(core), () => "")
      if (id === "DateFromSelf") return field(name, "date", optional, nullable, {})
      if (id === "Uint8ArrayFromSelf") return field(name, "bytes", optional, nullable, {})
      if (id === "BigDecimalFromSelf") return field(name, "decimal", optional, nullable, {})
      break
    }
  }
  throw new ValidationError({
    model,
    path: name,
    reason: `type ${core._tag} cannot be stored; use String, Int, Number, BigInt, Boolean, Date, UUID, ` +
      `BigDecimal, Uint8Array, a string literal union, or a Struct/Array/Record (stored as JSON)`
  })
}

const field = (
  name: string,
  kind: FieldKind,
  optional: boolean,
  nullable: boolean,
  extra: { maxLength?: number; literals?: ReadonlyArray<string>; jsonArray?: boolean }
): Field => ({ name, kind, optional, nullable, managed: false, ...extra })

/** The managed timestamp columns every model gets. */
export const timestampFields: ReadonlyArray<Field> = [
  { name: "created_at", kind: "date", optional: false, nullable: false, managed: true },
  { name: "updated_at", kind: "date", optional: false, nullable: false, managed: true }
]

/** The soft-delete marker column. */
export const deletedAtField: Field = {
  name: "deleted_at",
  kind: "date",
  optional: true,
  nullable: true,
  managed: true
}
