/**
 * MongoDB migration planning (pure): the live collections (their validator and indexes) against the
 * models, as the same `Plan` of `Operation`s the SQL planner makes (src/migrations/Operation.ts),
 * each statement one database command as JSON (`create`, `collMod`, `createIndexes`,
 * `dropIndexes`, `drop`) — shown by `migrate plan`, checksummed, stored in the ledger and run back
 * with `db.command`. The rules are SQL's (docs/migrations.md): a missing collection is created with
 * its `$jsonSchema` validator (src/mongo/Validator.ts) and indexes (src/mongo/Indexes.ts); a
 * changed validator is a `collMod`; a missing index is created; an index this library made
 * (`df_` names) that the model no longer declares is dropped — destructive, refused without
 * `allowDestructive`; indexes of other names are never touched.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../model/Model.js"
import { makePlan, type Operation, type Plan } from "../migrations/Operation.js"
import { fieldOfPath, type IndexSpec, indexSpecs } from "./Indexes.js"
import { validatorOf } from "./Validator.js"
import type { Doc } from "./Values.js"

/** An index as `listIndexes` reports it. */
export interface LiveIndex {
  readonly name: string
  readonly key: Doc
  readonly unique?: boolean
  readonly partialFilterExpression?: Doc
}

/** A live collection: its validator (absent: none) and indexes. */
export interface LiveCollection {
  readonly name: string
  readonly validator?: Doc
  readonly indexes: ReadonlyArray<LiveIndex>
}

/** The prefix of the index names this library gives (src/mongo/Indexes.ts). */
export const ownIndexPrefix = "df_"

/** JSON with object keys sorted: two documents equal whatever their key order. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Doc).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )

const command = (doc: Doc): string => JSON.stringify(doc)

/** The `create` command of a model's collection (validation strict, action error). */
export const createCommand = (model: ModelInfo): string =>
  command({ create: model.table, validator: validatorOf(model), validationLevel: "strict", validationAction: "error" })

/** The `createIndexes` command of index specs. */
export const createIndexesCommand = (table: string, specs: ReadonlyArray<IndexSpec | LiveIndex>): string =>
  command({
    createIndexes: table,
    indexes: specs.map((s) => ({
      key: s.key,
      name: s.name,
      ...(s.unique === true ? { unique: true } : {}),
      ...(s.partialFilterExpression !== undefined ? { partialFilterExpression: s.partialFilterExpression } : {})
    }))
  })

const dropIndexCommand = (table: string, name: string) => command({ dropIndexes: table, index: name })

const collMod = (table: string, validator: Doc | undefined) =>
  command({ collMod: table, validator: validator ?? {}, validationLevel: validator ? "strict" : "off" })

const columnsOf = (model: ModelInfo, key: Doc): string =>
  Object.keys(key)
    .map((p) => fieldOfPath(model, p) ?? p)
    .join(", ")

const createOp = (model: ModelInfo): Operation => {
  const specs = indexSpecs(model)
  return {
    kind: "createTable",
    table: model.table,
    description: `create collection ${model.table} (${model.columns.map((c) => c.name).join(", ")})`,
    up: [createCommand(model), ...(specs.length > 0 ? [createIndexesCommand(model.table, specs)] : [])],
    down: [command({ drop: model.table })],
    destructive: false,
    additive: true
  }
}

type SchemaDoc = { readonly required?: ReadonlyArray<string>; readonly properties?: Doc }

const schemaOf = (validator: Doc | undefined): SchemaDoc | undefined =>
  (validator?.["$jsonSchema"] as SchemaDoc | undefined) ?? undefined

/** A new validator only adds optional properties to the live one (nothing a stored document could fail). */
const onlyAdds = (live: Doc | undefined, next: Doc): boolean => {
  const from = schemaOf(live)
  const to = schemaOf(next)
  if (from === undefined || to === undefined) return false
  const required = new Set(from.required ?? [])
  if ((to.required ?? []).some((r) => !required.has(r))) return false
  const props = to.properties ?? {}
  return Object.entries(from.properties ?? {}).every(([k, v]) => canonical(props[k]) === canonical(v))
}

const validatorOp = (model: ModelInfo, live: LiveCollection): Operation | undefined => {
  const next = validatorOf(model)
  if (live.validator !== undefined && canonical(live.validator) === canonical(next)) return undefined
  return {
    kind: "alterColumn",
    table: model.table,
    description: `change validator of ${model.table}`,
    up: [collMod(model.table, next)],
    down: [collMod(model.table, live.validator)],
    destructive: false,
    additive: onlyAdds(live.validator, next)
  }
}

const sameIndex = (a: IndexSpec, b: LiveIndex): boolean =>
  canonical(a.key) === canonical(b.key) &&
  (a.unique === true) === (b.unique === true) &&
  canonical(a.partialFilterExpression ?? null) === canonical(b.partialFilterExpression ?? null)

const addIndexOp = (model: ModelInfo, spec: IndexSpec): Operation => ({
  kind: spec.unique === true ? "addUnique" : "addIndex",
  table: model.table,
  description: `add ${spec.unique === true ? "unique" : "index"} ${spec.name} on ${model.table} (${columnsOf(model, spec.key)})`,
  up: [createIndexesCommand(model.table, [spec])],
  down: [dropIndexCommand(model.table, spec.name)],
  destructive: false,
  additive: true,
  ...(spec.unique === true
    ? { key: { name: spec.name, columns: Object.keys(spec.key).map((p) => fieldOfPath(model, p) ?? p) } }
    : {})
})

const dropIndexOp = (model: ModelInfo, live: LiveIndex): Operation => ({
  kind: live.unique === true ? "dropUnique" : "dropIndex",
  table: model.table,
  description: `drop ${live.unique === true ? "unique" : "index"} ${live.name} on ${model.table} (${columnsOf(model, live.key)})`,
  up: [dropIndexCommand(model.table, live.name)],
  down: [createIndexesCommand(model.table, [live])],
  destructive: true,
  additive: false
})

/** The index operations of one live collection: drops of changed or undeclared `df_` indexes first, then adds. */
const indexOps = (model: ModelInfo, live: LiveCollection): ReadonlyArray<Operation> => {
  const specs = indexSpecs(model)
  const liveByName = new Map(live.indexes.map((i) => [i.name, i] as const))
  const wanted = new Map(specs.map((s) => [s.name, s] as const))
  const drops: Array<Operation> = []
  const adds: Array<Operation> = []
  for (const i of live.indexes) {
    if (!i.name.startsWith(ownIndexPrefix)) continue
    const spec = wanted.get(i.name)
    if (spec === undefined || !sameIndex(spec, i)) drops.push(dropIndexOp(model, i))
  }
  for (const s of specs) {
    const i = liveByName.get(s.name)
    if (i === undefined || !sameIndex(s, i)) adds.push(addIndexOp(model, s))
  }
  return [...drops, ...adds]
}

/** The operations that bring the live collections to the models. */
export const diffCollections = (
  models: ReadonlyArray<ModelInfo>,
  live: ReadonlyMap<string, LiveCollection>
): ReadonlyArray<Operation> =>
  models.flatMap((m) => {
    const c = live.get(m.table)
    if (c === undefined) return [createOp(m)]
    const v = validatorOp(m, c)
    return [...(v !== undefined ? [v] : []), ...indexOps(m, c)]
  })

/** The plan (dialect "mongodb") of these operations. */
export const mongoPlan = (ops: ReadonlyArray<Operation>, notes: ReadonlyArray<string> = []): Plan =>
  makePlan("mongodb", ops, notes)
