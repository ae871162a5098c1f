"""CPython (and any interpreter that is not Pyodide): urllib, a disk cache, and the
sync API blocking inline."""

from __future__ import annotations

import os
import sys

from .._jsnull import is_js_null  # noqa: F401  (None: no JS here)
from .._sync import run_without_loop
from ..cache import default_data_home
from ._runtime import PYTHON_ENGINES, Runtime

# CPython's "auto" order, fastest first. benchmarks/engines.py on CPython 3.11
# (2 cores; read + conversion to sklearn's frame, min of 3): adult size pyarrow 0.016 s,
# fastparquet 0.023 s, polars 0.092 s (its nominal columns must be rebuilt from
# strings); mnist size polars 0.82 s, pyarrow 0.86 s, fastparquet 2.9 s. "js" last: it
# works only in Pyodide (its probe says no here).
_ENGINE_ORDER = [*PYTHON_ENGINES, "js"]


def engine_order() -> list[str]:
    return list(_ENGINE_ORDER)


def _disk_cache(data_home):
    from ..cache.disk import DiskCache

    return DiskCache(os.path.join(default_data_home(data_home), "openml_lite"))


def memory_room():
    """The machine's available memory (Linux's MemAvailable; elsewhere the free pages);
    no limit on one array (64-bit)."""
    from ..memory import Room, size_text

    available = None
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return Room(total=None, per_array=None, where="this machine's free memory is unknown")
    return Room(total=available, per_array=None, where=f"this machine has {size_text(available)} available")


def sync_runtime() -> Runtime:
    from ..transport.native import UrllibTransport

    return Runtime(name=f"cpython {sys.version_info[0]}.{sys.version_info[1]}",
                   transport=UrllibTransport(blocking=True), blocking=True,
                   make_cache=_disk_cache, run=run_without_loop, memory_room=memory_room, threads=True)


def async_runtime() -> Runtime:
    from ..transport.native import UrllibTransport

    return Runtime(name=f"cpython {sys.version_info[0]}.{sys.version_info[1]} (async)",
                   transport=UrllibTransport(blocking=False), blocking=False,
                   make_cache=_disk_cache, memory_room=memory_room)
