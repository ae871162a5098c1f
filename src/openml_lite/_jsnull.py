"""What a JS ``null`` becomes in Python: ``None`` up to Pyodide 0.27, ``pyodide.ffi.jsnull``
from 0.28 on (decided by what is present, not by version). A leaf module: the Pyodide
transport and cache ask it without importing ``_compat``, which imports them."""

from __future__ import annotations

import sys

try:
    _JSNULL = getattr(sys.modules["pyodide.ffi"], "jsnull", None) if "pyodide.ffi" in sys.modules else None
    if _JSNULL is None and sys.platform == "emscripten":
        import pyodide.ffi

        _JSNULL = getattr(pyodide.ffi, "jsnull", None)
except ImportError:  # (an emscripten Python without Pyodide's ffi)
    _JSNULL = None


def is_js_null(value) -> bool:
    return value is None or (_JSNULL is not None and value is _JSNULL)
