"""openml-lite in a sphinx-gallery + jupyterlite-sphinx documentation site.

sphinx-gallery turns each example into a notebook for JupyterLite, and calls
``sphinx_gallery_conf["jupyterlite"]["notebook_modification_function"]`` with
``(notebook_content, notebook_filename)`` on each, to change it in place. ``use_openml_lite()``
makes such a function: to every notebook whose code calls ``fetch_openml`` (and to no other)
it adds one first code cell::

    %pip install openml-lite
    import openml_lite, sklearn
    openml_lite.patch_sklearn()

so the example's own, unchanged ``sklearn.datasets.fetch_openml`` reads OpenML's parquet files
with openml-lite. In conf.py::

    from openml_lite.sphinx import use_openml_lite
    sphinx_gallery_conf["jupyterlite"] = {"notebook_modification_function": use_openml_lite()}

A site that has its own function (scikit-learn's injects pyodide-http) passes it as
``keep=``: it runs first, then the pyodide-http lines it injected are removed from the
notebooks that need them only for ``fetch_openml`` (a notebook that also calls another
``fetch_*`` keeps them), and the openml-lite cell goes after its cells, before the example's.
Needs no sphinx-gallery import of its own.

Docs sites that bring their data: with ``use_openml_lite(bundle=True)`` (or a
:class:`Bundle`) and ``"openml_lite.sphinx"`` among conf.py's ``extensions``, the datasets
the examples load while sphinx-gallery runs them at build time are recorded, exported into
the built site as a static mirror (``_static/openml/``; openml_lite.mirror.export), and the
notebooks' first cell asks that mirror first and OpenML second
(``openml_lite.jupyterlite.use_site_mirror``): readers load same-origin, cached, and during
OpenML's outages.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: What sites inject for the old path (pyodide-http patches urllib for sklearn's ARFF path)
PYODIDE_HTTP = re.compile(r"pyodide[-_]http")
_CALL_NAME = "fetch_openml"
_OTHER_FETCHER = re.compile(r"^fetch_(?!openml$)\w+$")
_MAGIC_OR_SHELL = re.compile(r"^\s*[%!]", re.MULTILINE)
MARKER = "# openml-lite: fetch_openml reads OpenML's parquet files (added by openml_lite.sphinx)"

NotebookFunction = Callable[[dict, str], None]


@dataclass(frozen=True)
class Bundle:
    """What ``use_openml_lite(bundle=...)`` ships: the datasets the examples load at build
    time (plus ``include``, minus ``exclude``: ids, or names in any case), exported as a
    static mirror into the built site at ``path``. A dataset over ``max_dataset_mb``, or one
    that would take the mirror past ``max_total_mb``, is left to OpenML (the build says
    which). ``source``: where the build reads them (default ``$OPENML_LITE_BASE_URL``, as
    the examples did, else OpenML), openml-lite's cache first."""

    path: str = "_static/openml"
    max_dataset_mb: float = 50
    max_total_mb: float = 200
    include: tuple = ()
    exclude: tuple = ()
    source: str | tuple | None = None


def use_openml_lite(*, keep: NotebookFunction | None = None, base_url: str | None = None,
                    requirement: str = "openml-lite",
                    bundle: bool | Bundle = False) -> OpenMLLiteNotebooks:
    """A ``notebook_modification_function`` for sphinx-gallery's ``jupyterlite`` option.

    keep
        the site's own function, run first; the pyodide-http lines it injects are dropped
        where only ``fetch_openml`` needed them, everything else it adds stays.
    base_url
        an OpenML server for the notebooks (a mirror): set as ``OPENML_LITE_BASE_URL`` in
        the added cell. Default: openml-lite's (``https://www.openml.org``).
    requirement
        what ``%pip install`` installs, e.g. ``"openml-lite==0.1.0"`` to pin it.
    bundle
        ``True`` or a :class:`Bundle`: ship the datasets the examples load in the built site
        and have the notebooks ask it first (needs ``"openml_lite.sphinx"`` in conf.py's
        ``extensions``, which records and exports them).
    """
    bundle = Bundle() if bundle is True else (bundle or None)
    return OpenMLLiteNotebooks(keep=keep, base_url=base_url, requirement=requirement, bundle=bundle)


