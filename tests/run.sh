#!/usr/bin/env bash
# The whole test-suite from nothing: a venv with the pinned test dependencies, Chromium
# (Debian packages, when missing and we are root), the offline Pyodide distribution and
# the openml-lite wheel (build_wheels.sh), a local OpenML mirror built from
# scikit-learn's recorded responses and served on 127.0.0.1, OpenML's own ARFF -> parquet
# converter run on those responses in a pinned venv of its own (tests/recipe: the
# reference for the mirror's parquet files), polars 1.18.0 and 1.33.1 as Pyodide ships
# them (web/.cache/polars-*, for tests/test_polars_stand_in.py), then pytest over all of it:
# CPython tests, and Pyodide tests in node and headless Chromium (tests/browser also builds
# the JupyterLite demo site and the example docs site, examples/docs-site, each in a pinned
# venv of its own, and runs their notebooks in Chromium and Firefox); then the CPython tests
# again on pandas 3 in a second venv (tests/pandas3). Extra arguments go to pytest (e.g.
# --runtime=node to skip Chromium; what the pandas-3 run takes of them: see there). Both
# runs must pass. Nothing reaches the internet but the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${OPENML_LITE_VENV:-.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"

if ! command -v chromedriver >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# Firefox: the browser tests run in it too (tests/browsers.py drives it with puppeteer-core)
if ! command -v firefox-esr >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi
PYTHON="$venv/bin/python" bash build_wheels.sh   # also bundles the JS decoder (npm ci)
# polars as Pyodide ships it (0.27.7: 1.18.0, 314.0.7: 1.33.1; tests/test_polars_stand_in.py
# checks these against web/pyodide*/pyodide-lock.json), each in a folder of its own: the
# stand-in test puts one first on a child interpreter's PYTHONPATH. polars 1.x is one
# wheel with no dependencies (2.x split into polars + polars-runtime-32). Installed once.
for version in 1.18.0 1.33.1; do
    [ -f "web/.cache/polars-$version/polars/__init__.py" ] ||
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
            --no-deps --target "web/.cache/polars-$version" "polars==$version"
done
OPENML_LITE_PYTHON="$venv/bin/python" node --test tests/js/   # the JS decoder vs pyarrow

