# Files from elsewhere in the repository that the site shows, copied into the clean copy of
# its sources (web/jupyterlite/sphinx-site.sh runs this from the repository's root):
#   bash docs/prepare.sh SRC       copy them into SRC/_static/
#   bash docs/prepare.sh --inputs  list them (the builder's up-to-date digest)
set -euo pipefail
charts=(benchmarks/*.png)
if [ "${1:?SRC or --inputs}" = --inputs ]; then
    printf '%s\n' "${charts[@]}"
    exit 0
fi
mkdir -p "$1/_static/benchmarks"
cp "${charts[@]}" "$1/_static/benchmarks/"
