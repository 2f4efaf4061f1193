#!/usr/bin/env bash
# Runs every example on the embedded SQLite default, then the quickstart and the document example on
# PostgreSQL and MariaDB, and the RAG example (vector search) on PostgreSQL with pgvector.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in examples/*.ts; do
  echo "== $f (sqlite)"
  DATABASE_URL="sqlite:$tmp/examples.db" npx tsx "$f"
done
echo "== npm run demo twice (the default ./dataflow.db, no DATABASE_URL; idempotent)"
rm -f dataflow.db dataflow.db-wal dataflow.db-shm
(unset DATABASE_URL; npm run --silent demo >/dev/null && npm run --silent demo | tail -3)
echo "== examples/quickstart.ts (postgres)"
DATABASE_URL="${DATAFLOW_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}" npx tsx examples/quickstart.ts
echo "== examples/quickstart.ts (mariadb)"
DATABASE_URL="${DATAFLOW_TEST_MYSQL:-mysql://root@127.0.0.1:3306}/test" npx tsx examples/quickstart.ts
echo "== examples/documents.ts (postgres JSONB, mariadb JSON)"
DATABASE_URL="${DATAFLOW_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}" npx tsx examples/documents.ts >/dev/null
DATABASE_URL="${DATAFLOW_TEST_MYSQL:-mysql://root@127.0.0.1:3306}/test" npx tsx examples/documents.ts >/dev/null
echo "== examples/rag.ts (postgres, pgvector; in a schema of its own, dropped afterwards)"
pg="${DATAFLOW_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
pgsql() {
  node -e 'const c = new (require("pg").Client)({ connectionString: process.argv[1] })
    c.connect().then(() => c.query(process.argv[2])).finally(() => c.end())' "$pg" "$1"
}
# pgvector where the tests keep it (test/support/GlobalSetup.ts): schema extensions, on the search_path below
pgsql "CREATE SCHEMA IF NOT EXISTS extensions; CREATE EXTENSION IF NOT EXISTS vector SCHEMA extensions;
  DROP SCHEMA IF EXISTS rag_example CASCADE; CREATE SCHEMA rag_example"
trap 'pgsql "DROP SCHEMA IF EXISTS rag_example CASCADE" || true; rm -rf "$tmp"' EXIT
sep=$([[ "$pg" == *\?* ]] && echo "&" || echo "?")
DATABASE_URL="$pg${sep}options=-c%20search_path%3Drag_example%2Cextensions%2Cpublic" npx tsx examples/rag.ts
