"""Sphinx configuration of the example documentation site (examples/docs-site).

A sphinx-gallery gallery (examples/*.py: plain scikit-learn code calling
``sklearn.datasets.fetch_openml``) whose example pages have a JupyterLite button
(jupyterlite-sphinx). Build it with ``bash examples/docs-site/build.sh``: that script makes
the pinned venv, puts the offline Pyodide 0.27.7 and the openml-lite wheel into
``jupyterlite/`` and runs sphinx-build with a local OpenML mirror.
"""

import os

project = "openml-lite example docs"
author = "openml-lite"
extensions = ["sphinx_gallery.gen_gallery", "jupyterlite_sphinx", "openml_lite.sphinx"]
# examples/ is sphinx-gallery's input (it writes auto_examples/), not a Sphinx source
exclude_patterns = ["_build", "jupyterlite", "examples"]
html_theme = "alabaster"

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example at build time (not only plot_*)
    "image_scrapers": (),  # the examples draw nothing: no matplotlib needed
    "reset_modules": (),
}

# JupyterLite (jupyterlite-sphinx): the lite dir holds jupyter-lite.json (the kernel's
# Pyodide is the local one in static/pyodide/, %pip install reads the site's pypi/ only)
# and jupyter_lite_config.json; build.sh adds static/pyodide and pypi/ to a copy of it.
jupyterlite_dir = "jupyterlite"
jupyterlite_config = "jupyterlite/jupyter_lite_config.json"

# -- openml-lite in the gallery's JupyterLite notebooks: these lines (and "openml_lite.sphinx"
# among the extensions above: it records the datasets the examples load and ships them in the
# built site, _static/openml/, which the notebooks ask first and OpenML second) -----------------
from openml_lite.sphinx import use_openml_lite  # noqa: E402

sphinx_gallery_conf["jupyterlite"] = {"notebook_modification_function": use_openml_lite(bundle=True)}

# -- the examples as sphinx-gallery runs them here, at build time (CPython) ------------------
# Not needed for the notebooks. With it, the build's own runs read parquet too, from
# OPENML_LITE_BASE_URL (build.sh sets it: a local mirror unless --openml-base-url is given),
# and the bundle's export finds them in openml-lite's cache.
if os.environ.get("OPENML_LITE_BASE_URL"):
    import openml_lite

    openml_lite.patch_sklearn()


def setup(app):
    # jupyterlite-sphinx links a Google font (for its Try-it buttons) into every page: an
    # offline site asks nothing of other hosts (tests/browser/test_docs_site.py checks)
    app.registry.css_files = [(name, attributes) for name, attributes in app.registry.css_files
                              if "fonts.googleapis.com" not in name]
