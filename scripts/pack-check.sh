#!/usr/bin/env bash
# The package as a user gets it: build, pack, install the tarball into a scratch app with another
# patch of effect 3.x than ours and only the SQLite driver, type-check the README quickstart there
# (strict, no skipLibCheck) and run it; then check that a postgres:// URL without pg installed fails
# with DriverNotInstalled naming the packages to install.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)

# one patch below our devDependency's effect (or above, when ours is x.y.0)
ours=$(node -p 'require("./package.json").devDependencies.effect')
IFS=. read -r major minor patch <<<"$ours"
if [ "$patch" -gt 0 ]; then other="$major.$minor.$((patch - 1))"; else other="$major.$minor.$((patch + 1))"; fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dataflow-pack-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

npm run build --silent
tarball=$(npm pack --silent --pack-destination "$scratch" | tail -1)

cd "$scratch"
cat >package.json <<'JSON'
{ "name": "pack-check-app", "private": true, "type": "module" }
JSON
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "skipLibCheck": false,
    "outDir": "out",
    "types": ["node"]
  },
  "files": ["quickstart.ts", "no-driver.ts"]
}
JSON
# only the SQLite driver (better-sqlite3, our tested version); typescript and @types/node for the type check.
# Install scripts are skipped: better-sqlite3's native addon is the one our own install built (same
# version, same machine) instead of a compile of a minute or more; other versions are rebuilt.
sqlite=$(node -p "require('$root/node_modules/better-sqlite3/package.json').version")
npm install --no-audit --no-fund --loglevel=error --ignore-scripts \
  "./$tarball" "effect@$other" "better-sqlite3@$sqlite" \
  "typescript@$(node -p "require('$root/node_modules/typescript/package.json').version")" "@types/node@^20"
addon=build/Release/better_sqlite3.node
if [ -f "$root/node_modules/better-sqlite3/$addon" ]; then
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$root/node_modules/better-sqlite3/$addon" "node_modules/better-sqlite3/$addon"
else
  npm rebuild better-sqlite3 --loglevel=error
fi
installed=$(node -p 'require("effect/package.json").version')
[ "$installed" = "$other" ] || { echo "pack-check: effect $installed installed, wanted $other" >&2; exit 1; }
for absent in pg mysql2 @effect/sql-pg @effect/sql-mysql2; do
  if [ -e "node_modules/$absent" ]; then echo "pack-check: $absent is installed; it must not be" >&2; exit 1; fi
done

cp "$root/examples/quickstart.ts" quickstart.ts
cat >no-driver.ts <<'TS'
// A postgres:// URL without pg installed: the layer fails with DriverNotInstalled naming the packages.
import { Effect, Exit } from "effect"
import { Database } from "effect-dataflow"

const exit = await Effect.runPromiseExit(
  Database.health.pipe(Effect.provide(Database.layer({ url: "postgres://127.0.0.1:1/none" })))
)
const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? (exit.cause.error as { _tag: string }) : undefined
const packages = (error as { packages?: ReadonlyArray<string> } | undefined)?.packages ?? []
if (error?._tag !== "DriverNotInstalled" || !packages.includes("pg")) {
  console.error("expected DriverNotInstalled naming pg, got", exit)
  process.exit(1)
}
console.log(`${error._tag}: npm install ${packages.join(" ")}`)
TS
npx tsc -p .
DATABASE_URL="sqlite:$scratch/quickstart.db" node out/quickstart.js
node out/no-driver.js
echo "pack-check: ok with effect $other in $(($(date +%s) - start))s"
