#!/usr/bin/env bash
# Build the example documentation site into examples/docs-site/_build/html/:
#   - Sphinx + sphinx-gallery + jupyterlite-sphinx (pinned in requirements.txt, which
#     includes web/jupyterlite/requirements.txt: jupyterlite-core 0.6.4 and
#     jupyterlite-pyodide-kernel 0.6.1) in a venv of its own, examples/docs-site/.venv/,
#     with openml-lite installed from this source tree (editable);
#   - sphinx-gallery runs the two examples (examples/*.py, plain sklearn fetch_openml) at
#     build time on CPython, against a local OpenML mirror this script builds from
#     scikit-learn's recorded responses and serves on 127.0.0.1 (or --openml-base-url);
#   - the JupyterLite site (html/lite/) runs the local Pyodide 0.27.7 from web/pyodide/
#     (copied into lite/static/pyodide/), its package index lite/pypi/ holds the openml-lite
#     wheel (web/wheels/) and comm, PyPI fallback is off: it works offline;
#   - conf.py's use_openml_lite(bundle=True) gives each notebook that calls fetch_openml a
#     first cell that installs openml-lite, patches scikit-learn and asks the site's own copy
#     of the data first; the extension openml_lite.sphinx exports the datasets the examples
#     loaded at build time into html/_static/openml/ (a static OpenML mirror).
#
# Options:
#   --openml-base-url URL   the OpenML server the examples read at build time (default: a
#                           local mirror started here, stopped at the end). Not part of the
#                           site: the notebooks read www.openml.org, or OPENML_LITE_BASE_URL
#                           if their kernel has it (tests/browser/test_docs_site.py serves
#                           the site with it set).
#   --output DIR            build there instead of examples/docs-site/_build/html.
#   --force                 rebuild even when the site is up to date.
# PYTHON=... picks the python that creates the venv (>= 3.11; default python3).
# Exit status: 0 built or up to date; 3 something this machine lacks (web/pyodide/ or the
# wheel: run bash build_wheels.sh; PyPI for the venv); 1 the build or its checks failed.
#
# Needs bash build_wheels.sh first (web/pyodide/ with the kernel's packages, the wheel).
# Offline except for PyPI (the venv and comm, once; pinned). Idempotent: when no input
# changed (this script, web/jupyterlite/lite.sh, the requirements, conf.py, index.rst,
# examples/, jupyterlite/, src/openml_lite, the wheels, web/pyodide/) it only says so; else
# it rebuilds from a clean copy of the sources in web/.cache/docs-site/ (the source folder
# stays as it is in git). Serve the result with any static server, e.g.
#   python3 -m http.server -d examples/docs-site/_build/html 8000
#   -> http://127.0.0.1:8000/  (each example page has a "launch JupyterLite" badge)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
start=$SECONDS
# shared with web/jupyterlite/build.sh: the jupyterlite pins, comm, the site checks
source "$here/../../web/jupyterlite/lite.sh"
repo=$LITE_REPO

PYTHON=${PYTHON:-python3}
venv=$here/.venv
out=$here/_build/html
work=$repo/web/.cache/docs-site      # git-ignored (web/.cache/)
lite_options "$@"  # base_url, out (when given), force

die() { echo "examples/docs-site/build.sh: ERROR: $*" >&2; exit "$die_status"; }
die_status=3  # until the venv and comm are there: what fails is something missing here
for tool in "$PYTHON" sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on PATH"
done

# 1. inputs made by build_wheels.sh ---------------------------------------------------------
lite_wheel
lite_check_pyodide "$PYTHON"

