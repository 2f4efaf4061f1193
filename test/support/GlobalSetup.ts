/**
 * Once per test run: pgvector in a schema of its own (`extensions`) of the test database, which every
 * test namespace has on its search_path after its own schema (test/support/Namespaces.ts). Created
 * here, not by a test's layer: a layer would create it in its namespace's schema, which another
 * file's reset drops. Needs pgvector installed on the server (`bash ../shared/ci/services.sh --pgvector`).
 */
import pg from "pg"
import { mongoSkipLine, mongoUrl } from "./Mongo.js"

export default async function setup(): Promise<void> {
  // one loud line: the MongoDB suites (test/support/Mongo.ts) run only against a real server
  if (mongoUrl === undefined) console.warn(`\n*** ${mongoSkipLine} ***\n`)
  const dialects = process.env["DATAFLOW_TEST_DIALECTS"] ?? "sqlite,postgres,mysql"
  if (!dialects.includes("postgres")) return
  const client = new pg.Client({
    connectionString: process.env["DATAFLOW_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test"
  })
  await client.connect()
  try {
    await client.query("CREATE SCHEMA IF NOT EXISTS extensions")
    await client.query("CREATE EXTENSION IF NOT EXISTS vector SCHEMA extensions")
  } catch (e) {
    throw new Error(
      `pgvector is needed by the vector search tests: run bash ../shared/ci/services.sh --pgvector (${String(e)})`
    )
  } finally {
    await client.end()
  }
}
