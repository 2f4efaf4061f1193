/**
 * The document API on SQL (docs/documents.md): one table per collection (`id` primary key, `doc`
 * JSON), created on first use; filters and sorts compiled to SQL (src/documents/SqlFilter.ts);
 * updates read, applied in JavaScript (src/documents/Apply.ts) and written back inside one
 * transaction under row locks; pipelines' leading `$match` stages in SQL, the rest in JavaScript.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { Dialect } from "../sql/Dialect.js"
import type { Runner } from "../sql/Runner.js"
import { documentHooksOf } from "./SqlDialects.js"
import type { Collection, Collections, Document, DocumentError, FindOptions, IndexOptions } from "./Collection.js"
import { applyUpdate } from "./Apply.js"
import { checkFilterSync, splitPath } from "./CheckFilter.js"
import { checkFindOptionsSync, checkPipelineSync } from "./CheckPipeline.js"
import { checkUpdateSync } from "./CheckUpdate.js"
import { checkDocumentSync, fail, isPlainObject, run, withId } from "./CheckValues.js"
import type { FilterIR } from "./FilterIR.js"
import { project, runStages } from "./Pipeline.js"
import { ensureDocumentTable, narrow, uniqueContext } from "./SqlTable.js"
import * as S from "./SqlStatements.js"

/** What the SQL collections run on: the SQL service's statements and dialect. */
export interface SqlCollectionDeps {
  readonly hooks: Dialect
  readonly query: Runner["query"]
  readonly write: Runner["write"]
  readonly transaction: Runner["transaction"]
}

type Deps = S.DocumentDialect & Omit<SqlCollectionDeps, "hooks">

const namePattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const batch = 500

type Rows = ReadonlyArray<Record<string, unknown>>

