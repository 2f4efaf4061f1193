/**
 * The JSON form of a workflow: a Schema, and decoding/encoding that report every problem at once
 * as a WorkflowDefinitionError (paths and reasons, never the values found).
 *
 * ```json
 * {
 *   "name": "checkout",
 *   "transactional": true,
 *   "nodes": [
 *     { "id": "check_stock", "type": "ProductReadNode", "params": { "id": "{productId}" } },
 *     { "id": "new_stock", "type": "ComputeNode", "value": { "$subtract": [{ "$ref": "check_stock.stock" }, "{quantity}"] } },
 *     { "id": "update_stock", "type": "ProductUpdateNode", "params": { "filter": { "id": "{productId}" }, "fields": {} } }
 *   ],
 *   "connections": [{ "from": "new_stock", "output": "", "to": "update_stock", "input": "fields.stock" }]
 * }
 * ```
 *
 * @since 0.1.0
 */
import { Duration, Either, Option, ParseResult, Schema } from "effect"
import { WorkflowDefinitionError } from "../Errors.js"
import type { Expression, Predicate } from "./Expression.js"
import { isPlainObject } from "./Path.js"

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** Is `u` a JSON value (finite numbers, plain objects only)? */
export const isJson = (u: unknown): u is Json =>
  u === null ||
  typeof u === "boolean" ||
  typeof u === "string" ||
  (typeof u === "number" && Number.isFinite(u)) ||
  (Array.isArray(u) && u.every(isJson)) ||
  (isPlainObject(u) && Object.values(u).every(isJson))

/** Schema of a JSON value. */
export const Json: Schema.Schema<Json> = Schema.declare((u): u is Json => isJson(u), {
  identifier: "Json",
  message: () => "is not a JSON value (null, boolean, finite number, string, array or plain object)"
})

const DurationText = Schema.String.pipe(
  Schema.filter((s) => Option.isSome(Duration.decodeUnknown(s)), {
    message: () => 'is not a duration such as "100 millis"'
  })
)

/** Per-node retry in JSON: `times` more attempts, waiting `delay` (fixed or doubling). */
export const RetryPolicy = Schema.Struct({
  times: Schema.Int.pipe(Schema.between(0, 100)),
  /** Milliseconds or a duration text (`"100 millis"`); default 0 (fixed) or 10 millis (exponential). */
  delay: Schema.optionalWith(Schema.Union(Schema.NonNegative, DurationText), { exact: true }),
  backoff: Schema.optionalWith(Schema.Literal("fixed", "exponential"), { exact: true })
})
/** Per-node retry in JSON. */
export type RetryPolicy = typeof RetryPolicy.Type

/** `transactional`: true, or the transaction's options. */
export const TransactionalOptions = Schema.Struct({
  isolation: Schema.optionalWith(
    Schema.Literal("read uncommitted", "read committed", "repeatable read", "serializable"),
    { exact: true }
  ),
  /** Re-run the whole workflow this many times when it fails with TransactionConflict. */
  retries: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 10)), { exact: true })
})
/** Options of a transactional workflow. */
export type TransactionalOptions = typeof TransactionalOptions.Type

/** One node. Model operation nodes have `params` (and `retry`); a ConditionNode has `when`, `then`, `else`; a ComputeNode has `value`. */
export const NodeDefinition = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  params: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Json }), { exact: true }),
  /** Nodes to run before this one, without taking data from them. */
  after: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  retry: Schema.optionalWith(RetryPolicy, { exact: true }),
  when: Schema.optionalWith(Json, { exact: true }),
  then: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  else: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  value: Schema.optionalWith(Json, { exact: true })
})
/** One node, as stored. */
export type NodeDefinition = Omit<typeof NodeDefinition.Type, "when" | "value"> & {
  readonly when?: Predicate
  readonly value?: Expression
}

/** `output` (dotted) of node `from`'s result sets `input` (dotted) of node `to`'s parameters. */
export const ConnectionDefinition = Schema.Struct({
  from: Schema.String,
  output: Schema.String,
  to: Schema.String,
  input: Schema.String
})
/** A connection, as stored. */
export type ConnectionDefinition = typeof ConnectionDefinition.Type

/** A workflow definition. */
export const Definition = Schema.Struct({
  name: Schema.String,
  /** The format's version; 1 when absent. */
  version: Schema.optionalWith(Schema.Literal(1), { exact: true }),
  transactional: Schema.optionalWith(Schema.Union(Schema.Boolean, TransactionalOptions), { exact: true }),
  nodes: Schema.Array(NodeDefinition),
  connections: Schema.optionalWith(Schema.Array(ConnectionDefinition), { exact: true })
})
/** A workflow definition, as stored. */
export type Definition = Omit<typeof Definition.Type, "nodes"> & { readonly nodes: ReadonlyArray<NodeDefinition> }

const options = { errors: "all", onExcessProperty: "error" } as const

const pathText = (path: ReadonlyArray<PropertyKey>) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p).slice(0, 64)}`)).join("") ||
  "(definition)"

/** A ParseError as problems: path and reason, with the value found cut off. */
export const problemsOf = (error: ParseResult.ParseError): Array<string> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
    const reason =
      issue._tag === "Missing"
        ? "is missing"
        : issue._tag === "Unexpected"
          ? "is not a known key"
          : issue.message
              .replace(/,?\s*actual\b[\s\S]*$/, "")
              .replace(/\s+/g, " ")
              .trim()
              .slice(0, 200)
    return `${pathText(issue.path)}: ${reason}`
  })

const nameOf = (u: unknown) =>
  isPlainObject(u) && typeof u["name"] === "string" ? u["name"].slice(0, 100) : "(unnamed)"

/** Decodes a definition from a parsed JSON value. */
export const decodeDefinition = (u: unknown): Either.Either<Definition, WorkflowDefinitionError> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(Definition, options)(u) as Either.Either<Definition, ParseResult.ParseError>,
    (e) => new WorkflowDefinitionError({ workflow: nameOf(u), problems: problemsOf(e) })
  )

/** Parses JSON text and decodes the definition. */
export const parseDefinition = (text: string): Either.Either<Definition, WorkflowDefinitionError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return Either.left(
      new WorkflowDefinitionError({ workflow: "(unparsed)", problems: ["(definition): is not valid JSON"] })
    )
  }
  return decodeDefinition(parsed)
}

/** Encodes a definition to its JSON value (every node's params must be JSON). */
export const encodeDefinition = (d: Definition): Either.Either<unknown, WorkflowDefinitionError> =>
  Either.mapLeft(
    Schema.encodeUnknownEither(Definition, options)(d),
    (e) => new WorkflowDefinitionError({ workflow: d.name, problems: problemsOf(e) })
  )
