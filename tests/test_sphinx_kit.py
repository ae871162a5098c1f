"""openml_lite.sphinx: the notebook_modification_function for sphinx-gallery's JupyterLite
notebooks. One first cell in the notebooks whose code calls fetch_openml, none elsewhere;
a site's own function kept, minus the pyodide-http lines only fetch_openml needed."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

from openml_lite.sphinx import MARKER, notebook_modification_function, use_openml_lite


def _code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": [source]}


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": [source]}


def _notebook(*cells) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 0}


def _text(cell: dict) -> str:
    return "".join(cell["source"])


BY_NAME = _notebook(
    _markdown("# Titanic\nLoad it with `fetch_openml`."),
    _code("from sklearn.datasets import fetch_openml\n\nX, y = fetch_openml('titanic', version=1, return_X_y=True)"),
    _code("print(X.shape)"),
)


def test_the_first_cell_installs_and_patches():
    notebook = copy.deepcopy(BY_NAME)
    notebook_modification_function(notebook, "plot_titanic.ipynb")
    assert notebook["cells"][1:] == BY_NAME["cells"]
    first = notebook["cells"][0]
    assert first["cell_type"] == "code" and first["outputs"] == []
    assert _text(first).splitlines() == [
        MARKER, "%pip install openml-lite", "import openml_lite, sklearn", "openml_lite.patch_sklearn()"]


def test_the_first_cell_runs_and_patches_sklearn(monkeypatch):
    """Its Python (the %pip line is IPython's) really swaps sklearn's fetch_openml."""
    import openml_lite
    import sklearn.datasets

    notebook = copy.deepcopy(BY_NAME)
    use_openml_lite(base_url="http://127.0.0.1:9/")(notebook, "x.ipynb")
    code = "\n".join(line for line in _text(notebook["cells"][0]).splitlines() if not line.startswith("%"))
    monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)
    try:
        exec(code, {})  # noqa: S102
        assert sklearn.datasets.fetch_openml is openml_lite.fetch_openml
        import os

        assert os.environ["OPENML_LITE_BASE_URL"] == "http://127.0.0.1:9"
    finally:
        openml_lite.unpatch_sklearn()
        monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)
    assert sklearn.datasets.fetch_openml is not openml_lite.fetch_openml


def test_only_notebooks_whose_code_calls_fetch_openml():
    cases = {
        "markdown only": _notebook(_markdown("See `fetch_openml` in the docs."), _code("x = 1")),
        "a comment": _notebook(_code("# fetch_openml would be slow here\nx = 1")),
        "a string": _notebook(_code("print('fetch_openml')")),
        "another fetcher": _notebook(_code("from sklearn.datasets import fetch_california_housing")),
        "a longer name": _notebook(_code("fetch_openml_cached = None")),
        "no cells": _notebook(),
    }
    for label, notebook in cases.items():
        before = copy.deepcopy(notebook)
        notebook_modification_function(notebook, f"{label}.ipynb")
        assert notebook == before, label
    for code in ("import sklearn.datasets\nsklearn.datasets.fetch_openml(data_id=61)",
                 "%matplotlib inline\nfrom sklearn.datasets import fetch_openml as fo",
                 "def f(:\n    fetch_openml(data_id=1)"):  # not Python: a word search decides
        notebook = _notebook(_code(code))
        notebook_modification_function(notebook, "x.ipynb")
        assert _text(notebook["cells"][0]).startswith(MARKER), code


def _site_function(notebook_content, notebook_filename):
    """What scikit-learn-style sites do: a warning cell and one code cell, prepended."""
    text = str(notebook_content)
    lines = []
    if "seaborn" in text:
        lines.append("%pip install seaborn")
    if "fetch_" in text:
        lines += ["%pip install pyodide-http", "import pyodide_http", "pyodide_http.patch_all()"]
    added = [_markdown("JupyterLite is experimental here.")]
    if lines:
        added.append(_code("\n".join(["# JupyterLite-specific code", *lines])))
    notebook_content["cells"] = added + notebook_content["cells"]


def test_keep_a_sites_own_lines_but_not_pyodide_http():
    notebook = copy.deepcopy(BY_NAME)
    notebook["cells"].append(_code("import seaborn"))
    use_openml_lite(keep=_site_function)(notebook, "plot_titanic.ipynb")
    texts = [_text(cell) for cell in notebook["cells"]]
    assert texts[0] == "JupyterLite is experimental here."
    assert texts[1] == "# JupyterLite-specific code\n%pip install seaborn"
    assert texts[2].startswith(MARKER)
    assert notebook["cells"][3:] == [*BY_NAME["cells"], _code("import seaborn")]


def test_keep_drops_a_cell_left_with_only_comments_and_keeps_pyodide_http_for_other_fetchers():
    notebook = copy.deepcopy(BY_NAME)
    use_openml_lite(keep=_site_function)(notebook, "plot_titanic.ipynb")
    assert [_text(cell).splitlines()[0] for cell in notebook["cells"][:2]] == [
        "JupyterLite is experimental here.", MARKER]

    both = _notebook(_code("from sklearn.datasets import fetch_openml, fetch_california_housing"))
    use_openml_lite(keep=_site_function)(both, "both.ipynb")
    assert "pyodide_http.patch_all()" in _text(both["cells"][1])  # housing still needs it
    assert _text(both["cells"][2]).startswith(MARKER)


def test_keep_runs_on_notebooks_without_fetch_openml_unchanged_by_us():
    notebook = _notebook(_code("import seaborn"))
    use_openml_lite(keep=_site_function)(notebook, "plot_seaborn.ipynb")
    assert [_text(cell) for cell in notebook["cells"]] == [
        "JupyterLite is experimental here.", "# JupyterLite-specific code\n%pip install seaborn",
        "import seaborn"]


def test_a_pinned_requirement():
    notebook = copy.deepcopy(BY_NAME)
    use_openml_lite(requirement="openml-lite==0.1.0")(notebook, "x.ipynb")
    assert "%pip install openml-lite==0.1.0" in _text(notebook["cells"][0])


def test_importing_the_kit_needs_no_sphinx():
    import subprocess

    run = subprocess.run([sys.executable, "-c", "import sys, openml_lite.sphinx;"
                          "print(sorted(m for m in ('sphinx', 'sphinx_gallery', 'pandas') if m in sys.modules))"],
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


def test_the_function_pickles_for_sphinxs_config_cache():
    import pickle

    kit = use_openml_lite(base_url="http://127.0.0.1:9")
    again = pickle.loads(pickle.dumps(kit))
    one, two = copy.deepcopy(BY_NAME), copy.deepcopy(BY_NAME)
    kit(one, "x.ipynb")
    again(two, "x.ipynb")
    assert one == two and _text(one["cells"][0]).startswith(MARKER)


def test_the_guides_conf_lines_are_the_sites():
    """The guide's "Use it in your documentation" shows the lines examples/docs-site/conf.py
    and docs/conf.py run (and tests/browser/test_docs_site.py builds and clicks through)."""
    from doc_pages import REPO as repo
    from doc_pages import code_blocks, section

    shown = section("docs/user_guide/doc_kit.md", "Use it in your documentation")
    lines = code_blocks(shown, "python")[0].code.strip().splitlines()
    code = [line for line in lines if line.strip()]
    assert len(code) == 3, code
    conf = [line.split("  #")[0].rstrip()  # the site's noqa comments aside
            for line in (repo / "examples" / "docs-site" / "conf.py").read_text().splitlines()]
    assert all(line in conf for line in code), code
    # openml-lite's own site: the same two lines, its extensions among more
    ours = (repo / "docs" / "conf.py").read_text()
    assert all(line in ours for line in code[1:]) and '"openml_lite.sphinx",' in ours


def test_the_guides_first_cell_is_the_bundles():
    """The guide's "Use it in your documentation" shows the first cell the kit writes with
    bundle=True (and tests/browser/test_docs_site.py runs)."""
    from doc_pages import code_blocks, section

    text = section("docs/user_guide/doc_kit.md", "Use it in your documentation")
    shown = code_blocks(text, "python")[1].code.strip()
    notebook = copy.deepcopy(BY_NAME)
    kit = use_openml_lite(bundle=True)
    kit.extension_loaded = True
    kit(notebook, "x.ipynb")
    assert shown == _text(notebook["cells"][0])


# -- bundle: the datasets of the examples, shipped in the built site --------------------------

# where JupyterLite's Pyodide kernel worker runs (its `location`), as the kernels build it:
# jupyterlite-pyodide-kernel 0.6.1 (a classic worker) and 0.8.1 (a module worker)
WORKERS = [
    "https://docs.example.org/lite/extensions/@jupyterlite/pyodide-kernel-extension/static/"
    "352.cc74f63a8f779ace30b6.js",
    "https://docs.example.org/en/v1/lite/extensions/@jupyterlite/pyodide-kernel-extension/static/"
    "comlink.worker.d93db2604b33e926.js",
]


def test_the_bundles_first_cell_asks_the_site_first():
    from openml_lite.sphinx import Bundle

    for bundle, path in [(True, "_static/openml"), (Bundle(path="_static/data/"), "_static/data")]:
        notebook = copy.deepcopy(BY_NAME)
        kit = use_openml_lite(bundle=bundle)
        kit.extension_loaded = True  # (what the extension's setup says)
        kit(notebook, "x.ipynb")
        assert _text(notebook["cells"][0]).splitlines()[-2:] == [
            "from openml_lite.jupyterlite import use_site_mirror", f"use_site_mirror({path!r})"]


def test_a_bundle_without_the_extension_says_what_is_missing():
    import pytest

    with pytest.raises(RuntimeError, match='add "openml_lite.sphinx" to conf.py\'s extensions'):
        use_openml_lite(bundle=True)(copy.deepcopy(BY_NAME), "x.ipynb")


def test_the_site_is_read_off_the_kernel_workers_location(monkeypatch):
    from openml_lite.jupyterlite import lite_root, site_url, use_site_mirror

    assert lite_root(WORKERS[0]) == "https://docs.example.org/lite/"
    assert site_url("_static/openml", WORKERS[0]) == "https://docs.example.org/_static/openml"
    assert site_url("_static/openml", WORKERS[1]) == "https://docs.example.org/en/v1/_static/openml"
    assert site_url("x", "http://127.0.0.1:8000/index.html") is None  # a page, not JupyterLite
    monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)
    assert use_site_mirror("_static/openml", WORKERS[0]) == [
        "https://docs.example.org/_static/openml", "https://www.openml.org"]
    # once only (a cell run twice), before whatever the kernel was given
    assert use_site_mirror("_static/openml", WORKERS[0]) == [
        "https://docs.example.org/_static/openml", "https://www.openml.org"]
    monkeypatch.setenv("OPENML_LITE_BASE_URL", "http://127.0.0.1:9")
    use_site_mirror("_static/openml", WORKERS[1])
    import os

    assert os.environ["OPENML_LITE_BASE_URL"] == "https://docs.example.org/en/v1/_static/openml http://127.0.0.1:9"
    monkeypatch.setenv("OPENML_LITE_BASE_URL", "http://127.0.0.1:9")
    assert use_site_mirror("_static/openml", "http://127.0.0.1:8000/") == ["http://127.0.0.1:9"]


class _App:
    """What the extension's handlers use of Sphinx's app."""

    def __init__(self, config, outdir):
        self.config, self.outdir = config, str(outdir)
        self.doctreedir = str(Path(outdir).parent / "doctrees")
        self.builder = type("Builder", (), {"format": "html"})()
        self.connected = {}

    def connect(self, event, handler, priority=500):
        if priority == 500:  # (the kit's own handlers; the gallery-folder one is tested below)
            self.connected[event] = handler


def test_the_extension_records_the_examples_loads_and_exports_them(tmp_path, monkeypatch, mirror_url):
    """Sphinx's events by hand: config-inited (recording starts), the examples' loads
    (sklearn's fetch_openml, patched as conf.py does), build-finished (the export)."""
    import json

    import sklearn.datasets
    import sklearn.datasets._openml

    import openml_lite
    from openml_lite import sphinx

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", sklearn.datasets.fetch_openml)
    monkeypatch.setattr(sklearn.datasets._openml, "fetch_openml", sklearn.datasets._openml.fetch_openml)
    import openml_lite.api

    monkeypatch.setattr(openml_lite.api, "fetch_openml", openml_lite.api.fetch_openml)
    monkeypatch.setattr(openml_lite, "fetch_openml", openml_lite.fetch_openml)
    monkeypatch.setenv("OPENML_LITE_BASE_URL", mirror_url)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "data_home"))
    kit = use_openml_lite(bundle=sphinx.Bundle(exclude=("zoo",)))
    config = type("Config", (), {"sphinx_gallery_conf": {"jupyterlite": {"notebook_modification_function": kit}}})()
    app = _App(config, tmp_path / "html")
    sphinx.setup(app)
    openml_lite.patch_sklearn()
    try:
        app.connected["config-inited"](app, config)
        assert kit.extension_loaded
        from sklearn.datasets import fetch_openml  # as an example does

        fetch_openml("iris", version=1)
        fetch_openml(data_id=40945, return_X_y=True)
        fetch_openml(data_id=62)  # excluded
        openml_lite.fetch_openml(data_id=42585)  # openml-lite's own name, as docs/examples do
        app.connected["build-finished"](app, None)
    finally:
        openml_lite.unpatch_sklearn()
    index = json.loads((tmp_path / "html/_static/openml/openml-lite-mirror.json").read_text())
    assert [d["data_id"] for d in index["datasets"]] == [61, 40945, 42585]
    iris = next(d for d in index["datasets"] if d["data_id"] == 61)
    assert "api/v1/json/data/list/data_name/iris/limit/2/data_version/1" in iris["lookups"]
    assert (tmp_path / "html/_static/openml/datasets/0004/40945/dataset_40945.pq").is_file()

    # an incremental build: sphinx-gallery runs no unchanged example, so nothing is recorded,
    # yet the bundle (here into a clean output folder) holds what earlier builds recorded
    app = _App(config, tmp_path / "html-again")
    sphinx.setup(app)
    app.connected["config-inited"](app, config)
    app.connected["build-finished"](app, None)
    again = json.loads((tmp_path / "html-again/_static/openml/openml-lite-mirror.json").read_text())
    assert [d["data_id"] for d in again["datasets"]] == [61, 40945, 42585]


