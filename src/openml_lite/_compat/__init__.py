"""Everything that differs between CPython and Pyodide, decided once, here (micropip's
``_compat`` is the model). The rest of openml-lite never asks where it runs: a load
asks the :class:`Runtime` it was given how to fetch, where to cache, which parquet
engines come first, whether a missing package may be loaded, and how to block.

``sync_runtime()`` is for ``fetch_openml``, ``async_runtime()`` for
``fetch_openml_async``; ``engine_order()`` is the "auto" order of parquet engines;
``is_js_null(value)`` is true for what a JS ``null`` becomes (``None`` up to Pyodide
0.27, ``pyodide.ffi.jsnull`` from 0.28 on).
"""

from __future__ import annotations

import sys

from ._runtime import PYTHON_ENGINES, Runtime

#: micropip's test; the platform covers a Pyodide whose core module is named otherwise
IN_PYODIDE = "_pyodide_core" in sys.modules or sys.platform == "emscripten"

if IN_PYODIDE:
    from ._in_pyodide import async_runtime, engine_order, is_js_null, sync_runtime
else:
    from ._not_in_pyodide import async_runtime, engine_order, is_js_null, sync_runtime

__all__ = ["IN_PYODIDE", "PYTHON_ENGINES", "Runtime", "async_runtime", "engine_order", "is_js_null", "sync_runtime"]
