# Files from elsewhere in the repository that the site shows, copied into the clean copy of
# its sources (web/jupyterlite/sphinx-site.sh runs this from the repository's root):
#   bash docs/prepare.sh SRC       copy them in: the benchmark charts into SRC/_static/, the
#                                  demo page (index.html, web/app.js, web/openml-lite.js,
#                                  web/style.css) into SRC/_extra/demo/ (html_extra_path:
#                                  the built site's demo/; conf.py writes its config.json)
#   bash docs/prepare.sh --inputs  list them (the builder's up-to-date digest)
set -euo pipefail
charts=(benchmarks/*.png)
demo=(index.html web/app.js web/openml-lite.js web/style.css)
if [ "${1:?SRC or --inputs}" = --inputs ]; then
    printf '%s\n' "${charts[@]}" "${demo[@]}"
    exit 0
fi
mkdir -p "$1/_static/benchmarks" "$1/_extra/demo/web"
cp "${charts[@]}" "$1/_static/benchmarks/"
cp index.html "$1/_extra/demo/"
cp web/app.js web/openml-lite.js web/style.css "$1/_extra/demo/web/"
