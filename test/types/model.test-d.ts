/**
 * Type-level proofs of the model API (docs/models.md): what must compile, and what must not (one
 * expected error per line, each failing for the reason its comment names).
 * Run by `vitest run test/types` (typecheck mode) and by `tsc --noEmit -p .`.
 */
import { Effect, Schema } from "effect"
import { describe, expectTypeOf, test } from "vitest"
import { DataFlow, Errors } from "../../src/index.js"

const User = DataFlow.model(
  "User",
  {
    id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.optional(Schema.Int),
    active: Schema.Boolean,
    role: Schema.Literal("admin", "member"),
    born: Schema.optional(Schema.DateFromSelf),
    tags: Schema.optional(Schema.Array(Schema.String)),
    profile: Schema.optional(Schema.Struct({ city: Schema.String }))
  },
  { unique: [["email"]], indexes: [["age"]] }
)

/** Int id: auto-increment. */
const Counter = DataFlow.model("Counter", { id: Schema.Int, label: Schema.String })
/** UUID id: generated when omitted. */
const Token = DataFlow.model("Token", { id: Schema.UUID, label: Schema.String })

type UserRecord = {
  readonly id: string
  readonly name: string
  readonly email: string
  readonly age?: number | undefined
  readonly active: boolean
  readonly role: "admin" | "member"
  readonly born?: Date | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly profile?: { readonly city: string } | undefined
  readonly created_at: Date
  readonly updated_at: Date
  readonly deleted_at?: Date | null
}

type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : never
type SuccessOf<T> = T extends Effect.Effect<infer A, any, any> ? A : never

declare const record: UserRecord
declare const mixed: ReadonlyArray<string | number>
const alice = { id: "u1", name: "Alice", email: "a@x.io", active: true, role: "member" } as const

describe("create input", () => {
  test("the schema's fields; optional fields may be omitted", () => {
    User.create({ id: "u1", name: "Alice", email: "a@x.io", active: true, role: "member" })
    User.create({ ...alice, age: 30, born: new Date(), tags: ["a"], profile: { city: "Oslo" } })
    expectTypeOf(alice).toExtend<DataFlow.CreateInput<typeof User.fields>>()
  })

  test("managed timestamps are not input", () => {
    // @ts-expect-error created_at is managed, never input
    User.create({ ...alice, created_at: new Date() })
    // @ts-expect-error updated_at is managed, never input
    User.create({ ...alice, updated_at: new Date() })
    // @ts-expect-error a record read back (carries created_at) is not create input, even when not a fresh literal
    User.create(record)
  })

  test("unknown fields, wrong value types and missing required fields do not compile", () => {
    // @ts-expect-error nickname is not a field of User
    User.create({ ...alice, nickname: "Al" })
    // @ts-expect-error age is an Int: a string is not accepted
    User.create({ ...alice, age: "30" })
    // @ts-expect-error role is a literal union: "owner" is not one of its members
    User.create({ ...alice, role: "owner" })
    // @ts-expect-error name is required
    User.create({ id: "u1", email: "a@x.io", active: true, role: "member" })
  })

  test("id: required when client-given (string), absent for Int (auto), optional for UUID", () => {
    // @ts-expect-error a string-id model requires id
    User.create({ name: "Alice", email: "a@x.io", active: true, role: "member" })

    Counter.create({ label: "c" })
    // @ts-expect-error an auto-increment (Int) id is never input
    Counter.create({ id: 1, label: "c" })
    expectTypeOf<DataFlow.CreateInput<typeof Counter.fields>>().toEqualTypeOf<{
      readonly id?: never
      readonly label: string
      readonly created_at?: never
      readonly updated_at?: never
      readonly deleted_at?: never
    }>()

    Token.create({ label: "t" })
    Token.create({ id: "0b5e8b3c-5a0e-4b8e-9d3a-1f2e3d4c5b6a", label: "t" })
    // @ts-expect-error a UUID id is a string
    Token.create({ id: 1, label: "t" })
    expectTypeOf<DataFlow.CreateInput<typeof Token.fields>>().toHaveProperty("id").toEqualTypeOf<string | undefined>()
  })
})

