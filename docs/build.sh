#!/usr/bin/env bash
# Build openml-lite's documentation site into docs/_build/html/, offline but for PyPI (the
# pinned venv docs/.venv, once): the user guide (Markdown), the API reference from the
# docstrings, the changelog, and the gallery (examples/), whose examples run at build time
# against a local OpenML mirror and whose JupyterLite buttons run them in the reader's
# browser through openml-lite's own doc kit.
#
#   bash docs/build.sh [--force] [--output DIR] [--openml-base-url URL]
#   python3 -m http.server -d docs/_build/html 8000    # then open http://127.0.0.1:8000/
#
# Needs bash build_wheels.sh first (web/pyodide/ and the wheel). The builder is
# web/jupyterlite/sphinx-site.sh (shared with examples/docs-site); prepare.sh brings the
# benchmark charts, check_build.py checks every internal link and anchor of the result.
set -euo pipefail
exec bash "$(dirname "$0")/../web/jupyterlite/sphinx-site.sh" "$(dirname "$0")" "$@"
