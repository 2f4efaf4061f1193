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
  analysis: "analyses"
}

const uncountable = new Set(["equipment", "information", "news", "series", "species", "sheep", "fish", "data", "metadata"])

/** `UserActivity` → `user_activity`, `HTTPRequest` → `http_request`. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toLowerCase()

/** English plural of one lower-case word. */
export const pluralize = (word: string): string => {
  if (uncountable.has(word)) return word
  if (irregular[word] !== undefined) return irregular[word]
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`
  if (/(?:[^f]fe|[lr]f)$/.test(word)) return word.replace(/fe?$/, "ves")
  return `${word}s`
}

/** `OrderStatus` → `order_statuses`: only the last word is pluralized. */
export const tableNameFor = (model: string): string => {
  const parts = snakeCase(model).split("_")
  parts[parts.length - 1] = pluralize(parts[parts.length - 1]!)
  return parts.join("_")
}
