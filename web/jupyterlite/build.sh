#!/usr/bin/env bash
# Build an offline JupyterLite site with openml-lite into web/jupyterlite/_output/:
#   - JupyterLab app from jupyterlite-core 0.6.4 + jupyterlite-pyodide-kernel 0.6.1 (the
#     last kernel line on Pyodide 0.27.x), installed from PyPI into a venv of its own,
#     web/jupyterlite/.venv/;
#   - the kernel runs the local Pyodide 0.27.7 from web/pyodide/ (copied into the site's
#     static/pyodide/; build_wheels.sh makes it, with what the kernel needs to start:
#     see web/pyodide-packages.txt), never the CDN;
#   - the site's own package index pypi/ holds the openml-lite wheel (web/wheels/) and
#     comm (a pure wheel the kernel installs at start that Pyodide does not carry), and
#     disablePyPIFallback is on, so `%pip install openml-lite` works offline;
#   - the notebooks under web/jupyterlite/files/ are the site's files;
#   - exposeAppInBrowser: true (window.jupyterapp, for tests/browser/test_jupyterlite.py).
#
# Options:
#   --openml-base-url URL   bake OPENML_LITE_BASE_URL=URL into the kernel's environment
#                           (Pyodide's loadPyodide `env`): every notebook of the site then
#                           reads from that OpenML mirror, no notebook change needed.
#                           Default: none (openml-lite's default, https://www.openml.org).
#   --output DIR            build there instead of web/jupyterlite/_output.
#   --force                 rebuild even when the site is up to date.
# PYTHON=... picks the python that creates the venv (>= 3.9; default python3).
#
# Offline except for PyPI (the venv and comm, once; both pinned). Idempotent: when no input
# changed (this script, files/, the wheel, web/pyodide/, the options) it only says so; else
# it rebuilds the site from clean (JupyterLite's build cache can keep old settings).
# Serve the result with any static server, e.g.
#   python3 -m http.server -d web/jupyterlite/_output 8000
#   -> http://127.0.0.1:8000/lab/index.html?path=openml-lite-demo.ipynb
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
start=$SECONDS
# shared with examples/docs-site/build.sh: the pins (requirements.txt), comm, the checks
source "$here/lite.sh"

PYTHON=${PYTHON:-python3}
# what the venv gets from PyPI (jupyter-server: the build needs it for the files/ contents)
mapfile -t REQUIREMENTS < <(lite_pins)

venv=$here/.venv
out=$here/_output
pyodide=$LITE_PYODIDE
cache=$LITE_CACHE
lite_options "$@"  # base_url, out (when given), force

die() { echo "web/jupyterlite/build.sh: ERROR: $*" >&2; exit 1; }
for tool in "$PYTHON" sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on PATH"
done

# 1. inputs made by build_wheels.sh ---------------------------------------------------------
lite_wheel
wheel=$LITE_WHEEL
lite_check_pyodide "$PYTHON"

# 2. the venv with jupyterlite (PyPI, pinned) ------------------------------------------------
pins=$(printf '%s\n' "${REQUIREMENTS[@]}")
if [ ! -x "$venv/bin/jupyter" ] || [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
    echo "== venv $venv: ${REQUIREMENTS[*]}"
    [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv" || die "could not create $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}" \
        > "$venv/pip-install.log" 2>&1 \
        || { cat "$venv/pip-install.log"; die "pip install of jupyterlite into $venv failed (PyPI needed once)"; }
    echo "$pins" > "$venv/.pins"
else
    echo "== venv $venv (up to date)"
fi

# 3. comm (PyPI, pinned by sha256) ------------------------------------------------------------
lite_fetch_comm "$venv/bin/python"

# 4. up to date? ----------------------------------------------------------------------------
# a digest of every input: this script, the notebooks, the wheels, the Pyodide folder
# (its lock in full, the other files by name and size) and the options
stamp=$(
    {
        sha256sum "$here/build.sh" "$here/lite.sh" "$LITE_REQUIREMENTS" "$wheel" "$LITE_COMM" \
            "$pyodide/pyodide-lock.json"
        (cd "$here/files" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
        (cd "$pyodide" && find . -type f -printf '%p %s\n' | sort)
        echo "base_url=$base_url"
    } | sha256sum | cut -d' ' -f1
)
if [ "$force" = 0 ] && [ "$(cat "$out/.build-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "== $out is up to date ($((SECONDS - start)) s)"
    exit 0
fi

# 5. assemble the lite dir (from clean) and build ----------------------------------------------
lite=$cache/lite
echo "== assembling $lite"
rm -rf "$lite"
mkdir -p "$lite/pypi" "$lite/static"
cp -R "$here/files" "$lite/files"
cp "$wheel" "$LITE_COMM" "$lite/pypi/"
# the build copies static/pyodide into the site (a real copy: the site is self-contained)
ln -s "$pyodide" "$lite/static/pyodide"
BASE_URL=$base_url "$venv/bin/python" - "$lite/jupyter-lite.json" <<'EOF'
import json, os, sys
kernel = {
    "pyodideUrl": "./static/pyodide/pyodide.js",  # the local Pyodide 0.27.7, never the CDN
    "disablePyPIFallback": True,                   # %pip install: the site's pypi/ + Pyodide only
}
if os.environ["BASE_URL"]:
    kernel["loadPyodideOptions"] = {"env": {"OPENML_LITE_BASE_URL": os.environ["BASE_URL"]}}
config = {
    "jupyter-lite-schema-version": 0,
    "jupyter-config-data": {
        "appName": "openml-lite",
        "exposeAppInBrowser": True,  # window.jupyterapp, for tests/browser/test_jupyterlite.py
        "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
    },
}
with open(sys.argv[1], "w") as f:
    json.dump(config, f, indent=2)
EOF

echo "== jupyter lite build -> $out"
rm -rf "$out.tmp"
(
    cd "$lite"
    "$venv/bin/jupyter" lite build --lite-dir "$lite" --output-dir "$out.tmp" --no-sourcemaps
) > "$cache/build.log" 2>&1 || { cat "$cache/build.log"; die "jupyter lite build failed"; }

# 6. check what the kernel will read, then swap the new site in ---------------------------------
lite_check_site "$venv/bin/python" "$out.tmp" "$base_url" files/openml-lite-demo.ipynb \
    || die "the built site is not as expected (see above; build log: $cache/build.log)"
echo "$stamp" > "$out.tmp/.build-stamp"
rm -rf "$out"
mv "$out.tmp" "$out"

echo "== done in $((SECONDS - start)) s: $out ($(du -sh "$out" | cut -f1))"
echo "   jupyterlite-core $(grep -h '^jupyterlite-core' <<< "$pins" | cut -d= -f3), jupyterlite-pyodide-kernel $(grep -h '^jupyterlite-pyodide-kernel' <<< "$pins" | cut -d= -f3), Pyodide $("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["info"]["version"])' "$pyodide/pyodide-lock.json") (local)"
echo "   wheels in pypi/: $(basename "$wheel") $COMM_WHEEL"
[ -n "$base_url" ] && echo "   kernel env: OPENML_LITE_BASE_URL=$base_url"
echo "   serve: python3 -m http.server -d $out 8000"
echo "   open:  http://127.0.0.1:8000/lab/index.html?path=openml-lite-demo.ipynb"
