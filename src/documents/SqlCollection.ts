/**
 * The document API on SQL (docs/documents.md): one table per collection (`id` primary key, `doc`
 * JSON), created on first use; filters and sorts compiled to SQL (src/documents/SqlFilter.ts);
 * updates read, applied in JavaScript (src/documents/Apply.ts) and written back inside one
 * transaction under row locks (src/documents/SqlWrites.ts); pipelines' leading `$match` (and a
 * `$sort`/`$skip`/`$limit` after them) in SQL, the rest in JavaScript (src/documents/Pipeline.ts).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { Collection, Collections, Document, FindOptions } from "./Collection.js"
import { checkFindOptionsSync, checkPipelineSync } from "./CheckPipeline.js"
import { run } from "./CheckValues.js"
import type { FilterIR } from "./FilterIR.js"
import { project, runStages } from "./Pipeline.js"
import { documentHooksOf } from "./SqlDialects.js"
import { aggregateInSql } from "./SqlPipeline.js"
import { type Deps, type Env, makeEnv, type SqlCollectionDeps } from "./SqlEnv.js"
import { ensureDocumentTable, narrow } from "./SqlTable.js"
import * as S from "./SqlStatements.js"
import * as W from "./SqlWrites.js"

export type { SqlCollectionDeps } from "./SqlEnv.js"

const namePattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

const find = (env: Env, filter: unknown, options?: FindOptions) =>
  Effect.gen(function* () {
    const ir = yield* env.filterOf(filter)
    const opts = yield* run(() => checkFindOptionsSync(options))
    yield* env.ensure
    const docs = yield* env.select(ir, opts)
    const projection = opts.projection
    return projection === undefined ? docs : docs.map((d) => project(d, projection) as Document)
  })

// the leading $match stages run in SQL, with a $sort, $skip and $limit right after them (in that
// order: SQL's ties by id are the order JavaScript's stable sort keeps); the stages after them here
const aggregate = (env: Env, pipeline: unknown) =>
  Effect.gen(function* () {
    const stages = yield* run(() => checkPipelineSync(pipeline, env.deps.sql.name))
    let i = 0
    const matches: Array<FilterIR> = []
    for (let s = stages[i]; s?.stage === "match"; s = stages[++i]) matches.push(s.filter)
    const sort = stages[i]?.stage === "sort" ? stages[i++] : undefined
    const skip = stages[i]?.stage === "skip" ? stages[i++] : undefined
    const limit = stages[i]?.stage === "limit" ? stages[i++] : undefined
    yield* env.ensure
    const inSql = yield* aggregateInSql(env, stages)
    if (inSql !== undefined) return inSql
    const all: FilterIR = { _tag: "Const", value: true }
    const docs = yield* env.select(matches.length === 0 ? all : { _tag: "And", items: matches }, {
      ...(sort?.stage === "sort" ? { sort: sort.keys } : {}),
      ...(skip?.stage === "skip" ? { skip: skip.n } : {}),
      ...(limit?.stage === "limit" ? { limit: limit.n } : {})
    })
    return runStages(docs, stages.slice(i)) as ReadonlyArray<Document>
  })

const count = (env: Env, filter: unknown) =>
  Effect.gen(function* () {
    const ir = yield* env.filterOf(filter)
    yield* env.ensure
    const rows = yield* env.deps.query(S.countDocs(env.deps, env.name, ir), env.ctx("count"))
    return Number(rows[0]?.["n"] ?? 0)
  })

const drop = (env: Env) =>
  Effect.gen(function* () {
    yield* ensureDocumentTable(env.deps, env.name, env.ready, false)
    yield* env.deps.write({ sql: `DROP TABLE IF EXISTS ${env.deps.sql.quote(env.name)}`, params: [] }, env.ctx("drop"))
    env.ready.delete(env.name)
  })

const makeCollection = (env: Env): Collection => {
  const ops = {
    insertOne: (doc: unknown) =>
      Effect.map(W.insert(env, [doc], "insertOne"), ([insertedId]) => ({ insertedId: insertedId! })),
    insertMany: (docs: unknown) =>
      Array.isArray(docs)
        ? Effect.map(W.insert(env, docs, "insertMany"), (insertedIds) => ({ insertedIds }))
        : Effect.fail(new Errors.ValidationError({ path: "documents", reason: "must be an array" })),
    find: (filter?: unknown, options?: FindOptions) => find(env, filter, options),
    findOne: (filter?: unknown) => Effect.map(find(env, filter, { limit: 1 }), (docs) => docs[0]),
    updateOne: (filter: unknown, u: unknown) => W.update(env, filter, u, true),
    updateMany: (filter: unknown, u: unknown) => W.update(env, filter, u, false),
    deleteOne: (filter: unknown) => W.remove(env, filter, true),
    deleteMany: (filter: unknown) => W.remove(env, filter, false),
    count: (filter?: unknown) => count(env, filter),
    aggregate: (pipeline: unknown) => aggregate(env, pipeline),
    createIndex: (keys: unknown, options?: never) => W.createIndex(env, keys, options),
    drop: () => drop(env)
  }
  const narrowed = Object.fromEntries(
    Object.entries(ops).map(([k, f]) => [
      k,
      (...a: Array<never>) => narrow((f as (...a: Array<never>) => Effect.Effect<unknown, unknown>)(...a))
    ])
  )
  return { name: env.name, ...narrowed } as unknown as Collection
}

/**
 * The SQL family's `Database.collection`: a collection by name (`/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`,
 * else ValidationError at path "collection"); its table is created on first use.
 *
 * ```ts
 * collection: makeSqlCollections({ hooks: dialect, query, write, transaction })
 * ```
 */
export const makeSqlCollections = ({ hooks, ...runner }: SqlCollectionDeps): Collections => {
  const ready = new Set<string>()
  const indexes = new Map<string, ReadonlyArray<string>>()
  const deps: Deps = { ...runner, sql: hooks, docs: documentHooksOf(hooks) }
  return (name) =>
    typeof name === "string" && namePattern.test(name)
      ? Effect.succeed(makeCollection(makeEnv(deps, name, ready, indexes)))
      : Effect.fail(
          new Errors.ValidationError({
            path: "collection",
            reason: "expects letters, digits and _ (at most 63, not starting with a digit)"
          })
        )
}
