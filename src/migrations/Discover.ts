/**
 * Discovery: an existing database's tables as model descriptions — each column with its field name
 * and kind, exact type facts (length, precision, scale), nullability, the primary key (any name,
 * composite too), unique keys, indexes and foreign keys — ready to print as TypeScript
 * (`renderModels`). A table that cannot be a model says why (`problem`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { QueryError } from "../Errors.js"
import type { FieldKind } from "../model/Field.js"
import { queryThrough } from "./Introspect.js"
import {
  type DiscoveredType,
  type Introspector,
  keyOf,
  ledgerTable,
  type LiveColumn,
  type LiveTable
} from "./LiveSchema.js"
import type { LockDb } from "./LockTypes.js"
import { singularize } from "../model/TableName.js"

/** One discovered column. */
export interface DiscoveredColumn {
  /** The column's name in the database. */
  readonly name: string
  /** The model field it becomes: camelCase of the column (`unit_price`, `UnitPrice` → `unitPrice`); `id` for a one-column key. */
  readonly field: string
  /** The live type (normalized spelling). */
  readonly type: string
  /** The field kind it reads as; SQLite's TEXT dates and INTEGER booleans read as string and int. */
  readonly kind: FieldKind
  readonly nullable: boolean
  readonly primaryKey: boolean
  /** The database generates it (identity, serial, AUTO_INCREMENT, SQLite AUTOINCREMENT). */
  readonly autoIncrement: boolean
  /** vector(n): n */
  readonly dimensions?: number
  /** VARCHAR(n): n */
  readonly maxLength?: number
  /** NUMERIC(p, s): p; a timestamp's fractional-second digits when not our own type's (DATETIME: 0). */
  readonly precision?: number
  /** NUMERIC(p, s): s */
  readonly scale?: number
  /** Timestamps: whether the type keeps an instant (timestamptz) or a wall-clock time (timestamp, DATETIME). */
  readonly timeZone?: boolean
  /** A DATE, which keeps only the day: `DataFlow.dateOnly()`. */
  readonly dayOnly?: boolean
  readonly literals?: ReadonlyArray<string>
  /** A one-column foreign key on this column. */
  readonly references?: { readonly table: string; readonly column: string }
}

/** A foreign key, by column names. */
export interface DiscoveredForeignKey {
  readonly columns: ReadonlyArray<string>
  readonly references: { readonly table: string; readonly columns: ReadonlyArray<string> }
}

/** One discovered table, described as a model. */
export interface ModelDescription {
  /** PascalCase, singular, unique among the descriptions: `order_items` → `OrderItem`, `Track` → `Track`. */
  readonly name: string
  readonly table: string
  readonly columns: ReadonlyArray<DiscoveredColumn>
  /** The primary key's columns, in key order (empty: no primary key). */
  readonly primaryKey: ReadonlyArray<string>
  /** The database generates the (one-column) key; false: create must be given it. */
  readonly autoIncrement: boolean
  /** Unique keys and indexes by column names (duplicates removed). */
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  readonly foreignKeys: ReadonlyArray<DiscoveredForeignKey>
  /** Has a nullable `deleted_at` timestamp that keeps milliseconds, which soft deletes then set. */
  readonly softDelete: boolean
  /**
   * Has NOT NULL `created_at` and `updated_at` timestamps that keep milliseconds, which
   * effect-dataflow then manages; otherwise the model says `timestamps: false` and any such columns
   * are plain fields.
   */
  readonly timestamps: boolean
  /** Why this table is not a model (no primary key, the migration ledger, …), if so. */
  readonly problem?: string
}

const managed = new Set(["created_at", "updated_at", "deleted_at"])

const sizes = (t: string): Array<number> =>
  (/\(([\d\s,]+)\)/.exec(t)?.[1] ?? "")
    .split(",")
    .filter((s) => s.trim() !== "")
    .map(Number)

