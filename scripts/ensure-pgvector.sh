#!/usr/bin/env bash
# Run before `npm test`: the vector search tests need the pgvector extension on the PostgreSQL server.
# Quick when it is installed. On a machine of this workplace, ../shared/ci/pgvector.sh builds it for
# PostgreSQL 15 (~15 s, idempotent); elsewhere install it yourself (Debian/Ubuntu: postgresql-15-pgvector;
# docker-compose.yml uses the pgvector/pgvector image) or set DATAFLOW_TEST_DIALECTS without postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${DATAFLOW_TEST_DIALECTS:-postgres}" in *postgres*) ;; *) exit 0 ;; esac
if ls /usr/share/postgresql/*/extension/vector.control >/dev/null 2>&1; then exit 0; fi
if [ -f ../shared/ci/pgvector.sh ]; then
  echo "pretest: pgvector is not installed; building it with ../shared/ci/pgvector.sh" >&2
  bash ../shared/ci/pgvector.sh
else
  echo "pretest: pgvector is not installed on this machine: the PostgreSQL vector search tests will fail." >&2
  echo "         Install postgresql-<version>-pgvector (or use docker compose up), then run npm test again." >&2
fi
