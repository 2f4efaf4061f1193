/**
 * The checked filter tree (the intermediate representation) that src/query/Filter.ts builds and
 * the compiler (src/sql/Compiler.ts) or a backend walks.
 *
 * @since 0.1.0
 */
import type { Field } from "../model/Field.js"

/** How a JSON path's value is compared. */
export type PathAs = "text" | "number" | "boolean"

/** A column, or a path into a JSON column. */
export interface Target {
  readonly field: Field
  readonly path?: ReadonlyArray<string>
}

/** The checked filter tree the compiler walks. */
export type Expr =
  | { readonly _tag: "And"; readonly items: ReadonlyArray<Expr> }
  | { readonly _tag: "Or"; readonly items: ReadonlyArray<Expr> }
  | { readonly _tag: "Not"; readonly item: Expr }
  | { readonly _tag: "Const"; readonly value: boolean }
  | {
      readonly _tag: "Cmp"
      readonly target: Target
      readonly op: "=" | "<>" | ">" | ">=" | "<" | "<="
      readonly value: unknown
      readonly as?: PathAs
    }
  | { readonly _tag: "In"; readonly target: Target; readonly values: ReadonlyArray<unknown>; readonly as?: PathAs }
  | { readonly _tag: "IsNull"; readonly target: Target }
  | { readonly _tag: "Like"; readonly target: Target; readonly pattern: string; readonly caseInsensitive: boolean }
  /** `pattern` is already the portable form (see Regex.ts), the same text on every dialect */
  | { readonly _tag: "Regex"; readonly target: Target; readonly pattern: string }
  | { readonly _tag: "JsonHas"; readonly target: Target; readonly value: string | number }