# -- jupyterlite-sphinx 0.23: sphinx-gallery's notebooks where its buttons look ---------------

class _Config:
    def __init__(self, contents, gallery_contents="/site/jupyterlite_contents"):
        self.jupyterlite_contents = contents
        self.sphinx_gallery_conf = {"jupyterlite": {"jupyterlite_contents": gallery_contents}}


class _SrcApp:
    srcdir = "/site"


@pytest.mark.parametrize("version, expected", [
    ((0, 22), ["/site/notebooks", "/site/jupyterlite_contents"]),  # a content root there: kept
    ((0, 23), ["/site/notebooks", "/site/jupyterlite_contents/*"]),  # its entries, staged by name
    ((0, 24), ["/site/notebooks", "/site/jupyterlite_contents/*"]),
])
def test_gallery_folder_listed_as_its_entries_from_0_23(monkeypatch, version, expected):
    import openml_lite.sphinx as kit

    monkeypatch.setattr(kit, "_jupyterlite_sphinx_version", lambda: version)
    config = _Config(["/site/notebooks", "/site/jupyterlite_contents"])  # as sphinx-gallery left it
    kit._gallery_notebooks_where_buttons_look(_SrcApp(), config)
    assert config.jupyterlite_contents == expected


def test_gallery_already_in_the_staging_folder_is_left_alone(monkeypatch):
    """sphinx-gallery told to write into jupyterlite-sphinx's own _contents (skfolio's setting):
    listing its entries would have 0.23 copy the folder into itself."""
    import openml_lite.sphinx as kit

    monkeypatch.setattr(kit, "_jupyterlite_sphinx_version", lambda: (0, 23))
    config = _Config(["/site/_contents"], gallery_contents="/site/_contents")
    kit._gallery_notebooks_where_buttons_look(_SrcApp(), config)
    assert config.jupyterlite_contents == ["/site/_contents"]
