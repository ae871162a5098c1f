"""polars: fast on CPython. Its wasm build has no parquet reader (pola-rs/polars#20876),
which ``works()`` detects by reading a real file rather than trusting the import."""

from __future__ import annotations

import functools
import io

from ..errors import ColumnTypeError
from ..table import NullColumn, Table, bool_column
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
        elif dtype == pl.Boolean:  # a {true, false} nominal
            out[series.name] = bool_column(series.cast(pl.Int64).fill_null(-1).to_numpy())
        elif dtype == pl.Null:  # missing in every row
            out[series.name] = NullColumn(len(series))
        else:
            raise ColumnTypeError.unknown(series.name, dtype)
    return out
