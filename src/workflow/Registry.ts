/**
 * The node registry: every model given to a Database layer contributes 11 node types named
 * `<Model><Operation>Node` (`UserCreateNode` … `UserBulkUpsertNode`), and the search node types its
 * fields allow: `<Model>VectorSearchNode` (a `DataFlow.vector` field), `<Model>TextSearchNode` (a
 * `textSearch` option), `<Model>HybridSearchNode` (both). Types resolve against the layer in use
 * (`Database.models`), so two layers with different models of the same name stay apart. The 8 document
 * node types (src/workflow/DocumentNodes.ts) are in every registry; a model named `Document` keeps its
 * own `DocumentUpdateNode`, `DocumentDeleteNode` and `DocumentCountNode`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { AnyModel, Operation } from "../DataFlow.js"
import { operations, searches } from "../DataFlow.js"
import type { Database, ModelLike } from "../Database.js"
import type * as Errors from "../Errors.js"
import type { ModelInfo } from "../model/Model.js"
import {
  type DocumentNodeError,
  documentNodes,
  type DocumentOperation,
  documentRows,
  runDocument
} from "./DocumentNodes.js"

/** The two node types that are not model operations. */
export const ConditionNode = "ConditionNode"
export const ComputeNode = "ComputeNode"

/** Errors a model operation node can fail with (its own typed error, carried by NodeFailed). */
export type NodeError =
  | Errors.QueryError
  | Errors.NotFound
  | Errors.ConflictTargetError
  | Errors.EmptyFilterRefused
  | Errors.UnsupportedFeature
  | DocumentNodeError

/** A search operation: `vectorSearch`, `textSearch`, `hybridSearch`. */
export type Search = (typeof searches)[number]

/** What a node type runs: one of the 11 operations or a search. */
export type NodeOperation = Operation | Search

/** Every node operation name. */
export const nodeOperations: ReadonlyArray<NodeOperation> = [...operations, ...searches]

/** Whether a model's fields allow a search: a vector field, `textSearch` fields, or both for hybrid. */
const searchable = (info: ModelInfo, operation: NodeOperation): boolean => {
  const vectors = info.fields.some((f) => f.kind === "vector")
  const text = info.textSearch !== undefined
  if (operation === "vectorSearch") return vectors
  if (operation === "textSearch") return text
  return operation !== "hybridSearch" || (vectors && text)
}

/** A model operation's node type resolved against a layer's models. */
export interface ModelType {
  readonly type: string
  readonly model: ModelLike
  readonly info: ModelInfo
  readonly operation: NodeOperation
  readonly document?: undefined
}

/** A document node type (no model). */
export interface DocumentType {
  readonly type: string
  readonly model?: undefined
  readonly info?: undefined
  readonly operation: DocumentOperation
  readonly document: true
}

/** A node type resolved against a layer's models: a model operation or a document node. */
export type ResolvedType = ModelType | DocumentType

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** `nodeTypeName("User", "bulkCreate")` → `"UserBulkCreateNode"`. */
export const nodeTypeName = (model: string, operation: NodeOperation): string => `${model}${capitalize(operation)}Node`

const cache = new WeakMap<ReadonlyMap<string, ModelLike>, ReadonlyMap<string, ResolvedType>>()

/** Every node type of these models. */
export const registry = (models: ReadonlyMap<string, ModelLike>): ReadonlyMap<string, ResolvedType> => {
  const cached = cache.get(models)
  if (cached !== undefined) return cached
  const types = new Map<string, ResolvedType>()
  for (const model of models.values()) {
    for (const operation of nodeOperations) {
      if (typeof (model as Partial<Record<NodeOperation, unknown>>)[operation] !== "function") continue
      if (!searchable(model.info, operation)) continue
      const type = nodeTypeName(model.info.name, operation)
      types.set(type, { type, model, info: model.info, operation })
    }
  }
  for (const [type, operation] of Object.entries(documentNodes)) {
    if (!types.has(type)) types.set(type, { type, operation, document: true })
  }
  cache.set(models, types)
  return types
}

/** Why a node type does not resolve, naming what the layer has instead (names only, never values). */
export const unknownTypeReason = (type: string, models: ReadonlyMap<string, ModelLike>): string => {
  const suffix = [...nodeOperations]
    .sort((a, b) => b.length - a.length)
    .find((op) => type.endsWith(`${capitalize(op)}Node`))
  const available = [...models.keys()].sort().join(", ") || "none"
  if (suffix === undefined) {
    return `unknown node type ${type.slice(0, 80)}: a node type is <Model><Operation>Node, a document node (${Object.keys(documentNodes).join(", ")}), ConditionNode or ComputeNode`
  }
  const model = type.slice(0, type.length - `${capitalize(suffix)}Node`.length)
  const info = models.get(model)?.info
  if (info !== undefined && !searchable(info, suffix)) {
    const needs = { vectorSearch: "a DataFlow.vector field", textSearch: "textSearch fields" }
    const need =
      suffix === "hybridSearch" ? `${needs.vectorSearch} and ${needs.textSearch}` : needs[suffix as "textSearch"]
    return `unknown node type ${type.slice(0, 80)}: model ${model.slice(0, 64)} has no ${suffix} (it needs ${need})`
  }
  return `unknown node type ${type.slice(0, 80)}: no model ${model.slice(0, 64)} in this Database layer (its models: ${available})`
}

/** Runs a resolved node's operation with its parameters. */
export const invoke = (resolved: ResolvedType, params: unknown): Effect.Effect<unknown, NodeError, Database> =>
  resolved.document
    ? runDocument(resolved.operation, params)
    : (
        (resolved.model as unknown as AnyModel)[resolved.operation] as (
          p: unknown
        ) => Effect.Effect<unknown, NodeError, Database>
      )(params)

const count = (v: unknown) => (typeof v === "number" ? v : 0)

/** How many rows an operation's result covers (for spans; never a value). */
export const rowsOf = (operation: NodeOperation | DocumentOperation, out: unknown): number => {
  if (!(nodeOperations as ReadonlyArray<string>).includes(operation))
    return documentRows(operation as DocumentOperation, out)
  const o = (out ?? {}) as Record<string, unknown>
  switch (operation as NodeOperation) {
    case "create":
    case "read":
    case "update":
    case "upsert":
      return 1
    case "delete":
      return o["deleted"] === true ? 1 : 0
    case "list":
    case "vectorSearch":
    case "textSearch":
    case "hybridSearch":
      return Array.isArray(o["records"]) ? o["records"].length : 0
    case "count":
      return count(out)
    case "bulkCreate":
      return count(o["inserted"])
    case "bulkUpdate":
      return count(o["updated"])
    case "bulkDelete":
      return count(o["deleted"])
    case "bulkUpsert":
      return count(o["inserted"]) + count(o["updated"])
  }
}
