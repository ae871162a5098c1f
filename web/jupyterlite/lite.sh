# What every offline JupyterLite site with openml-lite needs, shared by its two builders:
# web/jupyterlite/build.sh (the demo site) and examples/docs-site/build.sh (a Sphinx site
# whose JupyterLite part jupyterlite-sphinx builds). Sourced, not run; the caller defines
# die() and has `set -euo pipefail`.
#
#   lite_options ARGS...          the builders' options: --openml-base-url URL, --output DIR,
#                                 --force, -h/--help (the caller's header); sets base_url,
#                                 force, and out when --output is given
#   lite_pins                     the pinned jupyterlite requirements (requirements.txt here)
#   lite_wheel                    LITE_WHEEL=the one openml_lite wheel in web/wheels/
#   lite_check_pyodide PYTHON     web/pyodide/ holds what the kernel loads when it starts
#   lite_fetch_comm PYTHON        LITE_COMM=the comm wheel for the site's pypi/ (PyPI, sha256)
#   lite_check_site PYTHON SITE BASE_URL [PATH...]
#                                 the built site's jupyter-lite.json is what the kernel needs
#                                 (local Pyodide, pypi/ with openml-lite and comm, no PyPI
#                                 fallback, exposeAppInBrowser, OPENML_LITE_BASE_URL=BASE_URL
#                                 in the kernel env or none if ""), and SITE/PATH exist
LITE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LITE_REPO=$(cd "$LITE_HERE/../.." && pwd)
LITE_PYODIDE=$LITE_REPO/web/pyodide
LITE_CACHE=$LITE_REPO/web/.cache/jupyterlite      # git-ignored (web/.cache/)
LITE_REQUIREMENTS=$LITE_HERE/requirements.txt
# the pure wheel of comm the kernel installs at start (piplite.install('comm')); not a
# Pyodide package, so it goes into the site's pypi/ folder
COMM_VERSION=0.2.3
COMM_WHEEL=comm-$COMM_VERSION-py3-none-any.whl
COMM_SHA256=c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417
# lock packages the kernel installs when it starts (and their lock dependencies)
KERNEL_PACKAGES="micropip packaging ssl sqlite3 ipython jedi"

lite_options() {
    base_url="" force=0
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
}

lite_pins() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$LITE_REQUIREMENTS"; }

lite_have_sha256() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }

lite_wheel() {
    local wheels
    shopt -s nullglob
    wheels=("$LITE_REPO"/web/wheels/openml_lite-*.whl)
    shopt -u nullglob
    [ "${#wheels[@]}" -eq 1 ] || die "expected one openml_lite wheel in web/wheels/, found ${#wheels[@]}: run bash build_wheels.sh first"
    LITE_WHEEL=${wheels[0]}
}

lite_check_pyodide() {
    [ -f "$LITE_PYODIDE/pyodide.js" ] && [ -f "$LITE_PYODIDE/pyodide-lock.json" ] \
        || die "no Pyodide in web/pyodide/: run bash build_wheels.sh first"
    # every file the kernel loads at start must be there, or it hangs on a 404 with no message
    # shellcheck disable=SC2086
    "$1" - "$LITE_PYODIDE" $KERNEL_PACKAGES <<'EOF' || die "web/pyodide/ lacks what the JupyterLite kernel needs: run bash build_wheels.sh (web/pyodide-packages.txt lists it)"
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
}

lite_fetch_comm() {
    LITE_COMM=$LITE_CACHE/wheels/$COMM_WHEEL
    mkdir -p "$LITE_CACHE/wheels"
    lite_have_sha256 "$LITE_COMM" "$COMM_SHA256" && return 0
    rm -f "$LITE_COMM"
    echo "comm==$COMM_VERSION --hash=sha256:$COMM_SHA256" > "$LITE_CACHE/comm-requirements.txt"
    "$1" -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: --require-hashes -r "$LITE_CACHE/comm-requirements.txt" -d "$LITE_CACHE/wheels" \
        > "$LITE_CACHE/pip-download.log" 2>&1 \
        || { cat "$LITE_CACHE/pip-download.log"; die "pip download comm==$COMM_VERSION failed"; }
    lite_have_sha256 "$LITE_COMM" "$COMM_SHA256" || die "$COMM_WHEEL: wrong sha256"
}

lite_check_site() {
    local python=$1 site=$2 base_url=$3
    shift 3
    "$python" - "$site" "$(basename "$LITE_WHEEL")" "$COMM_WHEEL" "$base_url" "$@" <<'EOF'
import json, sys
from pathlib import Path
out, wheel, comm, base_url, *paths = sys.argv[1:]
out = Path(out)
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
             "lab/index.html", *paths]:
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
}
