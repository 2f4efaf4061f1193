/**
 * SQL compiled once per (dialect, model, shape): the hot paths look their statement text up here
 * instead of building it on every call.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "../../model/Model.js"
import type { Dialect } from "../Dialect.js"

const plans = new WeakMap<Dialect, WeakMap<ModelInfo, Map<string, string>>>()

/** The statement text for `key`, built on first use. */
export const planned = (d: Dialect, model: ModelInfo, key: string, build: () => string): string => {
  let byModel = plans.get(d)
  if (byModel === undefined) plans.set(d, (byModel = new WeakMap()))
  let byKey = byModel.get(model)
  if (byKey === undefined) byModel.set(model, (byKey = new Map()))
  let sql = byKey.get(key)
  if (sql === undefined) {
    sql = build()
    if (byKey.size < 1_000) byKey.set(key, sql)
  }
  return sql
}
