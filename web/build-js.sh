#!/usr/bin/env bash
# Bundle web/js/parquet-columns.mjs (with hyparquet) into ONE self-contained classic script:
#   src/openml_lite/engines/parquet_columns.bundle.js
# It defines one variable, openmlLiteParquet (the module's exports). A script, not an ES
# module, because Python evaluates it synchronously (pyodide.code.run_js): importing a
# module means awaiting a promise, which the sync API cannot do without JSPI.
# Runs `npm ci` first when node_modules is missing or does not match package-lock.json.
# Idempotent: the bundle is only rewritten when its content changes.
#   bash web/build-js.sh --check   exit 1 if the bundle is missing or out of date
#                                  (writes nothing, never runs npm)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=0
[ "${1:-}" = "--check" ] && check=1

src=web/js/parquet-columns.mjs
out=src/openml_lite/engines/parquet_columns.bundle.js

# node_modules up to date? Every package in the lockfile installed at its locked version.
lock_ok() {
  [ -d node_modules ] || return 1
  node -e '
    const fs = require("fs")
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"))
    for (const [path, info] of Object.entries(lock.packages || {})) {
      if (!path || info.link) continue
      let installed
      try { installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version }
      catch { if (info.optional) continue; process.exit(1) }
      if (installed !== info.version) process.exit(1)
    }
  ' 2>/dev/null
}
if ! lock_ok; then
  if [ "$check" = 1 ]; then echo "build-js: node_modules missing or stale, cannot check" >&2; exit 2; fi
  echo "build-js: node_modules missing or stale, running npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

version=$(node -p 'require("./node_modules/hyparquet/package.json").version')
# hyparquet is MIT licensed: its notice travels with the bundle
banner="/*! openml-lite parquet_columns bundle (web/js/parquet-columns.mjs). Includes hyparquet ${version} (https://github.com/hyparam/hyparquet), Copyright (c) Hyperparam, MIT License: $(tr '\n' ' ' < node_modules/hyparquet/LICENSE | sed 's/  */ /g; s/ *$//; s/\*\//* \//g') */"

tmp=$(mktemp "${TMPDIR:-/tmp}/parquet_columns.XXXXXX.js")
trap 'rm -f "$tmp"' EXIT
node_modules/.bin/esbuild "$src" --bundle --format=iife --global-name=openmlLiteParquet --platform=neutral --target=es2020 \
  --minify --legal-comments=none --banner:js="$banner" --log-level=warning --outfile="$tmp"

# a bundle that still imports anything is not self-contained
if grep -Eq '(^|[;}])import[ {*"'\'']|import\(|require\(' "$tmp"; then
  echo "build-js: bundle is not self-contained (import/require left)" >&2
  exit 1
fi

if [ "$check" = 1 ]; then
  if [ -f "$out" ] && cmp -s "$tmp" "$out"; then echo "build-js: $out is up to date"; exit 0; fi
  echo "build-js: $out is missing or out of date: run bash web/build-js.sh" >&2
  exit 1
fi

mkdir -p "$(dirname "$out")"
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
  state=unchanged
else
  cp "$tmp" "$out"
  state=written
fi
chmod 644 "$out"  # mktemp made it 0600; the wheel keeps file modes
bytes=$(wc -c < "$out")
gz=$(gzip -9c "$out" | wc -c)
echo "build-js: $out $state: $bytes bytes ($gz gzipped), hyparquet $version"
