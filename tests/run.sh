#!/usr/bin/env bash
# The whole test-suite from nothing: a venv with the pinned test dependencies, a local
# OpenML mirror built from scikit-learn's recorded responses and served on 127.0.0.1,
# then pytest (extra arguments go to pytest). Nothing here reaches the internet
# except pip.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${OPENML_LITE_VENV:-.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"

mirror_dir=$(mktemp -d -t openml-lite-mirror-XXXX)
server_log=$(mktemp -t openml-lite-mirror-log-XXXX)
"$venv/bin/python" -m openml_lite.mirror build "$mirror_dir" > /dev/null
"$venv/bin/python" -m openml_lite.mirror serve "$mirror_dir" --port 0 > "$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$mirror_dir" "$server_log"' EXIT

for _ in $(seq 100); do
    grep -q '^serving ' "$server_log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$server_log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^serving .* at //p' "$server_log" | head -n 1)
[ -n "$url" ] || { echo "mirror did not start:"; cat "$server_log"; exit 1; }
echo "local OpenML mirror: $url ($mirror_dir)"

export OPENML_LITE_TEST_MIRROR="$url" OPENML_LITE_TEST_MIRROR_DIR="$mirror_dir"
"$venv/bin/python" -m pytest "$@"
