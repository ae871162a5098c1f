"""What a load needs to know about the interpreter it runs in."""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Coroutine

from ..cache import Cache, NoCache
from ..transport import Transport

#: the parquet engines written in Python (beside the JS decoder), in CPython's measured
#: order (``_not_in_pyodide``); here, where both runtimes' engine orders can read them
PYTHON_ENGINES = ("pyarrow", "fastparquet", "polars")


@dataclass(frozen=True)
class Runtime:
    #: shown in errors and the load report: "cpython", "pyodide (JSPI)", ...
    name: str
    transport: Transport
    #: the loader's coroutines never suspend (blocking I/O): requests go out one by one
    blocking: bool
    #: the cache for whole, checked files: ``make_cache(data_home)``
    make_cache: Callable[[Any], Cache]
    #: drive a load's coroutine to its end (the sync API); None for the async API
    run: Callable[[Coroutine], Any] | None = None
    #: load a package of this Pyodide's lock (awaits JavaScript); None where that cannot be
    load_package: Callable[[str], Awaitable[None]] | None = None
    #: what a load may take here now (memory.Room); None where nothing can be known
    memory_room: Callable[[], Any] | None = None
    #: a blocking load may send requests from threads, side by side (CPython's own
    #: transport); False where there are none, or for a caller's transport
    threads: bool = False

    def with_transport(self, transport: Transport | None) -> Runtime:
        """This runtime with a caller's transport (tests, special environments), which
        gets its requests one at a time (nothing says it may be used from threads)."""
        return self if transport is None else dataclasses.replace(self, transport=transport, threads=False)

    def cache(self, data_home, enabled: bool) -> Cache:
        return self.make_cache(data_home) if enabled else NoCache()

    async def ensure_importable(self, module: str, package: str | None = None) -> None:
        """Make ``module`` importable: if it is missing and this runtime may load
        packages, load ``package`` (its name in Pyodide's lock; default ``module``).
        A fresh Pyodide kernel loads only what a cell's own text imports, so openml-lite
        loads what it needs itself. Raises ModuleNotFoundError where it cannot."""
        try:
            importlib.import_module(module)
            return
        except ModuleNotFoundError:
            if self.load_package is None:
                raise
        await self.load_package(package or module)
        importlib.import_module(module)  # loadPackage logs a file it cannot fetch, raises nothing
