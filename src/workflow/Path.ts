/**
 * Dotted paths into node results and parameters: `"record.id"`, `"records.0.stock"`, `"fields.stock"`.
 * `""` is the whole value. Only own properties are read or written (never `__proto__`).
 *
 * @since 0.1.0
 */

const forbidden = new Set(["__proto__", "prototype", "constructor"])

/** The segments of a dotted path, or a reason it is not one. `""` has no segments. */
export const parsePath = (path: string): ReadonlyArray<string> | string => {
  if (path === "") return []
  const segments = path.split(".")
  if (segments.some((s) => s === "")) return "has an empty segment"
  if (segments.some((s) => forbidden.has(s))) return "names a reserved key (__proto__, prototype, constructor)"
  return segments
}

/** A plain object (not a Date, class instance or array). */
export const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/** The value at `segments`, or undefined when any step is absent. */
export const getPath = (value: unknown, segments: ReadonlyArray<string>): unknown => {
  let current = value
  for (const s of segments) {
    if (current === null || typeof current !== "object") return undefined
    if (!Object.prototype.hasOwnProperty.call(current, s)) return undefined
    current = (current as Record<string, unknown>)[s]
  }
  return current
}

/** A copy of `target` with `value` at `segments` (at least one); only the spine is copied. */
export const setPath = (target: unknown, segments: ReadonlyArray<string>, value: unknown): unknown => {
  if (segments.length === 0) return value
  const [head, ...rest] = segments as [string, ...Array<string>]
  if (Array.isArray(target) && /^\d+$/.test(head)) {
    const copy = [...target]
    copy[Number(head)] = setPath(copy[Number(head)], rest, value)
    return copy
  }
  const base: Record<string, unknown> = isPlainObject(target) ? { ...target } : {}
  base[head] = setPath(base[head], rest, value)
  return base
}
