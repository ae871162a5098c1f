"""Parquet readers, one module each, picked by what works in this interpreter.

An engine module has ``NAME``, ``works() -> bool`` (a real read of a tiny parquet
file, cached: importable is not enough, polars' wasm build imports but cannot read
parquet, pola-rs/polars#20876) and ``read(data, columns=None) -> Table``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import EngineUnavailableError

# "auto" tries them in this order, fastest first. benchmarks/engines.py on CPython 3.11
# (2 cores; read + conversion to sklearn's frame, min of 3): adult size pyarrow 0.016 s,
# fastparquet 0.023 s, polars 0.092 s (its nominal columns must be rebuilt from
# strings); mnist size polars 0.82 s, pyarrow 0.86 s, fastparquet 2.9 s.
AUTO_ORDER = ("pyarrow", "fastparquet", "polars")
ENGINE_NAMES = ("auto", *AUTO_ORDER)


def load_engine(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}_engine")


def available_engines() -> list[str]:
    """The engines that can read parquet here, in "auto" order."""
    return [name for name in AUTO_ORDER if load_engine(name).works()]


def get_engine(name: str = "auto") -> ModuleType:
    if name not in ENGINE_NAMES:
        raise ValueError(f"engine must be one of {ENGINE_NAMES}, got {name!r}")
    candidates = AUTO_ORDER if name == "auto" else (name,)
    for candidate in candidates:
        engine = load_engine(candidate)
        if engine.works():
            return engine
    if name == "auto":
        raise EngineUnavailableError(
            "no parquet engine works in this Python: install one of "
            "pyarrow, polars or fastparquet (pip install 'openml-lite[pyarrow]')."
        )
    raise EngineUnavailableError(
        f"engine={name!r} cannot read parquet in this Python (not installed, or a build "
        "without a parquet reader). Use engine='auto' or install it."
    )
