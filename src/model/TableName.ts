/**
 * Table names: a model name in snake_case, plural (User → users, Category → categories, Person → people).
 *
 * @since 0.1.0
 */

const irregular: Record<string, string> = {
  person: "people",
  man: "men",
  woman: "women",
  child: "children",
  mouse: "mice",
  goose: "geese",
  foot: "feet",
  tooth: "teeth",
  ox: "oxen",
  datum: "data",
  index: "indices",
  matrix: "matrices",
  vertex: "vertices",
  criterion: "criteria",
  analysis: "analyses",
  thief: "thieves",
  quiz: "quizzes"
}

const uncountable = new Set([
  "equipment",
  "information",
  "news",
  "series",
  "species",
  "sheep",
  "fish",
  "data",
  "metadata"
])

/** `UserActivity` → `user_activity`, `HTTPRequest` → `http_request`. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toLowerCase()

/** Words ending like a -ves plural that take a plain -s. */
const plainF = new Set(["golf", "oaf"])

/** English plural of one lower-case word. */
export const pluralize = (word: string): string => {
  if (uncountable.has(word)) return word
  if (irregular[word] !== undefined) return irregular[word]
  // compounds of an irregular word: salesperson → salespeople, grandchild → grandchildren
  const compound = /(person|child)$/.exec(word)
  if (compound !== null) return word.slice(0, compound.index) + irregular[compound[1]!]!
  if (/sis$/.test(word)) return `${word.slice(0, -2)}es` // analysis → analyses, crisis → crises
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`
  // leaf → leaves, half → halves, wolf → wolves, scarf → scarves, knife → knives;
  // but roof, chief, belief, chef, cliff, safe, cafe → -s
  if (/ife$/.test(word)) return `${word.slice(0, -2)}ves`
  if (/(?:[aeo]lf|arf|[eo]af)$/.test(word) && !plainF.has(word)) return `${word.slice(0, -1)}ves`
  return `${word}s`
}

/** `OrderStatus` → `order_statuses`: only the last word is pluralized. */
export const tableNameFor = (model: string): string => {
  const parts = snakeCase(model).split("_")
  parts[parts.length - 1] = pluralize(parts[parts.length - 1]!)
  return parts.join("_")
}

/** The singular of one lower-case word, as table names are read back (`order_items` → `order_item`). */
export const singularize = (word: string): string =>
  /ies$/.test(word)
    ? `${word.slice(0, -3)}y`
    : /(ss|us|is)$/.test(word)
      ? word
      : /(x|ch|sh|ss)es$/.test(word)
        ? word.slice(0, -2)
        : /s$/.test(word)
          ? word.slice(0, -1)
          : word

/** `users_email_key`, shortened with a hash past PostgreSQL's 63 characters. */
export const constraintName = (table: string, fields: ReadonlyArray<string>, suffix: "key" | "idx"): string => {
  const name = `${table}_${fields.join("_")}_${suffix}`
  if (name.length <= 63) return name
  let h = 0
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0
  return `${name.slice(0, 50)}_${(h >>> 0).toString(36)}_${suffix}`
}
