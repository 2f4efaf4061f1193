/**
 * The MongoDB server of a test run, if any: `DATAFLOW_TEST_MONGO` (a mongodb:// URL of a replica
 * set, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0` from `docker compose up mongo`). Unset, every
 * suite that needs a real MongoDB is skipped (`describe.skipIf(!mongoUrl)`) and
 * test/support/GlobalSetup.ts prints one line saying so.
 */

/** The server's URL as given (no database), or undefined when no MongoDB is available. */
export const mongoUrl: string | undefined = process.env["DATAFLOW_TEST_MONGO"] || undefined

/** The line printed when the MongoDB suites are skipped. */
export const mongoSkipLine =
  "MongoDB suites SKIPPED: set DATAFLOW_TEST_MONGO=mongodb://127.0.0.1:27017/?replicaSet=rs0 (docker compose up mongo)"

/** The URL of a test database `<DATAFLOW_TEST_NS><name>` on the server (the URL's own database replaced). */
export const mongoDatabaseUrl = (name: string): string => {
  if (mongoUrl === undefined) throw new Error(mongoSkipLine)
  const database = `${process.env["DATAFLOW_TEST_NS"] ?? ""}${name}`
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/i.exec(mongoUrl)
  if (m === null) throw new Error("DATAFLOW_TEST_MONGO is not a mongodb:// URL")
  return `${m[1]}/${database}${m[2] ?? ""}`
}

/** Drops the test database `name` and returns its URL. */
export const freshMongoUrl = async (name: string): Promise<string> => {
  const url = mongoDatabaseUrl(name)
  const { MongoClient } = await import("mongodb")
  const client = new MongoClient(url)
  try {
    await client.connect()
    await client.db().dropDatabase()
  } finally {
    await client.close()
  }
  return url
}
