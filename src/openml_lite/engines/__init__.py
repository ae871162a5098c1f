"""Parquet readers, one module each, picked by what works in this interpreter.

An engine module has ``NAME``, ``works() -> bool`` (a real read of a tiny parquet
file, cached: importable is not enough, polars' wasm build imports but cannot read
parquet, pola-rs/polars#20876) and ``read(data, columns=None) -> Table``, or
``read_async`` when decoding means awaiting JavaScript (the ``js`` engine), and
optionally ``async prepare()``, run while the data is still downloading.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from ..errors import EngineUnavailableError
from ..transport import in_pyodide

# CPython's "auto" order, fastest first. benchmarks/engines.py on CPython 3.11
# (2 cores; read + conversion to sklearn's frame, min of 3): adult size pyarrow 0.016 s,
# fastparquet 0.023 s, polars 0.092 s (its nominal columns must be rebuilt from
# strings); mnist size polars 0.82 s, pyarrow 0.86 s, fastparquet 2.9 s.
AUTO_ORDER = ("pyarrow", "fastparquet", "polars")
# In Pyodide the JS decoder comes first: loading pyarrow costs 2.5-7 s before it reads
# a byte, and even once loaded it was slower than the JS decoder on every file
# benchmarks/pyodide_vs_sklearn.py measured (Pyodide 0.27.7, warm cache: Titanic 0.018 s
# vs 0.040, adult 0.033 vs 0.071, mnist 70,000 rows 1.11 vs 1.54). Then a Python engine
# already imported (the sync API without JSPI cannot await the JS decoder), then one
# loaded on demand.
PYODIDE_LOADABLE = ("pyarrow", "fastparquet")
ENGINE_NAMES = ("auto", *AUTO_ORDER, "js")


def load_engine(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}_engine")


def available_engines(*, sync_only: bool = False) -> list[str]:
    """The engines that can read parquet here now, in the order "auto" tries them.

    ``sync_only``: leave out engines that must await JavaScript (the sync API in a
    Pyodide without JSPI cannot wait for a promise).
    """
    return [name for name in _auto_order() if _usable(load_engine(name), sync_only)]


def get_engine(name: str = "auto", *, sync_only: bool = False) -> ModuleType:
    """An engine that works now, without loading anything."""
    if name not in ENGINE_NAMES:
        raise ValueError(f"engine must be one of {ENGINE_NAMES}, got {name!r}")
    for candidate in _auto_order() if name == "auto" else [name]:
        engine = load_engine(candidate)
        if _usable(engine, sync_only):
            return engine
    raise _unavailable(name, sync_only)


def _auto_order() -> list[str]:
    names = ["js", *_already_imported(), *AUTO_ORDER] if in_pyodide() else [*AUTO_ORDER, "js"]
    return list(dict.fromkeys(names))


def _usable(engine: ModuleType, sync_only: bool) -> bool:
    return engine.works() and not (sync_only and hasattr(engine, "read_async"))


async def choose_engine(name: str = "auto", *, sync_only: bool = False) -> ModuleType:
    """``get_engine``, but in Pyodide a missing Python engine is loaded (once) first,
    unless ``sync_only`` (loading a package means awaiting JavaScript)."""
    try:
        return get_engine(name, sync_only=sync_only)
    except EngineUnavailableError:
        if sync_only or not in_pyodide() or name not in ("auto", *PYODIDE_LOADABLE):
            raise
    for candidate in PYODIDE_LOADABLE if name == "auto" else (name,):
        if await _load_pyodide_package(candidate):
            return load_engine(candidate)
    raise _unavailable(name)


async def prepare(engine: ModuleType) -> None:
    """What an engine can do before the data arrives (the js engine: import its module)."""
    if hasattr(engine, "prepare"):
        await engine.prepare()


async def read(engine: ModuleType, data: bytes, columns: list[str] | None = None):
    if hasattr(engine, "read_async"):
        return await engine.read_async(data, columns)
    return engine.read(data, columns)


def _already_imported() -> list[str]:
    return [name for name in AUTO_ORDER if name in sys.modules]


async def _load_pyodide_package(name: str) -> bool:
    from ..pyodide_packages import load_package

    try:
        await load_package(name)
    except Exception:  # not in this Pyodide's lock, or its files cannot be fetched
        return False
    engine = load_engine(name)
    engine.works.cache_clear()
    return engine.works()


def _unavailable(name: str, sync_only: bool = False) -> EngineUnavailableError:
    if sync_only and in_pyodide():
        return EngineUnavailableError(
            f"engine={name!r}: fetch_openml() can block here only with a Python parquet "
            "engine that is already loaded (this runtime cannot wait for JavaScript): "
            "run `await pyodide_js.loadPackage('pyarrow')` first, or use "
            "`await openml_lite.fetch_openml_async(...)`."
        )
    if name == "auto":
        return EngineUnavailableError(
            "no parquet engine works in this Python: install one of "
            "pyarrow, polars or fastparquet (pip install 'openml-lite[pyarrow]')."
        )
    return EngineUnavailableError(
        f"engine={name!r} cannot read parquet in this Python (not installed, or a build "
        "without a parquet reader). Use engine='auto' or install it."
    )