describe("update input", () => {
  test("update takes { filter: { id }, fields } with any schema field but id", () => {
    User.update({ filter: { id: "u1" }, fields: { name: "Alicia" } })
    User.update({ filter: { id: "u1" }, fields: { age: 31, role: "admin" } })
    User.update({ filter: { id: "u1" }, fields: {} })
  })

  test("a create-shaped object is not update input", () => {
    // @ts-expect-error update takes { filter, fields }, not a record
    User.update({ id: "u1", name: "Alicia" })
    // @ts-expect-error update takes { filter, fields }, not a create input
    User.update(alice)
    // @ts-expect-error update finds one record by id; other filters belong to bulkUpdate
    User.update({ filter: { email: "a@x.io" }, fields: { name: "Alicia" } })
    // @ts-expect-error the id's type is the model's: string here
    User.update({ filter: { id: 1 }, fields: { name: "Alicia" } })
  })

  test("managed, unknown and mistyped fields do not compile", () => {
    // @ts-expect-error created_at is managed, never input
    User.update({ filter: { id: "u1" }, fields: { created_at: new Date() } })
    // @ts-expect-error updated_at is managed, never input
    User.update({ filter: { id: "u1" }, fields: { updated_at: new Date() } })
    // @ts-expect-error a read record as fields: it carries id and the managed timestamps
    User.update({ filter: { id: "u1" }, fields: record })
    // @ts-expect-error id cannot be changed
    User.update({ filter: { id: "u1" }, fields: { id: "u2" } })
    // @ts-expect-error nickname is not a field of User
    User.update({ filter: { id: "u1" }, fields: { nickname: "Al" } })
    // @ts-expect-error age is an Int: a string is not accepted
    User.update({ filter: { id: "u1" }, fields: { age: "31" } })
    // @ts-expect-error bulkUpdate fields are update fields too
    User.bulkUpdate({ filter: { active: false }, fields: { created_at: new Date() } })
  })
})

describe("results", () => {
  test("create, read and update give the record type, with created_at: Date", () => {
    expectTypeOf(User.Type).toEqualTypeOf<UserRecord>()
    expectTypeOf<SuccessOf<ReturnType<typeof User.create>>>().toEqualTypeOf<UserRecord>()
    expectTypeOf<SuccessOf<ReturnType<typeof User.read>>>().toEqualTypeOf<UserRecord>()
    expectTypeOf<SuccessOf<ReturnType<typeof User.update>>>().toEqualTypeOf<UserRecord>()
    expectTypeOf<SuccessOf<ReturnType<typeof Counter.read>>>().toHaveProperty("id").toEqualTypeOf<number>()
    Effect.gen(function* () {
      const created = yield* User.create(alice)
      expectTypeOf(created.created_at).toEqualTypeOf<Date>()
      expectTypeOf(created.updated_at).toEqualTypeOf<Date>()
      const same = yield* User.read({ id: created.id })
      expectTypeOf(same).toEqualTypeOf<UserRecord>()
    })
  })

  test("read takes the id's type", () => {
    Counter.read({ id: 1 })
    // @ts-expect-error Counter's id is a number
    Counter.read({ id: "1" })
  })

  test("list({ select }) gives records with id and the selected fields only", () => {
    const page = User.list({ select: ["name"] })
    expectTypeOf<SuccessOf<typeof page>>().toEqualTypeOf<
      DataFlow.Page<{ readonly id: string; readonly name: string }>
    >()
    expectTypeOf<SuccessOf<typeof page>["records"][number]>().not.toHaveProperty("email")
    expectTypeOf<SuccessOf<ReturnType<typeof User.list>>>().toEqualTypeOf<DataFlow.Page<UserRecord>>()
    // @ts-expect-error nickname is not a column to select
    User.list({ select: ["nickname"] })
    User.list({ orderBy: ["-created_at", "name"] })
    // @ts-expect-error nickname is not a column to order by
    User.list({ orderBy: ["nickname"] })
  })

  test("error channels", () => {
    expectTypeOf<ErrorOf<ReturnType<typeof User.read>>>().toEqualTypeOf<Errors.ReadError>()
    expectTypeOf<Errors.NotFound>().toExtend<ErrorOf<ReturnType<typeof User.read>>>()
    expectTypeOf<Errors.NotFound>().toExtend<ErrorOf<ReturnType<typeof User.update>>>()
    expectTypeOf<ErrorOf<ReturnType<typeof User.bulkUpdate>>>().toEqualTypeOf<Errors.BulkUpdateError>()
    expectTypeOf<Errors.EmptyFilterRefused>().toExtend<ErrorOf<ReturnType<typeof User.bulkUpdate>>>()
    expectTypeOf<Errors.EmptyFilterRefused>().toExtend<ErrorOf<ReturnType<typeof User.bulkDelete>>>()
    expectTypeOf<Errors.NotFound>().not.toExtend<ErrorOf<ReturnType<typeof User.create>>>()
  })
})

