"""Parquet readers, one module each, picked by what works in this interpreter.

An engine module has ``NAME``, ``works() -> bool`` (a real read of a tiny parquet
file, cached: importable is not enough, polars' wasm build imports but cannot read
parquet, pola-rs/polars#20876) and ``read(data, columns=None) -> Table``. Every engine
reads synchronously (the JS decoder too: bytes already in memory need no await), so
every runtime can use every engine that works. The "auto" order is the runtime's
(``_compat.engine_order``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .._compat import IN_PYODIDE, PYTHON_ENGINES, Runtime, engine_order
from ..errors import EngineUnavailableError

# Python engines a Pyodide runtime may load from its lock when none works yet
# (polars is left out: its wasm build cannot read parquet).
PYODIDE_LOADABLE = ("pyarrow", "fastparquet")
ENGINE_NAMES = ("auto", *PYTHON_ENGINES, "js")


def load_engine(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}_engine")


def available_engines() -> list[str]:
    """The engines that can read parquet here now, in the order "auto" tries them."""
    return [name for name in engine_order() if load_engine(name).works()]


def get_engine(name: str = "auto") -> ModuleType:
    """An engine that works now, without loading anything."""
    if name not in ENGINE_NAMES:
        raise ValueError(f"engine must be one of {ENGINE_NAMES}, got {name!r}")
    for candidate in engine_order() if name == "auto" else [name]:
        engine = load_engine(candidate)
        if engine.works():
            return engine
    raise _unavailable(name)


async def choose_engine(name: str, runtime: Runtime) -> ModuleType:
    """``get_engine``, but where the runtime may load packages (Pyodide, able to await
    JavaScript) a missing Python engine is loaded (once) first."""
    try:
        return get_engine(name)
    except EngineUnavailableError:
        if runtime.load_package is None or name not in ("auto", *PYODIDE_LOADABLE):
            raise _unavailable(name, can_load=runtime.load_package is not None) from None
    for candidate in PYODIDE_LOADABLE if name == "auto" else (name,):
        if await _load_package(candidate, runtime):
            return load_engine(candidate)
    raise _unavailable(name, can_load=True)


async def _load_package(name: str, runtime: Runtime) -> bool:
    try:
        await runtime.load_package(name)
    except Exception:  # not in this Pyodide's lock, or its files cannot be fetched
        return False
    engine = load_engine(name)
    engine.works.cache_clear()
    return engine.works()


def _unavailable(name: str, *, can_load: bool = False) -> EngineUnavailableError:
    if IN_PYODIDE and name in PYODIDE_LOADABLE and not can_load:
        return EngineUnavailableError(
            f"engine={name!r} is not loaded, and this runtime cannot load it without "
            f"awaiting JavaScript: run `await pyodide_js.loadPackage({name!r})` first, use "
            "`await openml_lite.fetch_openml_async(...)`, or engine='auto'."
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