/** Shared rules, after the dialect's own (`discoveredKind`). */
export const typeOf = (
  introspector: Introspector,
  c: Pick<LiveColumn, "type" | "json" | "literals">
): DiscoveredType => {
  if (c.literals !== undefined && c.literals.length > 0) return { kind: "literal" }
  if (c.json) return { kind: "json" }
  const t = c.type
  const own = introspector.discoveredKind(t)
  if (own !== undefined) return own
  const [first, second] = sizes(t)
  if (
    /^(character varying|varchar|nvarchar|national character varying|nchar varying|character|char|nchar)\s*\(/.test(
      t
    ) &&
    first !== undefined
  ) {
    return { kind: "string", maxLength: first }
  }
  if (/^jsonb?$/.test(t)) return { kind: "json" }
  if (/^(text|longtext|mediumtext|tinytext|character varying|varchar|nvarchar|character|char|nchar|clob)\b/.test(t))
    return { kind: "string" }
  if (t === "uuid") return { kind: "uuid" }
  if (/^bigint/.test(t)) return { kind: "bigint" }
  if (/^(integer|int|smallint|mediumint|tinyint)\b/.test(t)) return { kind: "int" }
  if (/^(double|real|float)/.test(t)) return { kind: "number" }
  if (t === "boolean") return { kind: "boolean" }
  if (/^date$/.test(t)) return introspector.keepsDayOnly(t) ? { kind: "date", dayOnly: true } : { kind: "date" }
  if (/^(timestamp|datetime)\b/.test(t)) {
    // the dialect's default when none is written (PostgreSQL: microseconds, MySQL: whole seconds)
    const precision = introspector.fractionalDigits(t) ?? first ?? 0
    return { kind: "date", precision, timeZone: /with time zone/.test(t) }
  }
  if (/^(bytea|blob|longblob|mediumblob|tinyblob|binary|varbinary)/.test(t)) return { kind: "bytes" }
  if (/^(numeric|decimal)/.test(t)) {
    return first === undefined ? { kind: "decimal" } : { kind: "decimal", precision: first, scale: second ?? 0 }
  }
  return { kind: "string" }
}

const upperFirst = (p: string) => p.charAt(0).toUpperCase() + p.slice(1)

/** `order_items` → `OrderItem`, `InvoiceLine` → `InvoiceLine` */
export const modelNameFor = (table: string): string => {
  const parts = table.split(/[^A-Za-z0-9]+/).filter((p) => p !== "")
  if (parts.length > 0) parts[parts.length - 1] = singularize(parts[parts.length - 1]!)
  const name = parts.map(upperFirst).join("")
  return /^[A-Z]/.test(name) ? name : `T${name}`
}

/** `unit_price` → `unitPrice`, `TrackId` → `trackId`, `ID` → `id` */
export const fieldNameFor = (column: string): string => {
  const parts = column.split(/[^A-Za-z0-9]+/).filter((p) => p !== "")
  if (parts.length === 0) return "field"
  const head = /^[A-Z0-9]+$/.test(parts[0]!)
    ? parts[0]!.toLowerCase()
    : parts[0]!.charAt(0).toLowerCase() + parts[0]!.slice(1)
  const name = head + parts.slice(1).map(upperFirst).join("")
  return /^[0-9]/.test(name) ? `_${name}` : name
}

const keyKinds: ReadonlyArray<FieldKind> = ["string", "int", "uuid"]

/**
 * Whether `column` can be a managed column (created_at, updated_at NOT NULL; deleted_at nullable):
 * a timestamp that keeps at least the milliseconds the library writes. Otherwise (a nullable
 * created_at, a DATETIME of whole seconds, epoch seconds in an INT, a DATE) it stays a plain field,
 * so the model reads every row as it is.
 */
const manageable = (introspector: Introspector, t: LiveTable, column: string, nullable: boolean): boolean => {
  const c = t.columns.find((x) => x.name === column)
  if (c === undefined || c.nullable !== nullable || /^date\b/.test(c.type)) return false
  // TEXT: how SQLite keeps the dates this library writes
  return (
    (typeOf(introspector, c).kind === "date" || c.type === "text") && (introspector.fractionalDigits(c.type) ?? 3) >= 3
  )
}

/** Describes one live table as a model. */
export const describeTable = (introspector: Introspector, t: LiveTable): ModelDescription => {
  const pk =
    t.primaryKey !== undefined && t.primaryKey.length > 0
      ? t.primaryKey
      : t.columns.filter((c) => c.primaryKey).map((c) => c.name)
  const timestamps =
    manageable(introspector, t, "created_at", false) && manageable(introspector, t, "updated_at", false)
  const softDelete = manageable(introspector, t, "deleted_at", true)
  const foreignKeys: Array<DiscoveredForeignKey> = (t.foreignKeys ?? []).map((k) => ({
    columns: k.columns,
    references: k.references
  }))
  const columns = t.columns.map((c): DiscoveredColumn => {
    const found = typeOf(introspector, c)
    const { dayOnly, dimensions, maxLength, precision, scale, timeZone } = found
    // a BIGINT key (Rails, Laravel, Django) is an Int key: exact to 2^53, a larger one fails InvalidRow
    const kind = found.kind === "bigint" && pk.includes(c.name) ? "int" : found.kind
    const fk = foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === c.name)
    return {
      name: c.name,
      field: pk.length === 1 && pk[0] === c.name ? "id" : fieldNameFor(c.name),
      type: c.type,
      kind,
      nullable: c.nullable,
      primaryKey: pk.includes(c.name),
      autoIncrement: c.autoIncrement,
      ...(maxLength !== undefined ? { maxLength } : {}),
      ...(precision !== undefined ? { precision } : {}),
      ...(scale !== undefined ? { scale } : {}),
      ...(timeZone !== undefined ? { timeZone } : {}),
      ...(dayOnly === true ? { dayOnly } : {}),
      ...(dimensions !== undefined ? { dimensions } : {}),
      ...(c.literals !== undefined ? { literals: c.literals } : {}),
      ...(fk !== undefined ? { references: { table: fk.references.table, column: fk.references.columns[0]! } } : {})
    }
  })
  const isManaged = (c: string) =>
    (timestamps && (c === "created_at" || c === "updated_at")) || (softDelete && c === "deleted_at")
  const fields = columns.filter((c) => !isManaged(c.name))
  const keyed = columns.filter((c) => c.primaryKey)
  const clash = fields.find((c, i) => fields.findIndex((o) => o.field === c.field) !== i)
  const badKey = keyed.find((c) => !keyKinds.includes(c.kind))
  const problem =
    pk.length === 0
      ? "no primary key"
      : badKey !== undefined
        ? `its key column ${badKey.name} is ${badKey.type}: a key is a string, an integer or a UUID`
        : clash !== undefined
          ? `columns ${fields
              .filter((c) => c.field === clash.field)
              .map((c) => c.name)
              .join(" and ")} would both be field ${clash.field}`
          : undefined
  const plain = (cols: ReadonlyArray<string>) => cols.every((c) => !managed.has(c))
  const distinct = (keys: ReadonlyArray<ReadonlyArray<string>>, taken: Set<string>) =>
    keys.filter((k) => {
      if (taken.has(keyOf(k))) return false
      taken.add(keyOf(k))
      return true
    })
  const taken = new Set([keyOf(pk)])
  const unique = distinct(t.unique.map((k) => k.columns).filter(plain), taken)
  const indexes = distinct(t.indexes.map((k) => k.columns).filter(plain), taken)
  return {
    name: modelNameFor(t.name),
    table: t.name,
    columns,
    primaryKey: pk,
    autoIncrement: pk.length === 1 && keyed[0]?.autoIncrement === true,
    unique,
    indexes,
    foreignKeys,
    softDelete,
    timestamps,
    ...(problem !== undefined ? { problem } : {})
  }
}

