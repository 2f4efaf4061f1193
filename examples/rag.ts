/**
 * Retrieval for RAG: a small knowledge base searched by meaning, with the model's typed filter.
 *
 *   npx tsx examples/rag.ts                                   # embedded SQLite (a temporary file)
 *   DATABASE_URL=postgres://127.0.0.1:5432/app npx tsx examples/rag.ts   # PostgreSQL with pgvector
 *
 * The embeddings come from a deterministic embedder written below (hashed words and character
 * trigrams, no model to download): swap in a real embedding model for real use. The example checks
 * its own answers and exits 1 when a question's expected passage is not among its top 5. It works in
 * a table of its own, `rag_passages`, dropped at the start and at the end (docs/vector-search.md).
 */
import { Effect, Schema } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DataFlow, Database } from "effect-dataflow"

// ---------------------------------------------------------------------------------------------
// A deterministic embedder: feature hashing of words and character trigrams into 384 dimensions
// ---------------------------------------------------------------------------------------------

const dimensions = 384

const stopwords = new Set(
  (
    "a an and are as at be by can do does for from how i in into is it its my of on or so should that the " +
    "their them then there they this to too up what when where which who why will with you your"
  ).split(" ")
)

/** Lower-cased words without stop words, with a crude English stemmer (tyres → tyre, rising → ris). */
const words = (text: string): Array<string> =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => !stopwords.has(w))
    .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s)$/, "") : w))

/** FNV-1a, 32 bits. */
const hash = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** The unit vector of `text`: each word adds 1 and each of its trigrams 0.3 to a hashed, signed slot. */
const embed = (text: string): Array<number> => {
  const v = new Array<number>(dimensions).fill(0)
  const add = (feature: string, weight: number) => {
    const h = hash(feature)
    v[h % dimensions]! += h & 0x80000000 ? -weight : weight
  }
  for (const word of words(text)) {
    add(`w:${word}`, 1)
    const padded = ` ${word} `
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3)
  }
  const norm = Math.hypot(...v)
  return norm === 0 ? v : v.map((x) => x / norm)
}

// ---------------------------------------------------------------------------------------------
// The model and the knowledge base
// ---------------------------------------------------------------------------------------------

const Passage = DataFlow.model(
  "Passage",
  {
    id: Schema.String,
    topic: Schema.Literal("databases", "astronomy", "cooking", "cycling"),
    title: Schema.String,
    body: Schema.String,
    published: Schema.Boolean,
    embedding: DataFlow.vector(dimensions)
  },
  {
    table: "rag_passages",
    timestamps: false,
    vectorIndexes: [{ field: "embedding", method: "hnsw", distance: "cosine" }],
    textSearch: { fields: ["title", "body"] }
  }
)

type Topic = (typeof Passage.Type)["topic"]

