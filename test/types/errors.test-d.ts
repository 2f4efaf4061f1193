/**
 * Type-level proofs that each operation's error channel names only what it can fail with (the
 * README's operations table): `Effect.catchTag` accepts only tags in the error type, so catching
 * UniqueViolation on `read` does not compile. The layer's error type has no NodeFailed.
 * Run by `vitest run test/types` (typecheck mode) and by `tsc --noEmit -p .`.
 */
import { Effect, type Layer, Schema, Stream } from "effect"
import { describe, expectTypeOf, test } from "vitest"
import { DataFlow, Database, Errors } from "../../src/index.js"

const User = DataFlow.model(
  "User",
  { id: Schema.String, name: Schema.String, email: Schema.String },
  { unique: [["email"]] }
)

type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : never
type TagsOf<T> = ErrorOf<T> extends { readonly _tag: infer Tag } ? Tag : never

/** What every operation can fail with. */
type Base =
  | Errors.ValidationError
  | Errors.ConnectionError
  | Errors.PoolTimeout
  | Errors.StatementTimeout
  | Errors.TransactionConflict
  | Errors.DatabaseError
  | Errors.SchemaMismatch
  | Errors.MigrationPrecheckFailed
  | Errors.MigrationLockTimeout
  | Errors.DirtyMigration
  | Errors.ChecksumMismatch
  | Errors.DestructiveChangeRefused

const create = User.create({ id: "u1", name: "A", email: "a@x.io" })
const read = User.read({ id: "u1" })
const update = User.update({ filter: { id: "u1" }, fields: { name: "B" } })
const remove = User.delete({ id: "u1" })
const list = User.list()
const count = User.count()
const upsert = User.upsert({ where: { id: "u1" }, create: { name: "A", email: "a@x.io" }, update: { name: "B" } })
const bulkCreate = User.bulkCreate({ data: [{ id: "u1", name: "A", email: "a@x.io" }] })
const bulkUpdate = User.bulkUpdate({ filter: { name: "A" }, fields: { name: "B" } })
const bulkDelete = User.bulkDelete({ filter: { name: "A" } })
const bulkUpsert = User.bulkUpsert({ data: [{ id: "u1", name: "A", email: "a@x.io" }] })

