/**
 * Reading a stored `CREATE TABLE` text (SQLite keeps it in sqlite_master): its column definitions
 * and table constraints, split at the top-level commas, and the clauses of one definition a table
 * rebuild must carry over (a collation, a CHECK).
 *
 * @since 0.1.0
 */

/** The items between the outer parentheses of a CREATE TABLE, split at top-level commas. */
export const definitions = (create: string): ReadonlyArray<string> => {
  const open = create.indexOf("(")
  if (open === -1) return []
  const items: Array<string> = []
  let depth = 0
  let quote: string | undefined
  let start = open + 1
  for (let i = open + 1; i < create.length; i++) {
    const ch = create[i]!
    if (quote !== undefined) {
      if (ch === quote) quote = undefined
      continue
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch
    else if (ch === "[") quote = "]"
    else if (ch === "(") depth++
    else if (ch === ")") {
      if (depth === 0) {
        items.push(create.slice(start, i).trim())
        break
      }
      depth--
    } else if (ch === "," && depth === 0) {
      items.push(create.slice(start, i).trim())
      start = i + 1
    }
  }
  return items.filter((s) => s !== "")
}

const constraintStart = /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i

/** Whether an item is a table constraint (not a column definition). */
export const isTableConstraint = (item: string): boolean => constraintStart.test(item)

/** The column an item defines (unquoted), for column definitions. */
export const definedColumn = (item: string): string | undefined => {
  if (isTableConstraint(item)) return undefined
  const m = /^(?:"((?:[^"]|"")*)"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_][A-Za-z0-9_]*))/.exec(item)
  return m === null ? undefined : (m[1]?.replace(/""/g, '"') ?? m[2] ?? m[3] ?? m[4])
}

/** `CHECK (…)` clauses of a definition, with balanced parentheses. */
export const checkClauses = (item: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  const re = /\bCHECK\s*\(/gi
  for (let m = re.exec(item); m !== null; m = re.exec(item)) {
    let depth = 1
    let i = m.index + m[0].length
    for (; i < item.length && depth > 0; i++) {
      if (item[i] === "(") depth++
      else if (item[i] === ")") depth--
    }
    out.push(item.slice(m.index, i))
  }
  return out
}

/** The `COLLATE name` clause of a definition, if any. */
export const collateClause = (item: string): string | undefined =>
  /\bCOLLATE\s+("[^"]*"|[A-Za-z_][A-Za-z0-9_]*)/i.exec(item)?.[0]

/** Whether a table constraint names any of these columns (quoted or bare). */
export const mentions = (item: string, columns: ReadonlyArray<string>): boolean =>
  columns.some((c) => new RegExp(`(^|[^A-Za-z0-9_])${c.replace(/[^A-Za-z0-9_]/g, "")}($|[^A-Za-z0-9_])`).test(item))