// [id, topic, title, body, published]
// prettier-ignore
const passages: ReadonlyArray<readonly [string, Topic, string, string, boolean]> = [
  ["db01", "databases", "Indexes speed up lookups", "A B-tree index keeps keys sorted so the database finds a row without scanning the whole table. Add an index on the columns you filter by often.", true],
  ["db02", "databases", "Transactions and isolation", "A transaction groups statements so that they commit or roll back together. Serializable isolation makes concurrent transactions behave as if they ran one after another.", true],
  ["db03", "databases", "Connection pools", "Opening a database connection is slow, so applications keep a pool of open connections and borrow one per request.", true],
  ["db04", "databases", "Vacuum in PostgreSQL", "PostgreSQL keeps old row versions after updates and deletes; vacuum reclaims their space and refreshes the planner statistics.", true],
  ["db05", "databases", "Write-ahead logging", "With a write-ahead log, changes are appended to a log file before the data pages are written, so after a crash the database recovers by replaying the log.", true],
  ["db06", "databases", "Foreign keys", "A foreign key makes the database refuse a row whose reference points to a missing parent row, keeping related tables consistent.", true],
  ["db07", "databases", "Reading query plans", "EXPLAIN shows the plan the query planner chose: which indexes it uses, the join order and the estimated number of rows.", true],
  ["db08", "databases", "Vector indexes", "An HNSW index finds approximate nearest neighbours among embedding vectors by walking a layered graph, trading a little recall for speed.", true],
  ["db09", "databases", "Backups and restores", "Take regular backups and test restoring them: a backup you never restored is only a hope.", true],
  ["db10", "databases", "Sharding", "Sharding splits a large table across several servers by a key such as the customer id.", false],
  ["as01", "astronomy", "Why the sky is blue", "Sunlight scatters off the molecules of the air, and blue light scatters much more than red light, so the daytime sky looks blue.", true],
  ["as02", "astronomy", "Phases of the Moon", "The Moon shows phases because we see different portions of its sunlit half as it orbits the Earth every 29.5 days.", true],
  ["as03", "astronomy", "Solar eclipses", "A solar eclipse happens when the Moon passes between the Sun and the Earth and its shadow falls on the Earth.", true],
  ["as04", "astronomy", "Black holes", "A black hole is a region where gravity is so strong that not even light escapes once it crosses the event horizon.", true],
  ["as05", "astronomy", "Light years", "A light year is the distance light travels in one year, about 9.46 trillion kilometres.", true],
  ["as06", "astronomy", "Mars", "Mars is a cold desert planet with a thin carbon dioxide atmosphere, red iron oxide dust and Olympus Mons, the tallest volcano in the solar system.", true],
  ["as07", "astronomy", "Saturn's rings", "Saturn's rings are countless pieces of ice and rock, from grains of dust to boulders, orbiting the planet.", true],
  ["as08", "astronomy", "Meteor showers", "Meteor showers happen when the Earth passes through the trail of dust a comet left behind; the grains burn up as shooting stars.", true],
  ["as09", "astronomy", "Finding exoplanets", "Astronomers find exoplanets by the tiny dip in a star's brightness when a planet transits in front of it.", true],
  ["as10", "astronomy", "Telescope mirrors", "A larger telescope mirror collects more light, revealing fainter stars and galaxies.", false],
  ["co01", "cooking", "Resting a steak", "Let a steak rest for five minutes after cooking so the juices settle back into the meat instead of running onto the board.", true],
  ["co02", "cooking", "Fluffy rice", "Rinse the rice until the water runs clear, then simmer it covered with one and a half cups of water per cup of rice.", true],
  ["co03", "cooking", "Kneading bread dough", "Knead bread dough until it is smooth and elastic: the gluten network traps the gas the yeast makes, so the loaf rises.", true],
  ["co04", "cooking", "Caramelized onions", "Caramelize onions slowly over low heat for forty minutes, stirring now and then, until they turn deep brown and sweet.", true],
  ["co05", "cooking", "Grinding coffee for espresso", "For espresso, grind the coffee beans fine, like powdered sugar; too coarse a grind and the shot runs fast and tastes sour.", true],
  ["co06", "cooking", "Soft-boiled eggs", "For a soft-boiled egg, cook it six minutes in boiling water, then cool it in ice water so the yolk stays runny.", true],
  ["co07", "cooking", "Salting pasta water", "Salt the pasta water generously, about ten grams per litre, so the pasta is seasoned from within.", true],
  ["co08", "cooking", "Sharp knives", "A sharp knife is safer than a dull one because it cuts with less force and does not slip off the food.", true],
  ["co09", "cooking", "Keeping basil fresh", "Keep fresh basil like cut flowers in a glass of water at room temperature; the fridge turns its leaves black.", true],
  ["co10", "cooking", "Sourdough starter", "Feed a sourdough starter flour and water every day until it doubles within a few hours of feeding.", false],
  ["cy01", "cycling", "Tyre pressure", "Check tyre pressure every week: underinflated tyres roll slowly and pinch-flat on potholes, overinflated ones grip poorly in the wet.", true],
  ["cy02", "cycling", "Fixing a puncture", "To fix a puncture, take out the inner tube, find the hole by listening for escaping air, roughen the rubber around it and glue on a patch.", true],
  ["cy03", "cycling", "Chain care", "Clean and oil the chain every few hundred kilometres; a dirty chain wears out the cassette and the chainrings quickly.", true],
  ["cy04", "cycling", "Saddle height", "Set the saddle height so that your knee is slightly bent at the bottom of the pedal stroke, which prevents knee pain.", true],
  ["cy05", "cycling", "Riding in the rain", "In the rain, brake earlier, avoid painted road lines and metal covers, and ride with lights and mudguards.", true],
  ["cy06", "cycling", "Gears on hills", "Shift to an easier gear before the climb starts, and keep a steady cadence instead of standing on the pedals.", true],
  ["cy07", "cycling", "Disc brakes", "Disc brakes stop reliably in wet weather because the rotor sits away from the spray and grit thrown up at the rim.", true],
  ["cy08", "cycling", "Helmet fit", "A helmet should sit level, two fingers above the eyebrows, with the straps forming a V under each ear.", true],
  ["cy09", "cycling", "Lights at night", "Ride at night with a white front light and a red rear light; a flashing mode makes you more visible in traffic.", true],
  ["cy10", "cycling", "Commuting by bike", "Commuting by bike saves money, and a pannier keeps the sweat off your back.", false]
]

