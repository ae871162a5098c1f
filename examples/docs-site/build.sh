#!/usr/bin/env bash
# Build the example documentation site into examples/docs-site/_build/html/ (the builder is
# web/jupyterlite/sphinx-site.sh, shared with docs/build.sh; the checks of this site's
# bundle are check_build.py here):
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
# it rebuilds from a clean copy of the sources in web/.cache/sphinx-docs-site/ (the source folder
# stays as it is in git). Serve the result with any static server, e.g.
#   python3 -m http.server -d examples/docs-site/_build/html 8000
#   -> http://127.0.0.1:8000/  (each example page has a "launch JupyterLite" badge)
set -euo pipefail
exec bash "$(dirname "$0")/../../web/jupyterlite/sphinx-site.sh" "$(dirname "$0")" "$@"
