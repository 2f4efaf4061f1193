/**
 * `create`: validates with the model's Schema, inserts one record, returns the stored record.
 *
 * @since 0.1.0
 */
import { Effect, Either } from "effect"
import type { ModelInfo } from "../model/Model.js"
import { operation } from "./Tracing.js"

/** Inserts one record. */
export const create = (model: ModelInfo, input: unknown) =>
  operation("create", model, (db) => {
    const valid = model.validateCreate(input)
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const insert = db.backend.insert(model, valid.right, new Date())
    return db.isReady(model) ? insert : Effect.zipRight(db.ensureTable(model), insert)
  })