// the questions, each with the filter it is asked under and the passage that answers it
const questions: ReadonlyArray<{ readonly text: string; readonly topic: Topic; readonly expect: string }> = [
  { text: "Why does the sky look blue during the day?", topic: "astronomy", expect: "as01" },
  { text: "How fine should I grind coffee beans for an espresso shot?", topic: "cooking", expect: "co05" },
  { text: "How do I repair a punctured inner tube with a patch?", topic: "cycling", expect: "cy02" }
]

// ---------------------------------------------------------------------------------------------
// Load, search, check
// ---------------------------------------------------------------------------------------------

const failures: Array<string> = []
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what)
}

/** The table and, on SQLite, the vec0 and FTS5 tables that serve its indexes (PostgreSQL's indexes go with the table). */
const dropTables = Effect.gen(function* () {
  const db = yield* Database.Database
  const tables =
    db.dialect === "sqlite" ? ["rag_passages__vec_embedding", "rag_passages__fts", "rag_passages"] : ["rag_passages"]
  if (db.dialect === "mongodb") return
  for (const table of tables) yield* db.sql.unsafe(`DROP TABLE IF EXISTS ${table}`)
})

const program = Effect.gen(function* () {
  yield* dropTables
  const { inserted } = yield* Passage.bulkCreate({
    data: passages.map(([id, topic, title, body, published]) => ({
      id,
      topic,
      title,
      body,
      published,
      embedding: embed(`${title}. ${body}`)
    }))
  })
  console.log(`${inserted} passages loaded (${(yield* Database.Database).dialect})`)

  for (const q of questions) {
    const { records } = yield* Passage.vectorSearch({
      vector: embed(q.text),
      k: 5,
      filter: { topic: q.topic, published: true },
      select: ["topic", "title"]
    })
    console.log(`\n${q.text}  [topic: ${q.topic}, published]`)
    for (const { record, distance } of records) console.log(`  ${distance.toFixed(4)}  ${record.id}  ${record.title}`)
    const ids = records.map((r) => r.record.id)
    check(records.length === 5, `${q.expect}: 5 results, got ${records.length}`)
    check(ids.includes(q.expect), `"${q.text}": ${q.expect} is not in the top 5 (${ids.join(", ")})`)
    check(
      records.every((r) => r.record.topic === q.topic),
      `"${q.text}": a result outside the filter`
    )
    check(
      records.every((r, i) => i === 0 || records[i - 1]!.distance <= r.distance),
      `"${q.text}": not nearest first`
    )
  }

  // pre-filtering: the nearest passage is a draft; \`published: true\` leaves it out, and k results still come back
  const draft = "Why does a larger telescope mirror show fainter galaxies?"
  for (const filter of [{}, { published: true }]) {
    const { records } = yield* Passage.vectorSearch({ vector: embed(draft), k: 3, filter, select: ["title"] })
    console.log(`\n${draft}  [filter: ${JSON.stringify(filter)}]`)
    for (const { record, distance } of records) console.log(`  ${distance.toFixed(4)}  ${record.id}  ${record.title}`)
    const ids = records.map((r) => r.record.id)
    check(records.length === 3, `${JSON.stringify(filter)}: 3 results, got ${records.length}`)
    check(
      (ids[0] === "as10") === (filter.published === undefined),
      `draft as10 first only without the filter (${ids.join(", ")})`
    )
  }
})

const file = process.env["DATABASE_URL"] === undefined ? join(mkdtempSync(join(tmpdir(), "rag-")), "rag.db") : undefined
const url = process.env["DATABASE_URL"] ?? `sqlite:${file}`

Effect.runPromise(
  program.pipe(Effect.ensuring(Effect.orDie(dropTables)), Effect.provide(Database.layer({ url })))
).then(
  () => {
    if (file !== undefined) rmSync(join(file, ".."), { recursive: true, force: true })
    if (failures.length > 0) {
      console.error(`\nrag: ${failures.length} check(s) failed:\n  ${failures.join("\n  ")}`)
      process.exitCode = 1
    } else console.log("\nrag: every expected passage is in its top 5")
  },
  (e) => {
    if (file !== undefined) rmSync(join(file, ".."), { recursive: true, force: true })
    console.error(e)
    process.exitCode = 1
  }
)
