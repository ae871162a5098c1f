#!/usr/bin/env bash
# The whole test-suite from nothing: a venv with the pinned test dependencies, Chromium
# (Debian packages, when missing and we are root), the offline Pyodide distribution and
# the openml-lite wheel (build_wheels.sh), a local OpenML mirror built from
# scikit-learn's recorded responses and served on 127.0.0.1, OpenML's own ARFF -> parquet
# converter run on those responses in a pinned venv of its own (tests/recipe: the
# reference for the mirror's parquet files), then pytest over all of it:
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
# (the recipe's folder and log are made further down)
trap 'kill "$server_pid" 2>/dev/null || true
      rm -rf "$mirror_dir" "$server_log" "${recipe_dir:-}" "${recipe_log:-}"' EXIT

for _ in $(seq 100); do
    grep -q '^serving ' "$server_log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$server_log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^serving .* at //p' "$server_log" | head -n 1)
[ -n "$url" ] || { echo "mirror did not start:"; cat "$server_log"; exit 1; }
echo "local OpenML mirror: $url ($mirror_dir)"

# OpenML's own ARFF -> parquet converter (tests/recipe: openml-python 0.13.1 and the
# versions that reproduce production files) in a venv of its own on CPython 3.11, run on
# the same recorded fixtures; tests/test_mirror_recipe.py compares the mirror's files
# with its output. pip runs only when requirements.txt or the venv's Python changed
# (a stamp in the venv). Silent unless something fails, then it shows the output.
recipe_venv=${OPENML_LITE_RECIPE_VENV:-.venv-recipe}
recipe_python=${OPENML_LITE_RECIPE_PYTHON:-$(command -v python3.11 || echo python3)}
recipe_log=$(mktemp -t openml-lite-recipe-log-XXXX)
recipe_dir=$(mktemp -d -t openml-lite-recipe-XXXX)
quietly() {
    "$@" > "$recipe_log" 2>&1 || { cat "$recipe_log" >&2; echo "tests/run.sh: failed: $*" >&2; exit 1; }
}
is_311='import sys; sys.exit(sys.version_info[:2] != (3, 11))'
if [ ! -x "$recipe_venv/bin/python" ]; then
    "$recipe_python" -c "$is_311" || {
        echo "tests/run.sh: the OpenML recipe needs CPython 3.11, $recipe_python is not" \
             "(set OPENML_LITE_RECIPE_PYTHON)" >&2; exit 1; }
    quietly "$recipe_python" -m venv "$recipe_venv"
fi
"$recipe_venv/bin/python" -c "$is_311" || {
    echo "tests/run.sh: $recipe_venv is not a CPython 3.11 venv; remove it" >&2; exit 1; }
stamp="$recipe_venv/.openml-lite-requirements"
want=$( { "$recipe_venv/bin/python" -VV; cat tests/recipe/requirements.txt; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    quietly "$recipe_venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        -r tests/recipe/requirements.txt
    echo "$want" > "$stamp"
fi
fixtures_dir=$("$venv/bin/python" -c \
    'from openml_lite.mirror.build import default_fixtures_dir; print(default_fixtures_dir())')
quietly "$recipe_venv/bin/python" tests/recipe/openml_recipe.py "$fixtures_dir" "$recipe_dir"

export OPENML_LITE_TEST_MIRROR="$url" OPENML_LITE_TEST_MIRROR_DIR="$mirror_dir" \
    OPENML_LITE_RECIPE_DIR="$recipe_dir"
"$venv/bin/python" -m pytest --dist-dir=web/pyodide --runtime=node,chrome "$@"