const reservedNames = new Set(["Schema", "DataFlow"])

/** Model names made unique (and distinct from the generated module's imports): `User`, `User2`. */
export const uniqueModelNames = (models: ReadonlyArray<ModelDescription>): ReadonlyArray<ModelDescription> => {
  const seen = new Set<string>()
  return models.map((m) => {
    let name = reservedNames.has(m.name) ? `${m.name}Model` : m.name
    for (let i = 2; seen.has(name); i++) name = `${m.name}${i}`
    seen.add(name)
    return name === m.name ? m : { ...m, name }
  })
}

/** Live tables described as models, names made unique; the migration ledger is listed with its `problem`. */
export const describeTables = (
  introspector: Introspector,
  tables: ReadonlyArray<LiveTable>
): ReadonlyArray<ModelDescription> =>
  uniqueModelNames(
    tables.map((t) =>
      t.name === ledgerTable
        ? { ...describeTable(introspector, t), problem: "the migration ledger of effect-dataflow" }
        : describeTable(introspector, t)
    )
  )

/** Every table of the database described as a model (`describeTables`). */
export const discover = (
  db: Pick<LockDb, "introspector" | "query">
): Effect.Effect<ReadonlyArray<ModelDescription>, QueryError> =>
  Effect.map(db.introspector.tables(queryThrough(db)), (tables) => describeTables(db.introspector, tables))
