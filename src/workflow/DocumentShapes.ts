/**
 * What the document node types accept and return (src/workflow/DocumentNodes.ts), as the shapes
 * validation checks parameters and connections against, and the one entry point for the shapes of
 * any resolved node type (model operation or document node).
 *
 * @since 0.1.0
 */
import type { DocumentOperation } from "./DocumentNodes.js"
import type { ResolvedType } from "./Registry.js"
import { type OutputShape, outputShape, type ParamShape, paramShape } from "./Shapes.js"

const open: ParamShape = { kind: "open" }
const leaf: ParamShape = { kind: "leaf" }
const obj = (keys: Record<string, ParamShape>, required: ReadonlyArray<string>): ParamShape => ({
  kind: "object",
  keys: new Map(Object.entries({ collection: leaf, ...keys })),
  required: new Set(["collection", ...required])
})

/** The parameters a document node type accepts (`collection` always, required). */
export const documentParamShape = (operation: DocumentOperation): ParamShape => {
  switch (operation) {
    case "documentInsert":
      return obj({ document: open }, ["document"])
    case "documentFind":
      return obj({ filter: open, sort: open, skip: leaf, limit: leaf, projection: open }, [])
    case "documentUpdate":
      return obj({ filter: open, update: open, many: leaf, confirmed: leaf }, ["filter", "update"])
    case "documentDelete":
      return obj({ filter: open, many: leaf, confirmed: leaf }, ["filter"])
    case "bulkDocumentInsert":
      return obj({ documents: open }, ["documents"])
    case "aggregate":
      return obj({ pipeline: open }, ["pipeline"])
    case "createIndex":
      return obj({ keys: open, unique: leaf, name: leaf }, ["keys"])
    case "documentCount":
      return obj({ filter: open }, [])
  }
}

const value: OutputShape = { kind: "value" }
const documents: OutputShape = { kind: "array", of: { kind: "any" } }
const out = (keys: Record<string, OutputShape>): OutputShape => ({ kind: "object", keys })

/** What a document node type returns. */
export const documentOutputShape = (operation: DocumentOperation): OutputShape => {
  switch (operation) {
    case "documentInsert":
      return out({ insertedId: value })
    case "documentFind":
    case "aggregate":
      return out({ documents })
    case "documentUpdate":
      return out({ matched: value, modified: value })
    case "documentDelete":
      return out({ deleted: value })
    case "bulkDocumentInsert":
      return out({ insertedIds: { kind: "array", of: value }, inserted: value })
    case "createIndex":
      return out({ name: value })
    case "documentCount":
      return out({ count: value })
  }
}

/** The parameters of any resolved node type. */
export const paramShapeOf = (resolved: ResolvedType): ParamShape =>
  resolved.document ? documentParamShape(resolved.operation) : paramShape(resolved.info, resolved.operation)

/** The result of any resolved node type. */
export const outputShapeOf = (resolved: ResolvedType): OutputShape =>
  resolved.document ? documentOutputShape(resolved.operation) : outputShape(resolved.info, resolved.operation)
