#!/usr/bin/env bash
# Runs every example on the embedded SQLite default, then the quickstart on PostgreSQL and MariaDB.
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