class OpenMLLiteNotebooks:
    """What ``use_openml_lite`` returns: an object, not a closure, so that Sphinx can pickle
    the configuration holding it (else it warns that it cannot cache conf.py's values)."""

    def __init__(self, *, keep: NotebookFunction | None, base_url: str | None, requirement: str,
                 bundle: Bundle | None = None):
        self.keep, self.base_url, self.requirement = keep, base_url, requirement
        self.bundle = bundle
        self.extension_loaded = False  # set by this module's Sphinx extension (setup)

    def __call__(self, notebook_content: dict, notebook_filename: str) -> None:
        if self.bundle is not None and not self.extension_loaded:
            raise RuntimeError("use_openml_lite(bundle=...) needs openml-lite's Sphinx extension, which "
                               "records and exports the datasets: add \"openml_lite.sphinx\" to "
                               "conf.py's extensions")
        original = list(notebook_content.get("cells", []))
        if self.keep is not None:
            self.keep(notebook_content, notebook_filename)
        names = _names_called(original)
        if _CALL_NAME not in names:
            return
        own = {id(cell) for cell in original}
        cells = notebook_content.get("cells", [])
        added = [cell for cell in cells if id(cell) not in own]  # what keep put in
        example = [cell for cell in cells if id(cell) in own]
        if not any(_OTHER_FETCHER.match(name) for name in names):
            added = [cell for cell in (_without_pyodide_http(c) for c in added) if cell is not None]
        first = _code_cell(_first_cell(self.base_url, self.requirement, self.bundle))
        notebook_content["cells"] = [*added, first, *example]

    def __repr__(self) -> str:
        return (f"use_openml_lite(keep={self.keep!r}, base_url={self.base_url!r}, "
                f"requirement={self.requirement!r}, bundle={self.bundle!r})")


#: ``use_openml_lite()`` with its defaults, for a conf.py that needs no options.
notebook_modification_function = use_openml_lite()


def _first_cell(base_url: str | None, requirement: str, bundle: Bundle | None = None) -> str:
    lines = [MARKER, f"%pip install {requirement}"]
    if base_url:
        lines += ["import os", f"os.environ['OPENML_LITE_BASE_URL'] = {base_url.rstrip('/')!r}"]
    # `import sklearn` written in the cell: a JupyterLite kernel loads the packages a cell
    # imports before running it, which patch_sklearn needs where it cannot load them itself
    lines += ["import openml_lite, sklearn", "openml_lite.patch_sklearn()"]
    if bundle is not None:
        lines += ["# the datasets of this site's examples, shipped with it: asked first, then OpenML",
                  "from openml_lite.jupyterlite import use_site_mirror",
                  f"use_site_mirror({bundle.path.strip('/')!r})"]
    return "\n".join(lines)


def _code_cell(source: str) -> dict:
    """A cell as sphinx-gallery's own ``add_code_cell`` writes it (nbformat 4)."""
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": [source]}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _names_called(cells: list) -> set[str]:
    """Every name in the code cells (comments and strings left out; IPython magics and
    shell lines blanked first, since they are not Python)."""
    names: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        code = _MAGIC_OR_SHELL.sub("#", _source(cell))
        try:
            names.update(token.string for token in tokenize.generate_tokens(io.StringIO(code).readline)
                         if token.type == tokenize.NAME)
        except (tokenize.TokenError, IndentationError, SyntaxError):
            # not valid Python at all: a plain word search is the best guess
            names.update(re.findall(r"\b[A-Za-z_]\w*\b", code))
    return names


def _without_pyodide_http(cell: dict) -> dict | None:
    """The cell without its pyodide-http lines; None if nothing but comments is left."""
    if cell.get("cell_type") != "code" or not PYODIDE_HTTP.search(_source(cell)):
        return cell
    lines = [line for line in _source(cell).splitlines() if not PYODIDE_HTTP.search(line)]
    if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None
    return {**cell, "source": ["\n".join(lines)]}


