#!/usr/bin/env bash
# Build a Sphinx site whose gallery opens its examples in JupyterLite through openml-lite's doc
# kit, offline: the builder behind docs/build.sh (openml-lite's own site) and
# examples/docs-site/build.sh (the kit's smallest example).
#
#   bash web/jupyterlite/sphinx-site.sh SITE_DIR [--pins FILE] [--openml-base-url URL] [--output DIR] [--force]
#
# --pins FILE: another pin set instead of SITE_DIR/requirements.txt (e.g. scikit-learn's doc
# toolchain), in a venv and an output of its own: SITE_DIR/.venv-STEM, SITE_DIR/_build/html-STEM
# (STEM: FILE's name without .txt).
#
# SITE_DIR holds conf.py, requirements.txt (the site's venv, pinned: Sphinx, sphinx-gallery,
# jupyterlite-sphinx, ...), jupyterlite/ (jupyter-lite.json, jupyter_lite_config.json) and
# the site's sources; optionally
#   prepare.sh SRC     run on the clean copy of the sources before sphinx-build (files from
#                      elsewhere in the repository: charts, screenshots)
#   check_build.py OUT run on the built site (OUT) before it replaces the last one; a
#                      non-zero exit fails the build
#
#   - the venv is SITE_DIR/.venv (requirements.txt, then openml-lite from this source tree,
#     editable, --no-deps);
#   - sphinx-gallery runs the examples at build time on CPython against a local OpenML mirror
#     built from scikit-learn's recorded responses and served on 127.0.0.1 (or
#     --openml-base-url); the build fails if they read any ARFF;
#   - the JupyterLite site (html/lite/) runs the local Pyodide 0.27.7 from web/pyodide/, its
#     package index lite/pypi/ holds the openml-lite wheel (web/wheels/) and comm, PyPI
#     fallback is off: it works offline.
#
# Output: SITE_DIR/_build/html (or --output). Exit status: 0 built or up to date; 3 something
# this machine lacks (web/pyodide/ or the wheel: run bash build_wheels.sh; PyPI for the venv);
# 1 the build or its checks failed. Idempotent: when no input changed (the site's files, these
# scripts, src/openml_lite, the wheels, web/pyodide/) it only says so; else it rebuilds from a
# clean copy of the sources in web/.cache/sphinx-NAME/ (the site folder stays as in git).
set -euo pipefail
site=$(cd "${1:?usage: sphinx-site.sh SITE_DIR [options]}" && pwd)
shift
name=$(basename "$site")
start=$SECONDS
# shared with web/jupyterlite/build.sh: the jupyterlite pins, comm, the site checks
source "$(dirname "${BASH_SOURCE[0]}")/lite.sh"
repo=$LITE_REPO

PYTHON=${PYTHON:-python3}
pins=$site/requirements.txt
venv=$site/.venv
out=$site/_build/html
work=$repo/web/.cache/sphinx-$name      # git-ignored (web/.cache/)
if [ "${1:-}" = --pins ]; then
    pins=$(cd "$(dirname "${2:?--pins needs a file}")" && pwd)/$(basename "$2")
    stem=$(basename "$pins" .txt)
    venv=$site/.venv-$stem out=$site/_build/html-$stem work=$work-$stem
    shift 2
fi
lite_options "$@"  # base_url, out (when given), force

die() { echo "$name/build.sh: ERROR: $*" >&2; exit "$die_status"; }
die_status=3  # until the venv and comm are there: what fails is something missing here
for tool in "$PYTHON" sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on PATH"
done
# the site's own files: everything in it but what builds make
site_files() { (cd "$site" && find . \( -name '.venv*' -o -name _build -o -name __pycache__ \) -prune -o -type f -print0 | sort -z); }

