#!/usr/bin/env bash
# Regenerates the CLI transcripts quoted in docs/migrations.md: PostgreSQL schema "df_docs" and MySQL
# database "df_docs" are dropped and recreated. Output: $OUT (default /tmp/dataflow-transcripts).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/dataflow-transcripts}
mkdir -p "$OUT"
M=test/support/migrations-docs
node -e '
const pg=require("pg");const m=require("mysql2/promise");(async()=>{const c=new pg.Client({connectionString:"postgres://postgres@127.0.0.1:5432/test"});await c.connect();await c.query("DROP SCHEMA IF EXISTS df_docs CASCADE");await c.query("CREATE SCHEMA df_docs");await c.end();
const k=await m.createConnection({host:"127.0.0.1",user:"root"});await k.query("DROP DATABASE IF EXISTS df_docs");await k.query("CREATE DATABASE df_docs");await k.end()})()'
run() { echo "\$ dataflow $*" | sed "s#$M/##g"; node bin/dataflow.mjs "$@" 2>&1 | sed "s#$M/##g"; echo "[exit ${PIPESTATUS[0]}]"; echo; }
mysqlq() { node -e 'const m=require("mysql2/promise");(async()=>{const c=await m.createConnection({host:"127.0.0.1",user:"root",database:"df_docs"});const [r]=await c.query(process.argv[1]);if(Array.isArray(r))for(const x of r)console.log(Object.values(x).join(" "));await c.end()})()' "$1"; }
export DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Ddf_docs'
{
run migrate plan --models $M/models.ts
run migrate apply --models $M/models.ts
run migrate plan --models $M/models-v2.ts
run migrate apply --models $M/models-v2.ts
run migrate apply --models $M/models-v2.ts
run migrate apply --models $M/models-v3.ts
run migrate plan --models $M/models-v3.ts
run migrate status --models $M/models-v3.ts
run migrate rollback --dry-run
run migrate rollback
run migrate rollback --allow-destructive
run discover
} > "$OUT/postgres.txt"
export DATABASE_URL='mysql://root@127.0.0.1:3306/df_docs'
{
run migrate apply --models $M/dup1.ts
mysqlq 'INSERT INTO members VALUES ("1","a@x.io",NOW(),NOW()),("2","a@x.io",NOW(),NOW())'
echo "(two existing rows share an email)"; echo
run migrate apply --models $M/dup2.ts
run migrate status
run migrate apply --models $M/dup1.ts
echo "(repaired by hand: DELETE FROM members WHERE id = '2'; ALTER TABLE members DROP COLUMN nickname)"; echo
mysqlq "DELETE FROM members WHERE id = '2'"
mysqlq "ALTER TABLE members DROP COLUMN nickname"
run migrate resolve "$(mysqlq 'SELECT id FROM dataflow_migrations WHERE success = 0')"
run migrate apply --models $M/dup2.ts
} > "$OUT/mysql.txt"
echo "wrote $OUT/postgres.txt $OUT/mysql.txt"