# -- the Sphinx extension: record the examples' loads, export them into the built site ------------

def setup(app):
    """``extensions = [..., "openml_lite.sphinx"]``: with ``use_openml_lite(bundle=...)`` as
    sphinx-gallery's notebook function, record what the examples load and ship it."""
    from . import __version__

    app.connect("config-inited", _start_recording)
    # after sphinx-gallery's own config-inited handler (priority 900), which lists its folder
    app.connect("config-inited", _gallery_notebooks_where_buttons_look, priority=950)
    app.connect("build-finished", _export_bundle)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


def _gallery_notebooks_where_buttons_look(app, config) -> None:
    """Keep the gallery's JupyterLite buttons working on jupyterlite-sphinx >= 0.23.

    sphinx-gallery (0.21, 0.22) copies the notebooks to ``<srcdir>/jupyterlite_contents/
    auto_examples/`` and lists that folder in ``jupyterlite_contents``; its buttons open
    ``?path=auto_examples/X.ipynb``, taking the folder as a content root, as jupyterlite-sphinx
    0.22 did. 0.23 (its PR #337) copies a listed folder *under its own name*, so the notebooks
    land at ``jupyterlite_contents/auto_examples/`` and every button opens a missing file. Listing
    the folder's entries (``<folder>/*``) instead puts ``auto_examples/`` where the buttons look.
    Not on 0.22: there the same glob would put the notebooks at the root."""
    gallery = getattr(config, "sphinx_gallery_conf", None) or {}
    lite = gallery.get("jupyterlite")
    if not isinstance(lite, dict) or not lite.get("jupyterlite_contents") or _jupyterlite_sphinx_version() < (0, 23):
        return
    folder = os.path.normpath(os.path.join(app.srcdir, lite["jupyterlite_contents"]))
    staging = os.path.normpath(os.path.join(app.srcdir, getattr(config, "jupyterlite_content_dir", None) or "_contents"))
    if folder == staging:  # already jupyterlite-sphinx's own staging folder: as it should be
        return
    entries = config.jupyterlite_contents
    entries = [entries] if isinstance(entries, str) else list(entries or [])
    config.jupyterlite_contents = [os.path.join(entry, "*") if os.path.normpath(os.path.join(app.srcdir, entry)) == folder
                                   else entry for entry in entries]


