"""openml-lite in a JupyterLite kernel that a documentation site serves: where the site is.

A site built with ``use_openml_lite(bundle=...)`` (openml_lite.sphinx) ships the datasets its
examples load as a static mirror in its own files; the notebooks' first cell calls
``use_site_mirror`` so that openml-lite asks that mirror first and OpenML second.

The kernel runs in a Web Worker, whose ``location`` is its script's URL: JupyterLite serves
the Pyodide kernel's scripts from ``<lite>/extensions/@jupyterlite/pyodide-kernel-extension/``
(jupyterlite-pyodide-kernel 0.6 to 0.8, classic and module workers alike), and
jupyterlite-sphinx always builds the lite app into ``<site>/lite/``. Neither JupyterLite nor
the kernel hands the site's URL to Python (JupyterLite #889), so it is read off that path.
"""

from __future__ import annotations

import os
from urllib.parse import urljoin

from .servers import BASE_URL_ENV, DEFAULT_BASE_URL

#: where JupyterLite serves the Pyodide kernel's scripts, under the lite app's root
KERNEL_SCRIPTS = "/extensions/@jupyterlite/pyodide-kernel-extension/"


def lite_root(location: str | None = None) -> str | None:
    """The JupyterLite app's root URL (``https://docs.example.org/lite/``) from the kernel
    worker's ``location`` (default: this interpreter's ``js.location``); None outside a
    JupyterLite Pyodide kernel."""
    if location is None:
        location = _js_location()
    if not location or KERNEL_SCRIPTS not in location:
        return None
    return location.split(KERNEL_SCRIPTS, 1)[0] + "/"


def site_url(path: str = "", location: str | None = None) -> str | None:
    """The absolute URL of ``path`` on the documentation site whose JupyterLite (``lite/``,
    as jupyterlite-sphinx builds it) runs this kernel; None where that is not known."""
    root = lite_root(location)
    return None if root is None else urljoin(urljoin(root, "../"), path)


def use_site_mirror(path: str = "_static/openml", location: str | None = None) -> list[str]:
    """Ask the site's static mirror at ``path`` first: ``$OPENML_LITE_BASE_URL`` becomes that
    mirror followed by what it held before (default: OpenML). Returns the servers now set;
    outside a site's JupyterLite it changes nothing."""
    mirror = site_url(path.rstrip("/"), location)
    rest = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    servers = [mirror, rest] if mirror and not rest.split()[0].rstrip("/") == mirror else [rest]
    os.environ[BASE_URL_ENV] = " ".join(servers)
    return os.environ[BASE_URL_ENV].split()


def _js_location() -> str | None:
    try:
        import js
    except ImportError:  # not Pyodide
        return None
    try:
        return str(js.location.href)
    except Exception:  # Node: no location
        return None
