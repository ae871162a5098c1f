"""The Bunch's data in the kind asked for, one module per kind:

- ``to_pandas``: DataFrames and Series, sklearn's own result (``as_frame=True``);
- ``to_numpy``: arrays, as sklearn's ``as_frame=False`` gives them, without pandas;
- ``to_polars``: polars DataFrames and Series (``as_frame="polars"``), without pandas.

Each takes ``convert.Converted`` (the columns after sklearn's rules), so the values are
the same whatever the kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy: imported by a load, not by the package
    from ..convert import Converted

def output_kind(as_frame, *, sparse: bool) -> str:
    """``as_frame`` (True, False, "auto", "pandas", "polars") as an output kind:
    "pandas", "numpy" or "polars"."""
    if as_frame == "auto":
        return "numpy" if sparse else "pandas"
    if as_frame in (True, "pandas"):
        return "pandas"
    return "polars" if as_frame == "polars" else "numpy"


def build(converted: Converted, kind: str, *, release: bool = False) -> dict:
    """data, target, frame, categories, feature_names, target_names (sklearn's first six
    keys). ``release``: the caller is done with ``converted``, whose columns may be let go
    as soon as the result holds them (a load's peak memory)."""
    from ..convert import Integers

    if kind == "polars":
        from .to_polars import polars_parts

        return polars_parts(converted)
    if kind == "numpy" and not any(isinstance(c, Integers) for c in converted.columns.values()):
        from .to_numpy import numpy_parts

        return numpy_parts(converted)
    from .to_pandas import pandas_parts  # Int64 arrays hold pandas' NA: pandas makes them

    return pandas_parts(converted, as_frame=kind == "pandas", release=release)
