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
echo "== examples/quickstart.ts twice (sqlite default ./dataflow.db, idempotent)"
(cd "$tmp" && npx --prefix "$OLDPWD" tsx "$OLDPWD/examples/quickstart.ts" && npx --prefix "$OLDPWD" tsx "$OLDPWD/examples/quickstart.ts")
echo "== examples/quickstart.ts (postgres)"
DATABASE_URL="${DATAFLOW_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}" npx tsx examples/quickstart.ts
echo "== examples/quickstart.ts (mariadb)"
DATABASE_URL="${DATAFLOW_TEST_MYSQL:-mysql://root@127.0.0.1:3306}/test" npx tsx examples/quickstart.ts
