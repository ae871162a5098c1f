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
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Callable

#: What sites inject for the old path (pyodide-http patches urllib for sklearn's ARFF path)
PYODIDE_HTTP = re.compile(r"pyodide[-_]http")
_CALL_NAME = "fetch_openml"
_OTHER_FETCHER = re.compile(r"^fetch_(?!openml$)\w+$")
_MAGIC_OR_SHELL = re.compile(r"^\s*[%!]", re.MULTILINE)
MARKER = "# openml-lite: fetch_openml reads OpenML's parquet files (added by openml_lite.sphinx)"

NotebookFunction = Callable[[dict, str], None]


def use_openml_lite(*, keep: NotebookFunction | None = None, base_url: str | None = None,
                    requirement: str = "openml-lite") -> OpenMLLiteNotebooks:
    """A ``notebook_modification_function`` for sphinx-gallery's ``jupyterlite`` option.

    keep
        the site's own function, run first; the pyodide-http lines it injects are dropped
        where only ``fetch_openml`` needed them, everything else it adds stays.
    base_url
        an OpenML server for the notebooks (a mirror): set as ``OPENML_LITE_BASE_URL`` in
        the added cell. Default: openml-lite's (``https://www.openml.org``).
    requirement
        what ``%pip install`` installs, e.g. ``"openml-lite==0.1.0"`` to pin it.
    """
    return OpenMLLiteNotebooks(keep=keep, base_url=base_url, requirement=requirement)


class OpenMLLiteNotebooks:
    """What ``use_openml_lite`` returns: an object, not a closure, so that Sphinx can pickle
    the configuration holding it (else it warns that it cannot cache conf.py's values)."""

    def __init__(self, *, keep: NotebookFunction | None, base_url: str | None, requirement: str):
        self.keep, self.base_url, self.requirement = keep, base_url, requirement

    def __call__(self, notebook_content: dict, notebook_filename: str) -> None:
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
        first = _code_cell(_first_cell(self.base_url, self.requirement))
        notebook_content["cells"] = [*added, first, *example]

    def __repr__(self) -> str:
        return (f"use_openml_lite(keep={self.keep!r}, base_url={self.base_url!r}, "
                f"requirement={self.requirement!r})")


#: ``use_openml_lite()`` with its defaults, for a conf.py that needs no options.
notebook_modification_function = use_openml_lite()


def _first_cell(base_url: str | None, requirement: str) -> str:
    lines = [MARKER, f"%pip install {requirement}"]
    if base_url:
        lines += ["import os", f"os.environ['OPENML_LITE_BASE_URL'] = {base_url.rstrip('/')!r}"]
    # `import sklearn` written in the cell: a JupyterLite kernel loads the packages a cell
    # imports before running it, which patch_sklearn needs where it cannot load them itself
    lines += ["import openml_lite, sklearn", "openml_lite.patch_sklearn()"]
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
