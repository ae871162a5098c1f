#!/usr/bin/env bash
# The whole test-suite from nothing: a venv with the pinned test dependencies, Chromium
# (Debian packages, when missing and we are root), the offline Pyodide distribution and
# the openml-lite wheel (build_wheels.sh), a local OpenML mirror built from
# scikit-learn's recorded responses and served on 127.0.0.1, then pytest over all of it:
# CPython tests, and Pyodide tests in node and headless Chromium. Extra arguments go to
# pytest (e.g. --runtime=node to skip Chromium). Nothing reaches the internet but the
# package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${OPENML_LITE_VENV:-.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"

if ! command -v chromedriver >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
PYTHON="$venv/bin/python" bash build_wheels.sh   # also bundles the JS decoder (npm ci)
OPENML_LITE_PYTHON="$venv/bin/python" node --test tests/js/   # the JS decoder vs pyarrow

mirror_dir=$(mktemp -d -t openml-lite-mirror-XXXX)
server_log=$(mktemp -t openml-lite-mirror-log-XXXX)
# + a generated mnist_784-shaped dataset (wide: column projection); rows as tests/support.py
"$venv/bin/python" -m openml_lite.mirror build "$mirror_dir" --synthetic-mnist-rows 2000 > /dev/null
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
"$venv/bin/python" -m pytest --dist-dir=web/pyodide --runtime=node,chrome "$@"
