/**
 * Input validation with the model's Schema, reported as ValidationError without the offending value.
 *
 * @since 0.1.0
 */
import { Either, ParseResult, type Schema } from "effect"
import { ValidationError } from "../Errors.js"
import { compileIs } from "./FastCheck.js"

const describe = (issue: ParseResult.ArrayFormatterIssue, model: string): string => {
  switch (issue._tag) {
    case "Missing":
      return "is required"
    case "Unexpected":
      return `is not an input field of ${model}`
    case "Forbidden":
      return "cannot be checked synchronously"
    default:
      // Schema's messages end with ", actual <value>": keep what was expected, drop the value
      return issue.message
        .replace(/,\s*actual[\s\S]*$/, "")
        .replace(/^Expected /, "expected ")
        .slice(0, 200)
  }
}

/** A checker for unknown input that fails with ValidationError naming path and reason. */
export const makeValidator = <A>(
  model: string,
  schema: Schema.Schema<A, any, never>
): ((input: unknown) => Either.Either<A, ValidationError>) => {
  const validate = ParseResult.validateEither(schema, { onExcessProperty: "error", errors: "all" })
  // the common case, valid input, is a boolean check; the full report is built only on failure
  const is = compileIs(schema)
  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return Either.left(new ValidationError({ model, path: "", reason: "input must be an object" }))
    }
    if (is(input)) return Either.right(input as A)
    return Either.mapLeft(validate(input), (error) => {
      const issues = ParseResult.ArrayFormatter.formatIssueSync(error)
      const first = issues[0]
      const path = first ? first.path.map(String).join(".") : ""
      const reason = issues
        .map((i) => (i === first ? describe(i, model) : `${i.path.map(String).join(".")} ${describe(i, model)}`))
        .join("; ")
      return new ValidationError({ model, path, reason })
    })
  }
}
