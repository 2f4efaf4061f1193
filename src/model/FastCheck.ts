/**
 * A compiled yes/no check of a model's input: plain JavaScript for the shapes models are made of
 * (strings, numbers, booleans, literals, unions, refinements — whose own filters are called — and
 * a struct of them), Schema's own `is` for anything else (dates, bytes, JSON values). It answers
 * exactly what `ParseResult.is(schema, { onExcessProperty: "error", exact: true })` answers, at a
 * fraction of the cost; a "no" is then explained by the full validator.
 *
 * @since 0.1.0
 */
import { Option, ParseResult, Schema, SchemaAST as AST } from "effect"

type Check = (u: unknown) => boolean

const options: AST.ParseOptions = { onExcessProperty: "error", exact: true }

/** Schema's own check for `ast` (the general case). */
const schemaIs = (ast: AST.AST): Check => ParseResult.is(Schema.make(ast), options) as Check

const compile = (ast: AST.AST): Check => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "BigIntKeyword":
      return (u) => typeof u === "bigint"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Union": {
      const members = ast.types.map(compile)
      return (u) => {
        for (let i = 0; i < members.length; i++) if (members[i]!(u)) return true
        return false
      }
    }
    case "Refinement": {
      const from = compile(ast.from)
      const refinement = ast
      return (u) => from(u) && Option.isNone(refinement.filter(u, options, refinement))
    }
    default:
      return schemaIs(ast)
  }
}

/** The check of a struct schema's Type side (Schema's `is` when the schema is not a plain struct). */
export const compileIs = (schema: Schema.Schema.Any): Check => {
  const ast = AST.typeAST(schema.ast)
  if (
    ast._tag !== "TypeLiteral" ||
    ast.indexSignatures.length > 0 ||
    ast.propertySignatures.some((p) => typeof p.name !== "string")
  ) {
    return schemaIs(ast)
  }
  const props = ast.propertySignatures.map((p) => ({
    name: p.name as string,
    optional: p.isOptional,
    check: compile(p.type)
  }))
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return false
    const o = u as Record<string, unknown>
    let present = 0
    for (let i = 0; i < props.length; i++) {
      const p = props[i]!
      if (!Object.prototype.hasOwnProperty.call(o, p.name)) {
        if (!p.optional) return false
        continue
      }
      present++
      if (!p.check(o[p.name])) return false
    }
    // onExcessProperty: "error": no key the struct does not declare (symbols included)
    return Reflect.ownKeys(o).length === present
  }
}
