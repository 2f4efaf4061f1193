/**
 * Discovery: an existing database's tables as model descriptions — columns with their field kind,
 * nullability, keys and indexes — ready to print as TypeScript (`renderModels`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { QueryError } from "../Errors.js"
import type { FieldKind } from "../model/Field.js"
import type { DialectName } from "../sql/Dialect.js"
import { introspect, introspectorFor, queryThrough } from "./Introspect.js"
import type { LockDb } from "./LockTypes.js"
import type { LiveColumn, LiveTable } from "./LiveSchema.js"

/** One discovered column. */
export interface DiscoveredColumn {
  readonly name: string
  /** The live type (normalized spelling). */
  readonly type: string
  /** The field kind it reads as; SQLite's TEXT dates and INTEGER booleans read as string and int. */
  readonly kind: FieldKind
  readonly nullable: boolean
  readonly primaryKey: boolean
  readonly autoIncrement: boolean
  readonly maxLength?: number
  readonly literals?: ReadonlyArray<string>
}

/** One discovered table, described as a model. */
export interface ModelDescription {
  /** PascalCase, singular: `order_items` → `OrderItem`. */
  readonly name: string
  readonly table: string
  readonly columns: ReadonlyArray<DiscoveredColumn>
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  /** Has a `deleted_at` column. */
  readonly softDelete: boolean
  /** Has `created_at` and `updated_at`, which effect-dataflow manages (a model needs them to read rows). */
  readonly timestamps: boolean
  /** Why this table cannot be a model as it is (its primary key is not one column named `id`), if so. */
  readonly problem?: string
}

const managed = new Set(["created_at", "updated_at", "deleted_at"])

const kindOf = (dialect: DialectName, c: LiveColumn): { kind: FieldKind; maxLength?: number } => {
  if (c.literals !== undefined && c.literals.length > 0) return { kind: "literal" }
  if (c.json) return { kind: "json" }
  const t = c.type
  const own = introspectorFor(dialect).discoveredKind(t)
  if (own !== undefined) return own
  const length = /\((\d+)\)/.exec(t)?.[1]
  const varchar = /^(character varying|varchar)\(/.test(t)
  if (varchar && length !== undefined) return { kind: "string", maxLength: Number(length) }
  if (/^jsonb?$/.test(t)) return { kind: "json" }
  if (/^(text|longtext|mediumtext|tinytext|character varying|varchar|character|char|clob)\b/.test(t)) return { kind: "string" }
  if (t === "uuid") return { kind: "uuid" }
  if (/^bigint/.test(t)) return { kind: "bigint" }
  if (/^(integer|int|smallint|mediumint|tinyint)\b/.test(t)) return { kind: "int" }
  if (/^(double|real|float)/.test(t)) return { kind: "number" }
  if (t === "boolean") return { kind: "boolean" }
  if (/^(timestamp|datetime|date)\b/.test(t)) return { kind: "date" }
  if (/^(bytea|blob|longblob|mediumblob|binary|varbinary)/.test(t)) return { kind: "bytes" }
  if (/^(numeric|decimal)/.test(t)) return { kind: "decimal" }
  return { kind: "string" }
}

const singular = (word: string) =>
  /ies$/.test(word) ? `${word.slice(0, -3)}y` : /(ss|us|is)$/.test(word) ? word : /(x|ch|sh|ss)es$/.test(word) ? word.slice(0, -2) : /s$/.test(word) ? word.slice(0, -1) : word

/** `order_items` → `OrderItem` */
export const modelNameFor = (table: string): string => {
  const parts = table.split(/[^A-Za-z0-9]+/).filter((p) => p !== "")
  if (parts.length > 0) parts[parts.length - 1] = singular(parts[parts.length - 1]!)
  const name = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("")
  return /^[A-Z]/.test(name) ? name : `T${name}`
}

/** Describes one live table as a model. */
export const describeTable = (dialect: DialectName, t: LiveTable): ModelDescription => {
  const columns = t.columns.map((c): DiscoveredColumn => {
    const { kind, maxLength } = kindOf(dialect, c)
    return {
      name: c.name,
      type: c.type,
      kind,
      nullable: c.nullable,
      primaryKey: c.primaryKey,
      autoIncrement: c.autoIncrement,
      ...(maxLength !== undefined ? { maxLength } : {}),
      ...(c.literals !== undefined ? { literals: c.literals } : {})
    }
  })
  const names = new Set(columns.map((c) => c.name))
  const pk = columns.filter((c) => c.primaryKey).map((c) => c.name)
  const id = columns.find((c) => c.name === "id")
  const problem = pk.length !== 1 || pk[0] !== "id"
    ? `its primary key is (${pk.join(", ")}), not one column named id`
    : id !== undefined && !["string", "int", "uuid"].includes(id.kind)
    ? `its id is ${id.type}: a model's id is a string, an integer or a UUID`
    : undefined
  const plain = (cols: ReadonlyArray<string>) => cols.every((c) => !managed.has(c))
  return {
    name: modelNameFor(t.name),
    table: t.name,
    columns,
    unique: t.unique.map((k) => k.columns).filter(plain),
    indexes: t.indexes.map((k) => k.columns).filter(plain),
    softDelete: names.has("deleted_at"),
    timestamps: names.has("created_at") && names.has("updated_at"),
    ...(problem !== undefined ? { problem } : {})
  }
}

/** Every table of the database (but the migration ledger), described as models. */
export const discover = (db: Pick<LockDb, "dialect" | "query">): Effect.Effect<ReadonlyArray<ModelDescription>, QueryError> =>
  Effect.map(introspect(db.dialect, queryThrough(db)), (tables) => tables.map((t) => describeTable(db.dialect, t)))
