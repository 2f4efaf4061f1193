/**
 * The checks of a document node's static parameters before anything runs: the collection name,
 * and filters, updates, pipelines, find options, documents and index keys against the document
 * subset (docs/documents.md) with the document API's own checkers. Templates are filled from the
 * run inputs first; a parameter whose templates do not resolve is left to the template check, and a
 * parameter set by a connection or a function is checked when the node runs.
 *
 * @since 0.1.0
 */
import { checkFilterSync } from "../documents/CheckFilter.js"
import { checkFindOptionsSync, checkPipelineSync } from "../documents/CheckPipeline.js"
import { checkUpdateSync } from "../documents/CheckUpdate.js"
import { checkDocumentSync, documentLimits } from "../documents/CheckValues.js"
import type { FindOptions } from "../documents/Collection.js"
import { ValidationError, UnsupportedFeature } from "../Errors.js"
import type { DocumentOperation } from "./DocumentNodes.js"
import { isPlainObject } from "./Path.js"
import { fillTemplates, templateProblems, templatesIn } from "./Template.js"

/** A collection name: a letter or `_`, then letters, digits or `_`; at most 63 characters. */
export const collectionNameRe = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Runs a throwing checker for parameter `param`; its ValidationError or UnsupportedFeature becomes a
 * problem under `param` (`""`: the checker's path as it is; else the checker's own path when it already starts there; `from` → `param` renames
 * the path of a check made on part of the parameter).
 */
const attempt = (add: (p: string) => void, param: string, f: () => unknown, from = param) => {
  try {
    f()
  } catch (e) {
    if (e instanceof ValidationError) {
      const path =
        param === ""
          ? e.path
          : e.path === from || e.path.startsWith(`${from}.`)
            ? param + e.path.slice(from.length)
            : `${param}.${e.path}`
      add(`${path}: ${e.reason}`)
    } else if (e instanceof UnsupportedFeature) {
      add(`${param}: ${e.feature} is outside the document subset (docs/documents.md)`)
    } else throw e
  }
}

const checkKeys = (keys: unknown, add: (p: string) => void) => {
  if (!isPlainObject(keys) || Object.keys(keys).length === 0) return add("keys: must be an object of paths → 1 or -1")
  for (const [path, v] of Object.entries(keys)) {
    if (v !== 1 && v !== -1) add(`keys.${path.slice(0, 64)}: must be 1 or -1`)
  }
}

const checkDocuments = (docs: unknown, add: (p: string) => void) => {
  if (!Array.isArray(docs)) return add("documents: must be an array of documents")
  docs.forEach((d, i) => attempt(add, `documents.${i}`, () => checkDocumentSync(d, `documents.${i}`)))
}

const checkPipeline = (pipeline: unknown, add: (p: string) => void) => {
  if (!Array.isArray(pipeline)) return add("pipeline: must be an array of stages")
  if (pipeline.length > documentLimits.stages) add(`pipeline: holds more than ${documentLimits.stages} stages`)
  pipeline.forEach((stage, i) => attempt(add, `pipeline.${i}`, () => checkPipelineSync([stage]), "pipeline.0"))
}

const isEmpty = (v: unknown) => v === undefined || (isPlainObject(v) && Object.keys(v).length === 0)

/** One parameter's check, given its filled value. */
const checks: Record<string, (v: unknown, add: (p: string) => void) => void> = {
  collection: (v, add) => {
    if (typeof v !== "string" || !collectionNameRe.test(v))
      add("collection: must be a name (a letter or _, then letters, digits or _; at most 63 characters)")
  },
  filter: (v, add) => attempt(add, "filter", () => checkFilterSync(v)),
  update: (v, add) => attempt(add, "update", () => checkUpdateSync(v)),
  pipeline: checkPipeline,
  document: (v, add) => attempt(add, "document", () => checkDocumentSync(v, "document")),
  documents: checkDocuments,
  keys: checkKeys,
  many: (v, add) => (v === undefined || typeof v === "boolean" ? undefined : add("many: must be a boolean")),
  confirmed: (v, add) => (v === undefined || typeof v === "boolean" ? undefined : add("confirmed: must be a boolean")),
  unique: (v, add) => (v === undefined || typeof v === "boolean" ? undefined : add("unique: must be a boolean")),
  name: (v, add) => (typeof v === "string" && v.length > 0 ? undefined : add("name: must be a non-empty string"))
}

const findOptionKeys = ["sort", "skip", "limit", "projection"] as const

/**
 * Problems of a document node's static params (after templates are filled from `inputs`; without
 * inputs, parameters holding templates are not checked). Problems name the parameter path, never values.
 */
export const documentProblems = (
  operation: DocumentOperation,
  params: Readonly<Record<string, unknown>>,
  inputs: unknown,
  add: (p: string) => void
): void => {
  const resolvable = (k: string) =>
    inputs === undefined ? templatesIn(params[k], k).length === 0 : templateProblems(params[k], k, inputs).length === 0
  const filled = new Map<string, unknown>()
  for (const k of Object.keys(params)) if (resolvable(k)) filled.set(k, fillTemplates(params[k], inputs ?? {}))
  for (const [k, v] of filled) if (k in checks && v !== undefined) checks[k]!(v, add)
  if (operation === "documentFind" && findOptionKeys.every((k) => !(k in params) || filled.has(k))) {
    const options = Object.fromEntries(findOptionKeys.filter((k) => filled.has(k)).map((k) => [k, filled.get(k)]))
    attempt(add, "", () => checkFindOptionsSync(options as FindOptions))
  }
  const many = (operation === "documentUpdate" || operation === "documentDelete") && filled.get("many") === true
  if (many && filled.has("filter") && isEmpty(filled.get("filter")) && filled.get("confirmed") !== true) {
    add("an empty filter with many: true would touch every document; pass confirmed: true")
  }
}