describe("filters are typed per column", () => {
  test("what compiles", () => {
    User.count({ filter: { age: { $gte: 18 }, name: "Alice", active: true } })
    User.count({ filter: { age: null, born: { $lt: new Date() }, created_at: { $gte: new Date() } } })
    User.count({ filter: { age: { $in: [1, 2] }, role: { $nin: ["admin"] } } })
    User.count({ filter: { name: { $like: "A%", $ilike: "a%", $regex: "^A", $contains: "li", $startsWith: "A" } } })
    User.count({ filter: { tags: { $contains: "a" }, profile: { $exists: true } } })
    User.count({ filter: { "profile.city": "Oslo", "tags.0": { $in: ["a", "b"] }, "profile.zip": { $gt: 1000 } } })
    User.count({ filter: { $or: [{ name: { $startsWith: "A" } }, { active: false }], $not: { role: "admin" } } })
  })

  test("values of another type than the column's do not compile", () => {
    // @ts-expect-error age is an Int: $gte takes a number
    User.count({ filter: { age: { $gte: "x" } } })
    // @ts-expect-error age is an Int: a bare string is not equality with it
    User.count({ filter: { age: "18" } })
    // @ts-expect-error $in takes an array of the column's type (numbers for age)
    User.count({ filter: { age: { $in: ["a"] } } })
    // @ts-expect-error $in takes an array, not one value
    User.count({ filter: { age: { $in: 1 } } })
    // @ts-expect-error role is "admin" | "member"
    User.count({ filter: { role: "owner" } })
    // @ts-expect-error born is a Date
    User.count({ filter: { born: { $lt: "2020-01-01" } } })
  })

  test("operators a column's type does not have do not compile", () => {
    // @ts-expect-error $like is for strings; age is a number
    User.count({ filter: { age: { $like: "1%" } } })
    // @ts-expect-error booleans are not ordered
    User.count({ filter: { active: { $gt: false } } })
    // @ts-expect-error $contains on an array takes one element (a string for tags)
    User.count({ filter: { tags: { $contains: 1 } } })
    // @ts-expect-error a whole JSON column is never compared
    User.count({ filter: { tags: { $eq: ["a"] } } })
    // @ts-expect-error a whole JSON column is never compared
    User.count({ filter: { profile: { city: "Oslo" } } })
    // @ts-expect-error booleans on a JSON path are not ordered
    User.count({ filter: { "profile.open": { $gt: true } } })
    // @ts-expect-error $in on a JSON path takes values of one JSON type
    User.count({ filter: { "profile.city": { $in: mixed } } })
    // @ts-expect-error $foo is not an operator
    User.count({ filter: { name: { $foo: 1 } } })
  })

  test("unknown fields do not compile", () => {
    // @ts-expect-error nickname is not a field of User
    User.count({ filter: { nickname: "Al" } })
    // @ts-expect-error a dotted path needs a JSON field; name is a string
    User.count({ filter: { "name.first": "A" } })
    // @ts-expect-error nickname is not a field of User, also inside $or
    User.count({ filter: { $or: [{ nickname: "Al" }] } })
    // @ts-expect-error bulkDelete filters are typed the same way
    User.bulkDelete({ filter: { age: { $gte: "x" } } })
  })
})

describe("mapping an existing table", () => {
  const Genre = DataFlow.model(
    "Genre",
    {
      id: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("genre_id")),
      name: Schema.NullOr(Schema.String)
    },
    { table: "genre", timestamps: false, autoIncrement: false }
  )
  const PlaylistTrack = DataFlow.model(
    "PlaylistTrack",
    {
      playlistId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("playlist_id")),
      trackId: Schema.Int.pipe(Schema.propertySignature, Schema.fromKey("track_id")),
      position: Schema.optional(Schema.Int)
    },
    { table: "playlist_track", timestamps: false, primaryKey: ["playlistId", "trackId"] }
  )

  test("timestamps: false records carry no created_at / updated_at", () => {
    expectTypeOf<typeof Genre.Type>().toEqualTypeOf<{
      readonly id: number
      readonly name: string | null
      readonly deleted_at?: Date | null
    }>()
    // @ts-expect-error a timestamps: false record has no created_at
    Genre.Type.created_at
    expectTypeOf<keyof typeof User.Type>().toExtend<string>()
    expectTypeOf<(typeof User.Type)["created_at"]>().toEqualTypeOf<Date>()
  })

  test("autoIncrement: false takes the Int id on create; the default refuses it", () => {
    Genre.create({ id: 1, name: "Rock" })
    // @ts-expect-error the database does not generate this key: create needs it
    Genre.create({ name: "Rock" })
    // @ts-expect-error an auto-increment id is not input
    Counter.create({ id: 1, label: "x" })
  })

  test("a composite key: read, update and delete take { id: { ...key fields } }", () => {
    PlaylistTrack.read({ id: { playlistId: 1, trackId: 2 } })
    PlaylistTrack.delete({ id: { playlistId: 1, trackId: 2 } })
    PlaylistTrack.update({ filter: { id: { playlistId: 1, trackId: 2 } }, fields: { position: 3 } })
    // @ts-expect-error every key field is needed
    PlaylistTrack.read({ id: { playlistId: 1 } })
    // @ts-expect-error a composite key is not a scalar id
    PlaylistTrack.read({ id: 1 })
    // @ts-expect-error key fields are not updatable through update
    PlaylistTrack.update({ filter: { id: { playlistId: 1, trackId: 2 } }, fields: { trackId: 3 } })
    expectTypeOf(PlaylistTrack.create).parameter(0).toEqualTypeOf<{
      readonly playlistId: number
      readonly trackId: number
      readonly position?: number | undefined
      readonly created_at?: never
      readonly updated_at?: never
      readonly deleted_at?: never
    }>()
  })
})