# 2. the venv (PyPI, pinned; pip runs only when the pins, pyproject.toml or Python changed) --
[ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv" || die "could not create $venv"
want=$( { "$venv/bin/python" -VV; cat "$here/requirements.txt" "$LITE_REQUIREMENTS" "$repo/pyproject.toml"; } \
    | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.openml-lite-requirements" 2>/dev/null)" != "$want" ]; then
    echo "== venv $venv: requirements.txt + openml-lite (editable)"
    t=$SECONDS
    {
        "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -r "$here/requirements.txt" \
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
# a digest of every input: the scripts, the pins, the site's sources, openml-lite's source
# (conf.py imports it; the build runs the examples with it), the wheels, the Pyodide folder
# (its lock in full, the other files by name and size). Not the build-time OpenML URL: the
# examples print the same from any server that has the data.
stamp=$(
    {
        sha256sum "$here/build.sh" "$LITE_HERE/lite.sh" "$here/requirements.txt" "$LITE_REQUIREMENTS" \
            "$LITE_WHEEL" "$LITE_COMM" "$LITE_PYODIDE/pyodide-lock.json"
        (cd "$here" && find conf.py index.rst examples jupyterlite -type f -print0 | sort -z | xargs -0 sha256sum)
        (cd "$repo/src/openml_lite" && find . -name '*.py' -print0 | sort -z | xargs -0 sha256sum)
        (cd "$LITE_PYODIDE" && find . -type f -printf '%p %s\n' | sort)
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
(cd "$here" && cp -R conf.py index.rst examples jupyterlite "$src/")
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
#    openml-lite cell first and its page's JupyterLite badge pointing at it; then swap it in
lite_check_site "$venv/bin/python" "$out.tmp/lite" "" \
    || die "the built JupyterLite site is not as expected (see above; build log: $work/build.log)"
"$venv/bin/python" - "$out.tmp" "$here/examples" <<'EOF' || die "the built site is not as expected (see above; build log: $work/build.log)"
import json, re, sys
from pathlib import Path
from openml_lite.sphinx import MARKER
html, examples = Path(sys.argv[1]), Path(sys.argv[2])
problems = []
names = sorted(p.stem for p in examples.glob("*.py"))
if not names:
    problems.append(f"no examples in {examples}")
for name in names:
    page = html / "auto_examples" / f"{name}.html"
    if not page.is_file():
        problems.append(f"{page.relative_to(html)} is missing")
        continue
    links = re.findall(r'href="([^"]*lite/lab/index\.html\?path=[^"]*)"', page.read_text())
    if links != [f"../lite/lab/index.html?path=auto_examples/{name}.ipynb"]:
        problems.append(f"{page.relative_to(html)}: JupyterLite links {links}")
    notebook = html / "lite" / "files" / "auto_examples" / f"{name}.ipynb"
    if not notebook.is_file():
        problems.append(f"{notebook.relative_to(html)} is missing")
        continue
    cells = json.loads(notebook.read_text())["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    if not code or not "".join(code[0]["source"]).startswith(MARKER):
        problems.append(f"{notebook.relative_to(html)}: the first code cell is not openml-lite's")
    elif "use_site_mirror('_static/openml')" not in "".join(code[0]["source"]):
        problems.append(f"{notebook.relative_to(html)}: the first code cell does not ask the site's mirror")
# the bundle: the datasets the examples loaded (iris 61, Titanic 40945), as a static mirror
index = html / "_static" / "openml" / "openml-lite-mirror.json"
bundled = sorted(d["data_id"] for d in json.loads(index.read_text())["datasets"]) if index.is_file() else None
if bundled != [61, 40945]:
    problems.append(f"_static/openml holds {bundled}, not the examples' datasets [61, 40945]")
else:
    print(f"   bundled in _static/openml/: {', '.join(d['name'] for d in json.loads(index.read_text())['datasets'])}")
for problem in problems:
    print("  " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
echo "$stamp" > "$out.tmp/.build-stamp"
rm -rf "$out"
mv "$out.tmp" "$out"

echo "== done in $((SECONDS - start)) s: $out ($(du -sh "$out" | cut -f1))"
echo "   $("$venv/bin/python" -c 'import importlib.metadata as m; print(", ".join(f"{n} {m.version(n)}" for n in ("sphinx", "sphinx-gallery", "jupyterlite-sphinx", "jupyterlite-core", "jupyterlite-pyodide-kernel")))'), Pyodide $("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["info"]["version"])' "$LITE_PYODIDE/pyodide-lock.json") (local)"
echo "   wheels in lite/pypi/: $(basename "$LITE_WHEEL") $COMM_WHEEL"
echo "   serve: python3 -m http.server -d $out 8000"
echo "   open:  http://127.0.0.1:8000/  (example pages: auto_examples/)"
