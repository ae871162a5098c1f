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
repo=$(cd "$here/../.." && pwd)
start=$SECONDS

PYTHON=${PYTHON:-python3}
# what the venv gets from PyPI (jupyter-server: the build needs it for the files/ contents)
REQUIREMENTS=(
    "jupyterlite-core==0.6.4"
    "jupyterlite-pyodide-kernel==0.6.1"
    "jupyter-server==2.16.0"
)
# the pure wheel of comm the kernel installs at start (piplite.install('comm')); not a
# Pyodide package, so it goes into the site's pypi/ folder
COMM_VERSION=0.2.3
COMM_WHEEL=comm-$COMM_VERSION-py3-none-any.whl
COMM_SHA256=c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417
# lock packages the kernel installs when it starts (and their lock dependencies)
KERNEL_PACKAGES="micropip packaging ssl sqlite3 ipython jedi"

venv=$here/.venv
out=$here/_output
pyodide=$repo/web/pyodide
cache=$repo/web/.cache/jupyterlite      # git-ignored (web/.cache/)
base_url=""
force=0
while [ $# -gt 0 ]; do
    case $1 in
        --openml-base-url) base_url=${2:?--openml-base-url needs a URL}; shift 2 ;;
        --openml-base-url=*) base_url=${1#*=}; shift ;;
        --output) out=$(mkdir -p "${2:?--output needs a folder}" && cd "$2" && pwd); shift 2 ;;
        --output=*) out=$(mkdir -p "${1#*=}" && cd "${1#*=}" && pwd); shift ;;
        --force) force=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

die() { echo "web/jupyterlite/build.sh: ERROR: $*" >&2; exit 1; }
have_sha256() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }
for tool in "$PYTHON" sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on PATH"
done

# 1. inputs made by build_wheels.sh ---------------------------------------------------------
shopt -s nullglob
wheels=("$repo"/web/wheels/openml_lite-*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || die "expected one openml_lite wheel in web/wheels/, found ${#wheels[@]}: run bash build_wheels.sh first"
wheel=${wheels[0]}
[ -f "$pyodide/pyodide.js" ] && [ -f "$pyodide/pyodide-lock.json" ] \
    || die "no Pyodide in web/pyodide/: run bash build_wheels.sh first"
# every file the kernel loads at start must be there, or it hangs on a 404 with no message
"$PYTHON" - "$pyodide" $KERNEL_PACKAGES <<'EOF' || die "web/pyodide/ lacks what the JupyterLite kernel needs: run bash build_wheels.sh (web/pyodide-packages.txt lists it)"
import json, re, sys
from pathlib import Path
folder, names = Path(sys.argv[1]), sys.argv[2:]
packages = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
canon = lambda n: re.sub(r"[-_.]+", "-", n).lower()
todo, seen, missing = [canon(n) for n in names], set(), []
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    entry = packages.get(name)
    if entry is None or not (folder / entry["file_name"]).is_file():
        missing.append(name)
        continue
    todo.extend(canon(d) for d in entry.get("depends", []))
if missing:
    print("  missing in web/pyodide/: " + ", ".join(sorted(missing)), file=sys.stderr)
    sys.exit(1)
EOF

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
mkdir -p "$cache/wheels"
if ! have_sha256 "$cache/wheels/$COMM_WHEEL" "$COMM_SHA256"; then
    rm -f "$cache/wheels/$COMM_WHEEL"
    echo "comm==$COMM_VERSION --hash=sha256:$COMM_SHA256" > "$cache/comm-requirements.txt"
    "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: --require-hashes -r "$cache/comm-requirements.txt" -d "$cache/wheels" \
        > "$cache/pip-download.log" 2>&1 \
        || { cat "$cache/pip-download.log"; die "pip download comm==$COMM_VERSION failed"; }
    have_sha256 "$cache/wheels/$COMM_WHEEL" "$COMM_SHA256" || die "$COMM_WHEEL: wrong sha256"
fi

# 4. up to date? ----------------------------------------------------------------------------
# a digest of every input: this script, the notebooks, the wheels, the Pyodide folder
# (its lock in full, the other files by name and size) and the options
stamp=$(
    {
        sha256sum "$here/build.sh" "$wheel" "$cache/wheels/$COMM_WHEEL" "$pyodide/pyodide-lock.json"
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
cp "$wheel" "$cache/wheels/$COMM_WHEEL" "$lite/pypi/"
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
"$venv/bin/python" - "$out.tmp" "$(basename "$wheel")" "$COMM_WHEEL" "$base_url" <<'EOF' || die "the built site is not as expected (see above; build log: $cache/build.log)"
import json, sys
from pathlib import Path
out, wheel, comm, base_url = Path(sys.argv[1]), *sys.argv[2:]
problems = []
config = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
    problems.append(f"pyodideUrl is {kernel.get('pyodideUrl')!r}")
if kernel.get("disablePyPIFallback") is not True:
    problems.append("disablePyPIFallback is not true")
if not any(url.split("?")[0] == "./pypi/all.json" for url in kernel.get("pipliteUrls", [])):
    problems.append(f"pipliteUrls {kernel.get('pipliteUrls')} lacks ./pypi/all.json")
if config.get("exposeAppInBrowser") is not True:
    problems.append("exposeAppInBrowser is not true")
env = kernel.get("loadPyodideOptions", {}).get("env", {})
if env.get("OPENML_LITE_BASE_URL", "") != base_url:
    problems.append(f"OPENML_LITE_BASE_URL in the kernel env is {env.get('OPENML_LITE_BASE_URL')!r}")
for path in ["static/pyodide/pyodide.js", "static/pyodide/pyodide-lock.json",
             "static/pyodide/pyodide.asm.wasm", f"pypi/{wheel}", f"pypi/{comm}",
             "files/openml-lite-demo.ipynb", "lab/index.html"]:
    if not (out / path).is_file():
        problems.append(f"{path} is missing")
index = json.loads((out / "pypi/all.json").read_text())
for name in ("openml-lite", "comm"):
    if name not in index:
        problems.append(f"pypi/all.json has no {name}")
for problem in problems:
    print("  " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
echo "$stamp" > "$out.tmp/.build-stamp"
rm -rf "$out"
mv "$out.tmp" "$out"

echo "== done in $((SECONDS - start)) s: $out ($(du -sh "$out" | cut -f1))"
echo "   jupyterlite-core $(grep -h '^jupyterlite-core' <<< "$pins" | cut -d= -f3), jupyterlite-pyodide-kernel $(grep -h '^jupyterlite-pyodide-kernel' <<< "$pins" | cut -d= -f3), Pyodide $("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["info"]["version"])' "$pyodide/pyodide-lock.json") (local)"
echo "   wheels in pypi/: $(basename "$wheel") $COMM_WHEEL"
[ -n "$base_url" ] && echo "   kernel env: OPENML_LITE_BASE_URL=$base_url"
echo "   serve: python3 -m http.server -d $out 8000"
echo "   open:  http://127.0.0.1:8000/lab/index.html?path=openml-lite-demo.ipynb"
