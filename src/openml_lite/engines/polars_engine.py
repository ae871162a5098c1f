"""polars: fast on CPython. Its wasm build has no parquet reader (pola-rs/polars#20876),
which ``works()`` detects by reading a real file rather than trusting the import."""

from __future__ import annotations

import functools
import io

from ..errors import DataIntegrityError
from ..table import Table
from ._probe import importable_and_reads

NAME = "polars"


@functools.cache
def works() -> bool:
    return importable_and_reads("polars", read)


def read(data: bytes, columns: list[str] | None = None) -> Table:
    import polars as pl

    frame = pl.read_parquet(io.BytesIO(data), columns=columns)
    out: Table = {}
    for series in frame.get_columns():
        dtype = series.dtype
        if dtype == pl.Categorical or isinstance(dtype, pl.Enum):
            # polars 2 keeps no per-column dictionary (categories are global), so
            # hand over the values; convert.py rebuilds the categories sklearn wants.
            series = series.cast(pl.String)
            dtype = pl.String
        if dtype == pl.String or dtype.is_numeric():
            out[series.name] = series.to_numpy()
        else:
            raise DataIntegrityError(f"column {series.name!r} has a type OpenML does not write: {dtype}")
    return out
