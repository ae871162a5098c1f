"""Sphinx configuration of openml-lite's documentation site.

Build it with ``bash docs/build.sh`` (web/jupyterlite/sphinx-site.sh: the pinned venv
docs/.venv, the offline Pyodide 0.27.7 and the openml-lite wheel in ``jupyterlite/``, a
local OpenML mirror the gallery's examples read at build time). The site is its own demo:
its gallery uses openml-lite's doc kit as any maintainer's site would (below), so each
example's JupyterLite button runs it in the reader's browser.
"""

import os

import openml_lite

project = "openml-lite"
author = "the openml-lite developers"
copyright = "2026, the openml-lite developers"
release = version = openml_lite.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx_gallery.gen_gallery",
    "jupyterlite_sphinx",
    "openml_lite.sphinx",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# examples/ is sphinx-gallery's input (it writes auto_examples/), jupyterlite/ the lite
# site's; the rest is what build.sh and the builder bring along
exclude_patterns = ["_build", ".venv", "jupyterlite", "examples", "requirements.txt", "build.sh",
                    "prepare.sh", "check_build.py", "_extra"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]  # pages moved from the README start at any level

# -- the API reference: numpydoc reads the docstrings, as scikit-learn's does --------------------
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_validation_checks = set()

# -- theme --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "openml-lite"
html_static_path = ["_static"]
html_extra_path = ["_extra"]  # demo/: the demo page (prepare.sh copies it in; see setup below)
html_favicon = "_static/favicon.svg"  # (without one, every page asks for /favicon.ico)
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    # an offline site: no icon fonts or links fetched from other hosts
    "icon_links": [],
}
html_context = {"default_mode": "light"}

# -- the gallery: plain code, run at build time against OPENML_LITE_BASE_URL ----------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example at build time (not only plot_*)
    "image_scrapers": (),  # the examples draw nothing: no matplotlib needed
    "reset_modules": (),
    "download_all_examples": False,
}

# JupyterLite (jupyterlite-sphinx): the lite dir holds jupyter-lite.json (the kernel's
# Pyodide is the local one in static/pyodide/, %pip install reads the site's pypi/ only)
jupyterlite_dir = "jupyterlite"
jupyterlite_config = "jupyterlite/jupyter_lite_config.json"

# -- openml-lite's doc kit, as any site uses it (user_guide/doc_kit.md) --------------------------
from openml_lite.sphinx import use_openml_lite  # noqa: E402

sphinx_gallery_conf["jupyterlite"] = {"notebook_modification_function": use_openml_lite(bundle=True)}

# the build's own runs read parquet too, from OPENML_LITE_BASE_URL (build.sh's local mirror)
if os.environ.get("OPENML_LITE_BASE_URL"):
    openml_lite.patch_sklearn()


def _demo_config(app, exception):
    """demo/config.json: the demo page runs on what the site already ships, the Pyodide and
    the openml-lite wheel of its JupyterLite (lite/static/pyodide/, lite/pypi/) and the copy
    of the gallery's datasets (_static/openml/, written by openml_lite.sphinx at the end of
    the build, before this), then OpenML."""
    import json
    from pathlib import Path

    out = Path(app.outdir)
    if exception is not None or not (out / "demo" / "index.html").is_file():
        return
    wheel = next((out / "lite" / "pypi").glob("openml_lite-*.whl"))
    bundled = json.loads((out / "_static" / "openml" / "openml-lite-mirror.json").read_text())["datasets"]
    config = {
        "openmlUrl": "../_static/openml",
        "mirror": True,
        "source": "this site's copy of the gallery's datasets (_static/openml/)",
        "pyodideUrl": "../lite/static/pyodide/",
        "wheelUrl": f"../lite/pypi/{wheel.name}",
        "datasets": [{"id": d["data_id"], "name": d["name"], "version": d["version"], "byName": True}
                     for d in bundled],
    }
    (out / "demo" / "config.json").write_text(json.dumps(config, indent=1) + "\n")


def setup(app):
    # jupyterlite-sphinx links a Google font (for its Try-it buttons) into every page: an
    # offline site asks nothing of other hosts
    app.registry.css_files = [(name, attributes) for name, attributes in app.registry.css_files
                              if "fonts.googleapis.com" not in name]
    # after the extensions' own build-finished handlers (registered first): the bundle
    # and the lite site are written by then
    app.connect("build-finished", _demo_config, priority=900)