mirror_dir=$(mktemp -d -t openml-lite-mirror-XXXX)
server_log=$(mktemp -t openml-lite-mirror-log-XXXX)
# + a generated mnist_784-shaped dataset (wide: column projection); rows as tests/support.py
"$venv/bin/python" -m openml_lite.mirror build "$mirror_dir" --synthetic-mnist-rows 2000 > /dev/null
"$venv/bin/python" -m openml_lite.mirror serve "$mirror_dir" --port 0 > "$server_log" 2>&1 &
server_pid=$!
# (the recipe's folder and the quiet steps' log are made further down)
trap 'kill "$server_pid" 2>/dev/null || true
      rm -rf "$mirror_dir" "$server_log" "${recipe_dir:-}" "${quiet_log:-}"' EXIT

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
quiet_log=$(mktemp -t openml-lite-quiet-log-XXXX)
recipe_dir=$(mktemp -d -t openml-lite-recipe-XXXX)
quietly() {
    "$@" > "$quiet_log" 2>&1 || { cat "$quiet_log" >&2; echo "tests/run.sh: failed: $*" >&2; exit 1; }
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

# The CPython suite on pandas 3: a venv of its own with the newest pandas 3 / numpy 2
# and the other CPython test dependencies, pinned in tests/pandas3/requirements.txt;
# openml-lite installed editable (--no-deps: the pins are the whole environment), so
# it tests the working tree as the main venv does and needs no reinstall when src/
# changes. pip runs only when the requirements, pyproject.toml or the venv's Python
# changed (a stamp in the venv), silently unless it fails.
pandas3_venv=${OPENML_LITE_PANDAS3_VENV:-.venv-pandas3}
[ -x "$pandas3_venv/bin/python" ] || quietly python3 -m venv "$pandas3_venv"
stamp="$pandas3_venv/.openml-lite-requirements"
want=$( { "$pandas3_venv/bin/python" -VV; cat tests/pandas3/requirements.txt pyproject.toml; } \
    | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    quietly "$pandas3_venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        -r tests/pandas3/requirements.txt
    quietly "$pandas3_venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        --no-deps -e .
    echo "$want" > "$stamp"
fi

# What the pandas-3 run takes of the extra arguments: output and stop options (-q, -v,
# -x, -s, -r..., --tb=, --maxfail=), selections (-k, -m, --deselect) and test paths
# outside tests/pyodide, tests/pyodide_core and tests/browser. The rest (Pyodide options
# such as --runtime, --dist-dir) is the Pyodide runs' alone. Test paths given, none of them CPython: no
# pandas-3 run.
pandas3_args=()
paths_given=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    arg=${args[i]}
    case $arg in
        -k | -m | --deselect)
            pandas3_args+=("$arg" "${args[i + 1]:-}"); i=$((i + 1)) ;;
        -q | -qq | -v | -vv | -x | --exitfirst | -s | -l | -r* | --tb=* | --maxfail=* | \
        -k?* | -m?* | --deselect=*)
            pandas3_args+=("$arg") ;;
        -*) ;;
        *)
            [ -e "${arg%%::*}" ] || continue  # an option's value (--runtime node), not a path
            paths_given=1
            case $(realpath -m "${arg%%::*}") in
                "$PWD"/tests/pyodide_core | "$PWD"/tests/pyodide_core/*) core_paths=1 ;;
                "$PWD"/tests/pyodide | "$PWD"/tests/pyodide/* | "$PWD"/tests/browser | "$PWD"/tests/browser/*)
                    other_paths=1 ;;
                *) pandas3_args+=("$arg"); cpython_paths=1; other_paths=1 ;;
            esac ;;
    esac
done

export OPENML_LITE_TEST_MIRROR="$url" OPENML_LITE_TEST_MIRROR_DIR="$mirror_dir" \
    OPENML_LITE_RECIPE_DIR="$recipe_dir"
status=0
"$venv/bin/python" -m pytest --dist-dir=web/pyodide --runtime=node,chrome "$@" || status=$?

# The numpy-free layer (tests/pyodide_core; the run above covered it on 0.27.7) on the newer
# Pyodide cores build_wheels.sh puts in web/pyodide-<version>/ (its NEWER_PYODIDE), where
# numpy and pandas cannot be had offline: when no test paths were given, or only paths in
# tests/pyodide_core. The same extra arguments; 5 (nothing selected by -k/-m) is no failure.
if [ "$paths_given" = 0 ] || { [ -n "${core_paths:-}" ] && [ -z "${other_paths:-}" ]; }; then
    core_target=()
    [ "$paths_given" = 1 ] || core_target=(tests/pyodide_core)
    for version in 0.29.5 314.0.7; do
        echo "The numpy-free layer on Pyodide $version (web/pyodide-$version):"
        core_status=0
        "$venv/bin/python" -m pytest --runtime=node,chrome "$@" "${core_target[@]}" \
            --dist-dir="web/pyodide-$version" || core_status=$?
        [ "$core_status" = 0 ] || [ "$core_status" = 5 ] || status=$core_status
    done
fi

if [ "$paths_given" = 1 ] && [ -z "${cpython_paths:-}" ]; then
    echo "tests/run.sh: no CPython test paths given, so no pandas-3 run"
    exit "$status"
fi
versions=$("$pandas3_venv/bin/python" -c \
    'import numpy, pandas, sklearn; print(f"pandas {pandas.__version__}, numpy {numpy.__version__}, scikit-learn {sklearn.__version__}")')
echo "CPython tests on $versions ($pandas3_venv), same mirror:"
pandas3_status=0
"$pandas3_venv/bin/python" -m pytest -p no:pytest_pyodide --ignore=tests/pyodide --ignore=tests/pyodide_core \
    --ignore=tests/browser \
    "${pandas3_args[@]}" || pandas3_status=$?
# 5: nothing collected (a -k or -m meant for Pyodide tests only): nothing failed
[ "$pandas3_status" = 0 ] || [ "$pandas3_status" = 5 ] || status=$pandas3_status
exit "$status"