def _jupyterlite_sphinx_version() -> tuple[int, ...]:
    """(major, minor) of the installed jupyterlite-sphinx; (0, 0) when not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return tuple(int(part) for part in re.findall(r"\d+", version("jupyterlite-sphinx"))[:2])
    except PackageNotFoundError:
        return (0, 0)


def _notebooks(config) -> OpenMLLiteNotebooks | None:
    gallery = getattr(config, "sphinx_gallery_conf", None) or {}
    function = (gallery.get("jupyterlite") or {}).get("notebook_modification_function")
    return function if isinstance(function, OpenMLLiteNotebooks) else None


def _start_recording(app, config) -> None:
    notebooks = _notebooks(config)
    if notebooks is None or notebooks.bundle is None:
        return
    notebooks.extension_loaded = True
    app._openml_lite_loads = loads = []
    import sklearn.datasets
    import sklearn.datasets._openml

    import openml_lite
    import openml_lite.api

    # whatever the examples call: sklearn's own, openml-lite's after patch_sklearn(), or
    # openml-lite's by its own name (openml_lite.fetch_openml: a name the package resolves
    # on first use, from openml_lite.api)
    for module in (sklearn.datasets, sklearn.datasets._openml, openml_lite.api, openml_lite):
        if not getattr(module.fetch_openml, "_openml_lite_recording", False):
            module.fetch_openml = _recording(module.fetch_openml, loads)


def _recording(fetch, loads: list):
    @functools.wraps(fetch)
    def fetch_openml(*args, **kwargs):
        result = fetch(*args, **kwargs)
        loads.append(_what_was_loaded(args, kwargs, result))
        return result

    fetch_openml._openml_lite_recording = True
    return fetch_openml


def _what_was_loaded(args, kwargs, result) -> dict:
    """{"data_id": int} when the result says (a Bunch's details), else the name and version asked."""
    details = getattr(result, "get", lambda key: None)("details") if not isinstance(result, tuple) else None
    if details and details.get("id"):
        return {"data_id": int(details["id"])}
    if kwargs.get("data_id") is not None:
        return {"data_id": int(kwargs["data_id"])}
    name = args[0] if args else kwargs.get("name")
    return {"name": str(name).lower(), "version": kwargs.get("version", "active")}


def _export_bundle(app, exception) -> None:
    notebooks = _notebooks(app.config)
    if exception is not None or notebooks is None or notebooks.bundle is None:
        return
    if getattr(app.builder, "format", "") != "html":
        return
    logger = _logger()
    bundle = notebooks.bundle
    data_ids, names = _wanted(_remembered(app, getattr(app, "_openml_lite_loads", [])), bundle)
    if not data_ids and not names:
        logger.info("openml-lite: the examples loaded no OpenML dataset; no bundle")
        return
    records = _export(Path(app.outdir) / bundle.path, data_ids, names, bundle)
    kept = [r for r in records if not r.skipped]
    size = sum(r.size for r in kept)
    logger.info(f"openml-lite: bundled {len(kept)} dataset(s), {size / 1e6:.1f} MB, into "
                f"{bundle.path}/: " + ", ".join(f"{r.name} ({r.data_id})" for r in kept))
    for record in records:
        if record.skipped:
            logger.info(f"openml-lite: not bundled, read from OpenML instead: {record.name or '?'} "
                        f"({record.data_id}): {record.skipped}")


def _remembered(app, loads: list[dict]) -> list[dict]:
    """This build's loads and those of earlier builds (kept in the doctree folder):
    sphinx-gallery runs only the examples that changed, so an incremental build records
    only theirs. (``make clean`` forgets them all, as it forgets the doctrees.)"""
    import json

    kept = Path(getattr(app, "doctreedir", "") or ".") / "openml-lite-loads.json"
    try:
        earlier = json.loads(kept.read_text())
    except (OSError, ValueError):
        earlier = []
    merged = [*loads, *(load for load in earlier if load not in loads)]
    if getattr(app, "doctreedir", None):
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps(merged, indent=1) + "\n")
    return merged


def _logger():
    """Sphinx's logger (its -q, -W, colours) where Sphinx runs; the standard one elsewhere."""
    try:
        from sphinx.util import logging
    except ImportError:
        import logging
    return logging.getLogger(__name__)


def _wanted(loads: list[dict], bundle: Bundle) -> tuple[list[int], list[tuple[str, str]]]:
    excluded = {str(item).lower() for item in bundle.exclude}
    data_ids, names = [], []
    for load in [*loads, *({"data_id": item} if isinstance(item, int) else {"name": str(item).lower(),
                                                                             "version": "active"}
                           for item in bundle.include)]:
        if "data_id" in load:
            if str(load["data_id"]) not in excluded and load["data_id"] not in data_ids:
                data_ids.append(load["data_id"])
        elif load["name"] not in excluded and (load["name"], load["version"]) not in names:
            names.append((load["name"], load["version"]))
    return data_ids, names


def _export(dest: Path, data_ids: list[int], names: list[tuple[str, str]], bundle: Bundle):
    from .mirror.export import export_mirror

    source = bundle.source or os.environ.get("OPENML_LITE_BASE_URL") or None
    return export_mirror(
        dest, data_ids, names, base_url=source,
        exclude=tuple(str(item).lower() for item in bundle.exclude),
        max_dataset_bytes=int(bundle.max_dataset_mb * 1e6), max_total_bytes=int(bundle.max_total_mb * 1e6))