const makeCollection = (
  deps: Deps,
  name: string,
  ready: Set<string>,
  indexes: Map<string, ReadonlyArray<string>>
): Collection => {
  const dialect = deps.sql.name
  const ensure = ensureDocumentTable(deps, name, ready)
  const ctx = (operation: string) => uniqueContext(deps, name, operation, indexes)
  const decode = (rows: Rows): ReadonlyArray<Document> =>
    rows.map((r) => withId(String(r["id"]), deps.docs.readDoc(r["doc"]) as never))
  const filterOf = (filter: unknown) => run(() => checkFilterSync(filter, dialect))
  const checked = <A>(f: () => A) => run(f)

  const select = (filter: FilterIR, options: Parameters<typeof S.selectDocs>[3] = {}) =>
    Effect.map(deps.query(S.selectDocs(deps, name, filter, options), ctx("find")), decode)

  const insert = (docs: ReadonlyArray<unknown>, operation: string) =>
    Effect.gen(function* () {
      const rows = yield* checked(() =>
        docs.map((d, i) => {
          const doc = checkDocumentSync(d, docs.length === 1 && operation === "insertOne" ? "" : String(i))
          const { _id, ...rest } = doc
          return { id: (_id as string | undefined) ?? randomUUID(), json: JSON.stringify(rest) }
        })
      )
      yield* ensure
      const statements = []
      for (let i = 0; i < rows.length; i += batch) statements.push(S.insertDocs(deps, name, rows.slice(i, i + batch)))
      const writeAll = Effect.forEach(statements, (s) => deps.write(s, ctx(operation)), { discard: true })
      yield* statements.length > 1 ? deps.transaction(writeAll) : writeAll
      return rows.map((r) => r.id)
    })

  const update = (filter: unknown, update: unknown, one: boolean) =>
    Effect.gen(function* () {
      const ir = yield* filterOf(filter)
      const ops = yield* checked(() => checkUpdateSync(update, dialect))
      yield* ensure
      return yield* deps.transaction(
        Effect.gen(function* () {
          const docs = yield* select(ir, { lock: true, ...(one ? { limit: 1 } : {}) })
          let modified = 0
          for (const doc of docs) {
            const { _id, ...rest } = doc
            const next = yield* checked(() => applyUpdate(rest, ops))
            if (JSON.stringify(next) === JSON.stringify(rest)) continue
            yield* deps.write(S.updateDoc(deps, name, _id, JSON.stringify(next)), ctx("update"))
            modified++
          }
          return { matched: docs.length, modified }
        })
      )
    })

  const remove = (filter: unknown, one: boolean) =>
    Effect.gen(function* () {
      const ir = yield* filterOf(filter)
      yield* ensure
      if (!one) return { deleted: (yield* deps.write(S.deleteDocs(deps, name, ir), ctx("delete"))).affected }
      const [first] = yield* select(ir, { limit: 1 })
      if (first === undefined) return { deleted: 0 }
      return { deleted: (yield* deps.write(S.deleteDocs(deps, name, ir, first._id), ctx("delete"))).affected }
    })

  const find = (filter: unknown, options?: FindOptions) =>
    Effect.gen(function* () {
      const ir = yield* filterOf(filter)
      const opts = yield* checked(() => checkFindOptionsSync(options))
      yield* ensure
      const docs = yield* select(ir, opts)
      const projection = opts.projection
      return projection === undefined ? docs : docs.map((d) => project(d, projection) as Document)
    })

  const aggregate = (pipeline: unknown) =>
    Effect.gen(function* () {
      const stages = yield* checked(() => checkPipelineSync(pipeline, dialect))
      const leading = stages.findIndex((s) => s.stage !== "match")
      const matches = (leading < 0 ? stages : stages.slice(0, leading)).flatMap((s) =>
        s.stage === "match" ? [s.filter] : []
      )
      yield* ensure
      const docs = yield* select(
        matches.length === 0 ? { _tag: "Const", value: true } : { _tag: "And", items: matches }
      )
      return runStages(docs, leading < 0 ? [] : stages.slice(leading)) as ReadonlyArray<Document>
    })

  const createIndex = (keys: unknown, options?: IndexOptions) =>
    Effect.gen(function* () {
      const parsed = yield* checked(() => {
        if (!isPlainObject(keys) || Object.keys(keys).length === 0)
          fail("keys", "expects a non-empty object of path: 1 | -1")
        return Object.entries(keys as object).map(([p, d]) =>
          d === 1 || d === -1
            ? { path: splitPath(p, `keys.${p}`), descending: d === -1 }
            : fail(`keys.${p}`, "expects 1 or -1")
        )
      })
      const indexName =
        options?.name ??
        Object.entries(keys as object)
          .map(([p, d]) => `${p}_${d}`)
          .join("_")
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(indexName)) {
        return yield* new Errors.ValidationError({ path: "name", reason: "expects 1 to 40 letters, digits, _ . or -" })
      }
      yield* ensure
      const fields = parsed.map((k) => k.path.join("."))
      indexes.set(S.indexName(name, indexName), fields)
      for (const sql of S.createIndexStatements(deps, name, indexName, parsed, options?.unique === true)) {
        yield* deps.write(
          { sql, params: [] },
          { ...ctx("createIndex"), constraints: new Map([[S.indexName(name, indexName), fields]]) }
        )
      }
      return { name: indexName }
    })

  const ops = {
    name,
    insertOne: (doc: unknown) =>
      Effect.map(insert([doc], "insertOne"), ([insertedId]) => ({ insertedId: insertedId! })),
    insertMany: (docs: unknown) =>
      Array.isArray(docs)
        ? Effect.map(insert(docs, "insertMany"), (insertedIds) => ({ insertedIds }))
        : Effect.fail(new Errors.ValidationError({ path: "documents", reason: "must be an array" })),
    find,
    findOne: (filter?: unknown) => Effect.map(find(filter, { limit: 1 }), (docs) => docs[0]),
    updateOne: (filter: unknown, u: unknown) => update(filter, u, true),
    updateMany: (filter: unknown, u: unknown) => update(filter, u, false),
    deleteOne: (filter: unknown) => remove(filter, true),
    deleteMany: (filter: unknown) => remove(filter, false),
    count: (filter?: unknown) =>
      Effect.gen(function* () {
        const ir = yield* filterOf(filter)
        yield* ensure
        const rows = yield* deps.query(S.countDocs(deps, name, ir), ctx("count"))
        return Number(rows[0]?.["n"] ?? 0)
      }),
    aggregate,
    createIndex,
    drop: () =>
      Effect.gen(function* () {
        yield* ensureDocumentTable(deps, name, ready, false)
        yield* deps.write({ sql: `DROP TABLE IF EXISTS ${deps.sql.quote(name)}`, params: [] }, ctx("drop"))
        ready.delete(name)
      })
  }
  return Object.fromEntries(
    Object.entries(ops).map(([k, v]) => [
      k,
      typeof v === "function"
        ? (...a: Array<never>) => narrow((v as (...a: Array<never>) => Effect.Effect<unknown, unknown>)(...a))
        : v
    ])
  ) as unknown as Collection
}

/**
 * The SQL family's `Database.collection`: a collection by name (`/^[A-Za-z_][A-Za-z0-9_]{0,62}$/`,
 * else ValidationError at path "collection"); its table is created on first use.
 */
export const makeSqlCollections = ({ hooks, ...runner }: SqlCollectionDeps): Collections => {
  const ready = new Set<string>()
  // SQL index name → the paths it keys (createIndex of this layer), to name a unique violation's fields
  const indexes = new Map<string, ReadonlyArray<string>>()
  const deps: Deps = { ...runner, sql: hooks, docs: documentHooksOf(hooks) }
  return (name) =>
    typeof name === "string" && namePattern.test(name)
      ? Effect.succeed(makeCollection(deps, name, ready, indexes))
      : Effect.fail(
          new Errors.ValidationError({
            path: "collection",
            reason: "expects letters, digits and _ (at most 63, not starting with a digit)"
          })
        )
}

export type { DocumentError }
