// A/B of the row decoder of one checkout against another: nanoseconds per 9-field row.
// npx tsx bench/compare/decode.mts <checkout dir>
const root = process.argv[2]!
const Codec = await import(`${root}/src/sql/Codec.ts`)
const { sqliteDialect } = await import(`${root}/src/dialects/sqlite/Hooks.ts`)
const f = (name: string, kind: string, extra: object = {}) => ({
  name,
  column: name,
  kind,
  optional: false,
  nullable: false,
  managed: false,
  ...extra
})
const fields = [
  f("id", "string"),
  f("name", "string"),
  f("email", "string"),
  f("age", "int", { optional: true }),
  f("active", "boolean"),
  f("role", "literal", { literals: ["admin", "member"] }),
  f("born", "date", { optional: true }),
  f("created_at", "date"),
  f("updated_at", "date")
]
const iso = new Date().toISOString()
const values = ["u1", "n", "e1", 3, 1, "member", iso, iso, iso]
const owner = { model: "User", key: ["id"] }
const N = 2_000_000
let sink = 0
for (let k = 0; k < 3; k++) {
  const t = performance.now()
  for (let i = 0; i < N; i++) sink += Object.keys(Codec.decodeValues(sqliteDialect.codec, fields, values, owner)).length
  console.log(root.split("/").pop(), "decodeValues ns/row", (((performance.now() - t) * 1e6) / N).toFixed(1))
}
if (sink === 0) console.log("")
