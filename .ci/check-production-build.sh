#!/usr/bin/env bash
# Proves the build runs with production dependencies only: copies what a deployment ships
# (package files, bin/, dist/ with the browser app, migrations/) and the installed node_modules
# to a temporary directory, removes the dev dependencies there with `npm prune --omit=dev`,
# loads every compiled module, then starts `rapport serve` on embedded PGlite and checks that
# /healthz, /readyz, the browser app and its bundle answer, and that it stops cleanly.
# Run after `npm install` and `npm run build`. Pruning a copy of node_modules rather than
# installing afresh keeps it fast and offline, and sidesteps `npm ci` refusing the lockfile
# (see the note about msgpackr-extract in .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "check-production-build: FAILED: $*" >&2
  exit 1
}

[ -f dist/cli.js ] || fail "dist/cli.js is missing; run npm run build first"
[ -f dist/web/index.html ] || fail "dist/web/index.html is missing; run npm run build first"
[ -d node_modules ] || fail "node_modules is missing; run npm install first"

started=$SECONDS
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A node_modules above the copy would let Node find the dev dependencies we removed.
dir="$work"
while [ "$dir" != "/" ]; do
  dir="$(dirname "$dir")"
  [ ! -e "$dir/node_modules" ] || fail "$dir/node_modules exists above the copy and would hide a missing dependency"
done

app="$work/app"
mkdir -p "$app"
cp -a package.json package-lock.json bin dist migrations "$app/"
# node_modules/. copies the contents even when node_modules is a symlink (as in a git worktree).
cp -a node_modules/. "$app/node_modules"
(cd "$app" && npm prune --omit=dev --offline --no-audit --no-fund --loglevel=error)
for dev_only in vitest playwright-core fast-check typescript; do
  [ ! -e "$app/node_modules/$dev_only" ] || fail "npm prune --omit=dev left $dev_only in node_modules"
done
echo "production copy pruned in $((SECONDS - started))s"

# Every compiled module loads, not only those `serve` imports at start (the CLI's other
# commands and the workers load theirs on demand). cli.js is left out: importing it runs the CLI.
(cd "$app" && env -i PATH="$PATH" node --input-type=module -e '
  import { readdirSync } from "node:fs";
  import { join, resolve } from "node:path";
  import { pathToFileURL } from "node:url";
  const modules = readdirSync("dist", { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.startsWith(join("dist", "web")) && path !== join("dist", "cli.js"));
  for (const path of modules) await import(pathToFileURL(resolve(path)).href);
  console.log(`${modules.length} modules in dist/ load with production dependencies only`);
') || fail "a module in dist/ does not load with production dependencies only"

port="$(node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
base="http://127.0.0.1:$port"
log="$work/serve.log"
# A clean environment: embedded PGlite in a fresh data directory, whatever the caller has set.
(cd "$app" && exec env -i PATH="$PATH" RAPPORT_DATA_DIR="$work/data" LOG_LEVEL=warn node bin/rapport.js serve --host 127.0.0.1 --port "$port") >"$log" 2>&1 &
server_pid=$!

# Prints the status of GET $1 and writes the body to $2.
get() {
  node -e '
    fetch(process.argv[1]).then(
      async (response) => { require("node:fs").writeFileSync(process.argv[2], Buffer.from(await response.arrayBuffer())); console.log(response.status); },
      () => console.log(0),
    );' "$1" "$2"
}

body="$work/body"
deadline=$((SECONDS + 60))
until [ "$(get "$base/healthz" "$body")" = 200 ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "rapport serve exited before answering /healthz"; }
  [ "$SECONDS" -lt "$deadline" ] || { cat "$log" >&2; fail "GET /healthz did not answer 200 within 60s"; }
  sleep 0.5
done
echo "server up in $((SECONDS - started))s"

check() {
  local path="$1" expected="$2" status
  status="$(get "$base$path" "$body")"
  [ "$status" = 200 ] || { cat "$log" >&2; fail "GET $path answered $status"; }
  grep -q "$expected" "$body" || { cat "$log" >&2; fail "GET $path does not contain $expected"; }
  echo "GET $path: 200"
}
check /readyz '"status":"ready"'
check / '<div id="root">'
bundle="$(grep -o '/assets/index-[A-Za-z0-9_-]*\.js' "$body" | head -1)"
[ -n "$bundle" ] || fail "the browser app's index.html names no bundle"
check "$bundle" .

kill -TERM "$server_pid"
deadline=$((SECONDS + 20))
while kill -0 "$server_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || { cat "$log" >&2; fail "rapport serve did not stop within 20s of SIGTERM"; }
  sleep 0.5
done
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" = 0 ] || { cat "$log" >&2; fail "rapport serve exited with status $status on SIGTERM"; }
echo "check-production-build: passed in $((SECONDS - started))s"
