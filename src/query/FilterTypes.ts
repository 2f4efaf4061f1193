/**
 * The typed filter users write (`Filter<Row>`): per column, the operators its type allows.
 *
 * @since 0.1.0
 */
import type { BigDecimal } from "effect"

type Scalar<T> = Exclude<T, null | undefined>

/** Values a column holds directly (everything else is stored as JSON). */
type Atomic = string | number | bigint | boolean | Date | Uint8Array | BigDecimal.BigDecimal

type Presence = {
  readonly $exists?: boolean
  readonly $null?: boolean
}

type ValueOps<T> = Presence & {
  readonly $eq?: T | null
  readonly $ne?: T | null
  readonly $in?: ReadonlyArray<T>
  readonly $nin?: ReadonlyArray<T>
}

type StringOps = {
  readonly $like?: string
  readonly $ilike?: string
  readonly $regex?: string
  readonly $contains?: string
  readonly $startsWith?: string
}

type OrderOps<T> = {
  readonly $gt?: T
  readonly $gte?: T
  readonly $lt?: T
  readonly $lte?: T
}

/**
 * Operators a column of type `T` accepts. A whole JSON column is never compared (the decoder
 * refuses it): it has `$exists`/`$null`, and an array also `$contains` of a string or number element.
 */
export type Operators<T> = [Scalar<T>] extends [boolean]
  ? ValueOps<Scalar<T>>
  : [Scalar<T>] extends [string]
    ? ValueOps<Scalar<T>> & StringOps & OrderOps<Scalar<T>>
    : [Scalar<T>] extends [number | bigint | Date | BigDecimal.BigDecimal]
      ? ValueOps<Scalar<T>> & OrderOps<Scalar<T>>
      : [Scalar<T>] extends [Uint8Array]
        ? ValueOps<Scalar<T>>
        : [Scalar<T>] extends [ReadonlyArray<infer E>]
          ? Presence & { readonly $contains?: Extract<E, string | number> }
          : Presence

/** What one column may be matched with: a bare value (equality), `null` (IS NULL) or operators. */
export type FieldFilter<T> = [Scalar<T>] extends [Atomic] ? Scalar<T> | null | Operators<T> : Operators<T> | null

type JsonKeys<Row> = {
  [K in keyof Row & string]: [Scalar<Row[K]>] extends [Atomic] ? never : [Scalar<Row[K]>] extends [object] ? K : never
}[keyof Row & string]

type PathValue = string | number | boolean

/** Operators on a JSON path: the value's JSON type picks the comparison; booleans are not ordered. */
type PathOperators = Presence &
  StringOps &
  OrderOps<string | number> & {
    readonly $eq?: PathValue | null
    readonly $ne?: PathValue | null
    readonly $in?: ReadonlyArray<string> | ReadonlyArray<number> | ReadonlyArray<boolean>
    readonly $nin?: ReadonlyArray<string> | ReadonlyArray<number> | ReadonlyArray<boolean>
  }

/** A filter over a model's record type. */
export type Filter<Row> = { readonly [K in keyof Row]?: FieldFilter<Row[K]> } & {
  readonly [P in `${JsonKeys<Row>}.${string}`]?: PathValue | null | PathOperators
} & {
  readonly $and?: ReadonlyArray<Filter<Row>>
  readonly $or?: ReadonlyArray<Filter<Row>>
  readonly $not?: Filter<Row>
}