describe("each operation fails only with what it can meet", () => {
  test("the named unions are the operations' error channels", () => {
    expectTypeOf<ErrorOf<typeof create>>().toEqualTypeOf<Errors.CreateError>()
    expectTypeOf<ErrorOf<typeof read>>().toEqualTypeOf<Errors.ReadError>()
    expectTypeOf<ErrorOf<typeof update>>().toEqualTypeOf<Errors.UpdateError>()
    expectTypeOf<ErrorOf<typeof remove>>().toEqualTypeOf<Errors.DeleteError>()
    expectTypeOf<ErrorOf<typeof list>>().toEqualTypeOf<Errors.ListError>()
    expectTypeOf<ErrorOf<ReturnType<typeof User.list<"name">>>>().toEqualTypeOf<Errors.ListError>()
    expectTypeOf<ErrorOf<typeof count>>().toEqualTypeOf<Errors.CountError>()
    expectTypeOf<ErrorOf<typeof upsert>>().toEqualTypeOf<Errors.UpsertError>()
    expectTypeOf<ErrorOf<typeof bulkCreate>>().toEqualTypeOf<Errors.BulkCreateError>()
    expectTypeOf<ErrorOf<typeof bulkUpdate>>().toEqualTypeOf<Errors.BulkUpdateError>()
    expectTypeOf<ErrorOf<typeof bulkDelete>>().toEqualTypeOf<Errors.BulkDeleteError>()
    expectTypeOf<ErrorOf<typeof bulkUpsert>>().toEqualTypeOf<Errors.BulkUpsertError>()
  })

  test("the unions, spelled out (the README's table)", () => {
    expectTypeOf<Errors.OperationError>().toEqualTypeOf<Base>()
    expectTypeOf<Errors.CreateError>().toEqualTypeOf<
      Base | Errors.InvalidRow | Errors.UniqueViolation | Errors.ForeignKeyViolation
    >()
    expectTypeOf<Errors.ReadError>().toEqualTypeOf<Base | Errors.NotFound | Errors.InvalidRow>()
    expectTypeOf<Errors.UpdateError>().toEqualTypeOf<
      Base | Errors.NotFound | Errors.InvalidRow | Errors.UniqueViolation | Errors.ForeignKeyViolation
    >()
    expectTypeOf<Errors.DeleteError>().toEqualTypeOf<Base | Errors.ForeignKeyViolation>()
    expectTypeOf<Errors.ListError>().toEqualTypeOf<Base | Errors.InvalidRow>()
    expectTypeOf<Errors.CountError>().toEqualTypeOf<Base>()
    expectTypeOf<Errors.UpsertError>().toEqualTypeOf<
      Base | Errors.InvalidRow | Errors.UniqueViolation | Errors.ForeignKeyViolation | Errors.ConflictTargetError
    >()
    // UnsupportedFeature: all-or-nothing bulk writes on a standalone MongoDB server (docs/mongodb.md)
    expectTypeOf<Errors.BulkCreateError>().toEqualTypeOf<
      Base | Errors.UniqueViolation | Errors.ForeignKeyViolation | Errors.UnsupportedFeature
    >()
    expectTypeOf<Errors.BulkUpdateError>().toEqualTypeOf<
      Base | Errors.EmptyFilterRefused | Errors.UniqueViolation | Errors.ForeignKeyViolation
    >()
    expectTypeOf<Errors.BulkDeleteError>().toEqualTypeOf<
      Base | Errors.EmptyFilterRefused | Errors.ForeignKeyViolation
    >()
    expectTypeOf<Errors.BulkUpsertError>().toEqualTypeOf<
      | Base
      | Errors.ConflictTargetError
      | Errors.UniqueViolation
      | Errors.ForeignKeyViolation
      | Errors.UnsupportedFeature
    >()
  })

  test("tags an operation cannot fail with are not in its error type", () => {
    expectTypeOf<"UniqueViolation">().not.toExtend<TagsOf<typeof read>>()
    expectTypeOf<"UniqueViolation">().not.toExtend<TagsOf<typeof list>>()
    expectTypeOf<"UniqueViolation">().not.toExtend<TagsOf<typeof count>>()
    expectTypeOf<"UniqueViolation">().not.toExtend<TagsOf<typeof bulkDelete>>()
    expectTypeOf<"NotFound">().not.toExtend<TagsOf<typeof create>>()
    expectTypeOf<"NotFound">().not.toExtend<TagsOf<typeof remove>>()
    expectTypeOf<"EmptyFilterRefused">().not.toExtend<TagsOf<typeof list>>()
    expectTypeOf<"ConflictTargetError">().not.toExtend<TagsOf<typeof create>>()
    expectTypeOf<"InvalidRow">().not.toExtend<TagsOf<typeof count>>()
    expectTypeOf<"UnsupportedFeature">().not.toExtend<TagsOf<typeof read>>()
    expectTypeOf<"NodeFailed">().not.toExtend<TagsOf<typeof read>>()
  })

  test("catchTag accepts only the tags an operation can fail with", () => {
    read.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
    read.pipe(Effect.catchTag("InvalidRow", () => Effect.succeed(undefined)))
    create.pipe(Effect.catchTag("UniqueViolation", () => Effect.succeed(undefined)))
    upsert.pipe(Effect.catchTag("ConflictTargetError", () => Effect.succeed(undefined)))
    bulkDelete.pipe(Effect.catchTag("EmptyFilterRefused", () => Effect.succeed(undefined)))
    count.pipe(Effect.catchTag("SchemaMismatch", () => Effect.succeed(0)))
    // @ts-expect-error read never fails with UniqueViolation
    read.pipe(Effect.catchTag("UniqueViolation", () => Effect.succeed(undefined)))
    // @ts-expect-error create never fails with NotFound
    create.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
    // @ts-expect-error list never fails with EmptyFilterRefused
    list.pipe(Effect.catchTag("EmptyFilterRefused", () => Effect.succeed(undefined)))
    // @ts-expect-error delete by id never refuses an empty filter
    remove.pipe(Effect.catchTag("EmptyFilterRefused", () => Effect.succeed(undefined)))
  })

  test("catching a tag removes it from the error type", () => {
    const found = read.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
    expectTypeOf<ErrorOf<typeof found>>().toEqualTypeOf<Exclude<Errors.ReadError, Errors.NotFound>>()
  })

  test("bulkCreate adds its stream's own error", () => {
    class Broken extends Schema.TaggedError<Broken>()("Broken", {}) {}
    const fromStream = User.bulkCreate({ data: Stream.fail(new Broken()) })
    expectTypeOf<ErrorOf<typeof fromStream>>().toEqualTypeOf<Errors.BulkCreateError | Broken>()
  })
})

describe("the layer", () => {
  test("its error type is LayerError: no NodeFailed, no operation's own refusals", () => {
    const layer = Database.layer({ url: "sqlite::memory:" })
    type E = typeof layer extends Layer.Layer<any, infer E, any> ? E : never
    expectTypeOf<E>().toEqualTypeOf<Errors.LayerError>()
    expectTypeOf<Errors.NodeFailed>().not.toExtend<E>()
    expectTypeOf<"NodeFailed">().not.toExtend<E["_tag"]>()
    expectTypeOf<"NotFound">().not.toExtend<E["_tag"]>()
    expectTypeOf<Errors.UnsupportedFeature>().toExtend<E>()
    expectTypeOf<Errors.DriverNotInstalled>().toExtend<E>()
  })
})
