"""Pyodide (browsers, Web Workers, Node): the browser's fetch or synchronous XHR, Cache
Storage or memory, the JS decoder first, and the ways the sync API can block (what
works where: ../shared/notes/pyodide-offline.md).

Pyodide releases differ; what differs is handled here, by what is present rather than by
version number: a JS ``null`` arrives as ``pyodide.ffi.jsnull`` from 0.28 on.
"""

from __future__ import annotations

import sys

import pyodide
import pyodide.ffi

from .._jsnull import is_js_null  # noqa: F401  (re-exported by _compat)
from .._sync import run_without_loop
from ._runtime import PYTHON_ENGINES, Runtime

_VERSION = f"pyodide {pyodide.__version__}"

# The JS decoder comes first: loading pyarrow costs 2.5-7 s before it reads a byte, and
# even once loaded it was slower than the JS decoder on every file
# benchmarks/pyodide_vs_sklearn.py measured (Pyodide 0.27.7, warm cache: Titanic 0.018 s
# vs 0.040, adult 0.033 vs 0.071, mnist 70,000 rows 1.11 vs 1.54). Then a Python engine
# already imported, then one loaded on demand (where the runtime may load packages).
def engine_order() -> list[str]:
    imported = [name for name in PYTHON_ENGINES if name in sys.modules]
    return list(dict.fromkeys(["js", *imported, *PYTHON_ENGINES]))


async def _load_package(name: str) -> None:
    """``pyodide.loadPackage(name)``. Raises if the lock lacks it; a file it cannot fetch
    is only logged ("Failed to load ..."), so callers check the import afterwards."""
    import pyodide_js

    await pyodide_js.loadPackage(name)


# Pyodide's wasm memory can grow to 4 GiB (its build's MAXIMUM_MEMORY); numpy on wasm32
# holds one array in fewer than 2**31 bytes (a 32-bit intp: "array is too big").
WASM_MAXIMUM = 4 * 1024**3
ARRAY_MAXIMUM = 2**31 - 1
_RESERVE = 64 * 1024**2  # the stack, JavaScript's copies in flight, the allocator's slack

# dlmalloc's count of the bytes in use (Pyodide exports mallinfo; benchmarks/_pyodide_side.py)
_MALLOC_IN_USE = """(m) => {
  if (typeof m._mallinfo !== "function" || typeof m._PyMem_RawMalloc !== "function") return -1;
  const p = m._PyMem_RawMalloc(64) >>> 0;  // (wasm i32s: unsigned past 2 GB)
  m._mallinfo(p);  // struct mallinfo of ten 4-byte fields; uordblks (in use) is the 8th
  const inUse = m.HEAPU32[p / 4 + 7];
  m._PyMem_RawFree(p);
  return inUse;
}"""


def memory_room():
    """The wasm memory's 4 GiB less what malloc holds now (where the module cannot say:
    less the memory already grown), and numpy's limit on one array."""
    import pyodide_js
    from pyodide.code import run_js

    from ..memory import Room, size_text

    module = pyodide_js._module
    in_use = int(run_js(_MALLOC_IN_USE)(module))
    if in_use < 0:
        in_use = int(module.HEAPU8.buffer.byteLength)
    free = max(WASM_MAXIMUM - in_use - _RESERVE, 0)
    return Room(total=free, per_array=ARRAY_MAXIMUM,
                where=f"Pyodide: {size_text(free)} free of its 4 GiB (4.29 GB) of wasm memory, one array at most 2.1 GB")


def _browser_cache(data_home):
    from ..cache.browser import CacheStorage, has_cache_storage, memory_cache

    return CacheStorage() if has_cache_storage() else memory_cache()


def _memory_cache(data_home):
    from ..cache.browser import memory_cache

    return memory_cache()


def async_runtime() -> Runtime:
    from ..transport.pyodide import FetchTransport

    return Runtime(name=f"{_VERSION} (async)", transport=FetchTransport(), blocking=False,
                   make_cache=_browser_cache, load_package=_load_package, memory_room=memory_room)


def sync_runtime() -> Runtime:
    """JSPI (Chromium >= 137, Firefox 153 ESR, Node with --experimental-wasm-stack-switching;
    code started with runPythonAsync, as notebooks and pytest-pyodide do): the async
    loader run to its end by ``run_sync``, with everything the async API has. Without
    JSPI (Safari, older browsers, runPython): synchronous XHR for every request, the JS
    decoder called synchronously, an in-memory cache (Cache Storage can only be
    awaited), no package loading. Neither: say what to do."""
    from ..transport.pyodide import FetchTransport, XHRTransport, has_xhr

    if pyodide.ffi.can_run_sync():
        return Runtime(name=f"{_VERSION} (JSPI)", transport=FetchTransport(), blocking=False,
                       make_cache=_browser_cache, run=pyodide.ffi.run_sync,
                       load_package=_load_package, memory_room=memory_room)
    if has_xhr():
        return Runtime(name=f"{_VERSION} (sync XHR)", transport=XHRTransport(), blocking=True,
                       make_cache=_memory_cache, run=run_without_loop, memory_room=memory_room)
    raise RuntimeError(
        "fetch_openml() cannot block here (no JSPI, no synchronous XMLHttpRequest); "
        "use `await openml_lite.fetch_openml_async(...)`, or start Node with "
        "--experimental-wasm-stack-switching."
    )