# 1. inputs made by build_wheels.sh: made first when missing or older than src/ (from a fresh
#    clone this script is the one command), else used as they are ---------------------------
newest_wheel=$(ls -t "$repo"/web/wheels/openml_lite-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$newest_wheel" ] || [ ! -f "$LITE_PYODIDE/pyodide.js" ] \
    || [ -n "$(find "$repo/src" "$repo/pyproject.toml" -type f -newer "$newest_wheel" -print -quit)" ]; then
    echo "== bash build_wheels.sh (the offline Pyodide and the openml-lite wheel: missing or older than src/)"
    mkdir -p "$work"
    PYTHON=$PYTHON bash "$repo/build_wheels.sh" > "$work/build_wheels.log" 2>&1 \
        || { tail -n 30 "$work/build_wheels.log"; die "bash build_wheels.sh failed (log: $work/build_wheels.log)"; }
fi
lite_wheel
lite_check_pyodide "$PYTHON"

# 2. the venv (PyPI, pinned; pip runs only when the pins, pyproject.toml or Python changed) --
[ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv" || die "could not create $venv"
want=$( { "$venv/bin/python" -VV; cat "$pins" "$LITE_REQUIREMENTS" "$repo/pyproject.toml"; } \
    | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.openml-lite-requirements" 2>/dev/null)" != "$want" ]; then
    echo "== venv $venv: $(basename "$pins") + openml-lite (editable)"
    t=$SECONDS
    {
        "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -r "$pins" \
            && "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --no-deps -e "$repo"
    } > "$venv/pip-install.log" 2>&1 \
        || { tail -n 30 "$venv/pip-install.log"; die "pip install into $venv failed (PyPI needed once; log: $venv/pip-install.log)"; }
    echo "$want" > "$venv/.openml-lite-requirements"
    echo "   ($((SECONDS - t)) s)"
else
    echo "== venv $venv (up to date)"
fi

# 3. comm (PyPI, pinned by sha256) ------------------------------------------------------------
lite_fetch_comm "$venv/bin/python"

die_status=1

# 4. up to date? ----------------------------------------------------------------------------
# a digest of every input: the scripts, the pins, the site's files, openml-lite's source
# (conf.py imports it; the build runs the examples with it), the wheels, the Pyodide folder
# (its lock in full, the other files by name and size), and what prepare.sh copies in (the
# repository's charts and screenshots it names). Not the build-time OpenML URL: the
# examples print the same from any server that has the data.
stamp=$(
    {
        sha256sum "${BASH_SOURCE[0]}" "$LITE_HERE/lite.sh" "$pins" "$LITE_REQUIREMENTS" "$LITE_WHEEL" "$LITE_COMM" \
            "$LITE_PYODIDE/pyodide-lock.json"
        (cd "$site" && site_files | xargs -0 sha256sum)
        (cd "$repo/src/openml_lite" && find . -name '*.py' -print0 | sort -z | xargs -0 sha256sum)
        (cd "$LITE_PYODIDE" && find . -type f -printf '%p %s\n' | sort)
        [ ! -f "$site/prepare.sh" ] || (cd "$repo" && bash "$site/prepare.sh" --inputs | sort | xargs -r sha256sum)
    } | sha256sum | cut -d' ' -f1
)
if [ "$force" = 0 ] && [ "$(cat "$out/.build-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "== $out is up to date ($((SECONDS - start)) s)"
    exit 0
fi

# 5. an OpenML server for the build-time runs ----------------------------------------------
mirror_pid=""
cleanup() {
    [ -z "$mirror_pid" ] || kill "$mirror_pid" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$work"
if [ -z "$base_url" ]; then
    echo "== local OpenML mirror (scikit-learn's recorded datasets)"
    rm -rf "$work/mirror"
    "$venv/bin/python" -m openml_lite.mirror build "$work/mirror" > "$work/mirror-build.log" 2>&1 \
        || { cat "$work/mirror-build.log"; die "building the mirror failed"; }
    "$venv/bin/python" -m openml_lite.mirror serve "$work/mirror" --port 0 > "$work/mirror.log" 2>&1 &
    mirror_pid=$!
    for _ in $(seq 100); do
        grep -q '^serving ' "$work/mirror.log" && break
        kill -0 "$mirror_pid" 2>/dev/null || { cat "$work/mirror.log"; die "the mirror did not start"; }
        sleep 0.1
    done
    base_url=$(sed -n 's/^serving .* at //p' "$work/mirror.log" | head -n 1)
    [ -n "$base_url" ] || { cat "$work/mirror.log"; die "the mirror did not start"; }
fi
echo "   examples read $base_url"

# 6. a clean copy of the sources + the lite dir's binaries, then sphinx-build ---------------------
src=$work/src
rm -rf "$src"
mkdir -p "$src"
(cd "$site" && site_files | xargs -0 cp --parents -t "$src")
[ ! -f "$site/prepare.sh" ] || (cd "$repo" && bash "$site/prepare.sh" "$src") || die "$site/prepare.sh failed"
mkdir -p "$src/jupyterlite/pypi" "$src/jupyterlite/static"
cp "$LITE_WHEEL" "$LITE_COMM" "$src/jupyterlite/pypi/"
# the JupyterLite build copies static/pyodide into the site (a real copy: self-contained)
ln -s "$LITE_PYODIDE" "$src/jupyterlite/static/pyodide"

echo "== sphinx-build -> $out"
rm -rf "$out.tmp"
t=$SECONDS
# -W: a warning fails the build (a broken gallery or a failing example is an error anyway)
OPENML_LITE_BASE_URL=$base_url "$venv/bin/python" -m sphinx -b html -W --keep-going -q \
    "$src" "$out.tmp" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log"; die "sphinx-build failed (log: $work/build.log)"; }
echo "   ($((SECONDS - t)) s)"
if [ -n "$mirror_pid" ]; then
    # the build-time runs went through openml-lite (conf.py's patch): parquet, never ARFF
    "$venv/bin/python" - "$base_url" <<'EOF' || die "the examples did not read the mirror's parquet files (build log: $work/build.log)"
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/_mirror/requests", timeout=10) as answer:
    paths = [request["path"] for request in json.load(answer)]
parquet = sorted({p for p in paths if p.endswith(".pq")})
arff = [p for p in paths if "/data/v1/download/" in p or p.endswith(".arff")]
print(f"   the examples read {', '.join(parquet) or 'no parquet file'}; ARFF: {arff or 'none'}")
sys.exit(0 if parquet and not arff else 1)
EOF
fi

# 7. check the site: JupyterLite's settings and files, each example's notebook with the
#    openml-lite cell first and its page's JupyterLite badge pointing at it (the kit's
#    checks, openml_lite.sphinx_check), the site's own checks; then swap it in
if [ "$pins" = "$site/requirements.txt" ]; then
    lite_check_site "$venv/bin/python" "$out.tmp/lite" "" \
        || die "the built JupyterLite site is not as expected (see above; build log: $work/build.log)"
else  # another toolchain's kernel may run another Pyodide than web/pyodide's (0.8.x: 314)
    echo "   the JupyterLite kernel's settings not checked: $(basename "$pins")'s kernel is" \
        "jupyterlite-pyodide-kernel $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("jupyterlite-pyodide-kernel"))')"
fi
"$venv/bin/python" -m openml_lite.sphinx_check "$out.tmp" "$site/examples" \
    || die "the built site is not as expected (see above; build log: $work/build.log)"
if [ -f "$site/check_build.py" ]; then
    "$venv/bin/python" "$site/check_build.py" "$out.tmp" \
        || die "the built site is not as expected ($site/check_build.py; build log: $work/build.log)"
fi
echo "$stamp" > "$out.tmp/.build-stamp"
rm -rf "$out"
mv "$out.tmp" "$out"

echo "== done in $((SECONDS - start)) s: $out ($(du -sh "$out" | cut -f1))"
echo "   $("$venv/bin/python" -c 'import importlib.metadata as m; print(", ".join(f"{n} {m.version(n)}" for n in ("sphinx", "sphinx-gallery", "jupyterlite-sphinx", "jupyterlite-core", "jupyterlite-pyodide-kernel")))'), Pyodide $("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["info"]["version"])' "$LITE_PYODIDE/pyodide-lock.json") (local)"
echo "   wheels in lite/pypi/: $(basename "$LITE_WHEEL") $COMM_WHEEL"
echo "   serve: python3 -m http.server -d $out 8000"
echo "   open:  http://127.0.0.1:8000/  (example pages: auto_examples/)"
