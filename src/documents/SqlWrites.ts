/**
 * The writes of a collection on SQL: inserts (all or nothing), updates read-modify-write under row
 * locks in one transaction (docs/documents.md, "Updates on SQL"), deletes, indexes.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import * as Errors from "../Errors.js"
import type { IndexOptions } from "./Collection.js"
import { applyUpdate } from "./Apply.js"
import { splitPath } from "./CheckFilter.js"
import { checkUpdateSync } from "./CheckUpdate.js"
import { checkDocumentSync, fail, isPlainObject, run } from "./CheckValues.js"
import type { Env } from "./SqlEnv.js"
import * as S from "./SqlStatements.js"

const batch = 500

/** Inserts checked documents in batches; more than one batch in one transaction. */
export const insert = (env: Env, docs: ReadonlyArray<unknown>, operation: string) =>
  Effect.gen(function* () {
    const rows = yield* run(() =>
      docs.map((d, i) => {
        const doc = checkDocumentSync(d, operation === "insertOne" ? "" : String(i))
        const { _id, ...rest } = doc
        return { id: (_id as string | undefined) ?? randomUUID(), json: JSON.stringify(rest) }
      })
    )
    yield* env.ensure
    const statements = []
    for (let i = 0; i < rows.length; i += batch)
      statements.push(S.insertDocs(env.deps, env.name, rows.slice(i, i + batch)))
    const writeAll = Effect.forEach(statements, (s) => env.deps.write(s, env.ctx(operation)), { discard: true })
    yield* statements.length > 1 ? env.deps.transaction(writeAll) : writeAll
    return rows.map((r) => r.id)
  })

/** updateOne (`one`: the first match by `_id`) / updateMany. */
export const update = (env: Env, filter: unknown, update: unknown, one: boolean) =>
  Effect.gen(function* () {
    const ir = yield* env.filterOf(filter)
    const ops = yield* run(() => checkUpdateSync(update, env.deps.sql.name))
    yield* env.ensure
    return yield* env.deps.transaction(
      Effect.gen(function* () {
        const docs = yield* env.select(ir, { lock: true, ...(one ? { limit: 1 } : {}) })
        let modified = 0
        for (const doc of docs) {
          const { _id, ...rest } = doc
          const next = yield* run(() => applyUpdate(rest, ops))
          if (JSON.stringify(next) === JSON.stringify(rest)) continue
          yield* env.deps.write(S.updateDoc(env.deps, env.name, _id, JSON.stringify(next)), env.ctx("update"))
          modified++
        }
        return { matched: docs.length, modified }
      })
    )
  })

/** deleteOne (`one`: the first match by `_id`) / deleteMany. */
export const remove = (env: Env, filter: unknown, one: boolean) =>
  Effect.gen(function* () {
    const ir = yield* env.filterOf(filter)
    yield* env.ensure
    if (!one)
      return { deleted: (yield* env.deps.write(S.deleteDocs(env.deps, env.name, ir), env.ctx("delete"))).affected }
    const [first] = yield* env.select(ir, { limit: 1 })
    if (first === undefined) return { deleted: 0 }
    const result = yield* env.deps.write(S.deleteDocs(env.deps, env.name, ir, first._id), env.ctx("delete"))
    return { deleted: result.affected }
  })

/** createIndex: expression indexes (MariaDB: generated columns) over the paths; MongoDB's default name. */
export const createIndex = (env: Env, keys: unknown, options?: IndexOptions) =>
  Effect.gen(function* () {
    const parsed = yield* run(() => {
      if (!isPlainObject(keys) || Object.keys(keys).length === 0)
        fail("keys", "expects a non-empty object of path: 1 | -1")
      return Object.entries(keys as object).map(([p, d]) =>
        d === 1 || d === -1
          ? { path: splitPath(p, `keys.${p}`), descending: d === -1 }
          : fail(`keys.${p}`, "expects 1 or -1")
      )
    })
    const indexName = options?.name ?? parsed.map((k) => `${k.path.join(".")}_${k.descending ? -1 : 1}`).join("_")
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(indexName)) {
      return yield* new Errors.ValidationError({ path: "name", reason: "expects 1 to 40 letters, digits, _ . or -" })
    }
    yield* env.ensure
    const fields = parsed.map((k) => k.path.join("."))
    env.indexes.set(S.indexName(env.name, indexName), fields)
    for (const sql of S.createIndexStatements(env.deps, env.name, indexName, parsed, options?.unique === true)) {
      yield* env.deps.write({ sql, params: [] }, env.ctx("createIndex"))
    }
    return { name: indexName }
  })
