"""fastparquet: small, pure-ish Python (numba-free since 2023); shipped by most Pyodide releases."""

from __future__ import annotations

import functools
import io

import numpy as np

from ..errors import ColumnTypeError
from ..table import DictColumn, NullColumn, Table, bool_column, code_dtype
from ._probe import importable_and_reads

NAME = "fastparquet"
_BOOLEAN, _BYTE_ARRAY = 0, 6  # parquet physical types


@functools.cache
def works() -> bool:
    return importable_and_reads("fastparquet", read)


def read(data: bytes, columns: list[str] | None = None) -> Table:
    import fastparquet
    import pandas as pd

    parquet = fastparquet.ParquetFile(io.BytesIO(data))
    wanted = columns or list(parquet.columns)
    _nullable_booleans(parquet, wanted)
    # Dictionary-encoded string columns come back as Categoricals with the file's
    # dictionary (declared order, unused levels kept) instead of expanded strings.
    dictionary = [name for name in wanted if _dictionary_encoded(parquet, name)]
    try:
        frame = parquet.to_pandas(columns=wanted, categories=dictionary or None)
    except Exception:
        # e.g. a writer that fell back from dictionary to PLAIN pages part way
        frame = parquet.to_pandas(columns=wanted)
    out: Table = {}
    for name in wanted:
        column = frame[name]
        if _null_type(parquet, name):  # missing in every row (fastparquet says Int32)
            out[name] = NullColumn(len(column))
        elif column.dtype == bool or column.dtype == "boolean":  # a {true, false} nominal
            out[name] = bool_column(column.astype("Int64").to_numpy(dtype=np.int8, na_value=-1))
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = DictColumn(
                codes=np.asarray(column.cat.codes, dtype=code_dtype(len(column.cat.categories))),
                values=list(column.cat.categories),
            )
        elif column.dtype == object:
            out[name] = column.to_numpy(dtype=object)
        elif pd.api.types.is_extension_array_dtype(column.dtype):
            # nullable integers: the float64 + NaN form table.py promises
            out[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        elif column.dtype.kind in "iuf":
            out[name] = column.to_numpy()
        else:
            raise ColumnTypeError.unknown(name, column.dtype)
    return out


def _nullable_booleans(parquet, names) -> None:
    """Read BOOLEAN columns as pandas' nullable "boolean". OpenML's pandas metadata
    calls them categorical (numpy_type int8), and fastparquet then trusts it, plans a
    plain numpy bool array and fails on the first null ("boolean value of NA is
    ambiguous", fastparquet 2026.9)."""
    import pandas as pd

    planned = getattr(parquet, "_base_dtype", None)  # the dtypes it will read into
    if not isinstance(planned, dict):
        return
    for name in names:
        if parquet.schema.schema_element([name]).type == _BOOLEAN:
            planned[name] = pd.BooleanDtype()


def _null_type(parquet, name: str) -> bool:
    """Arrow's null type: the parquet logical type UNKNOWN (Thrift's NullType)."""
    # a list: a str path is split at dots, and OpenML names may hold dots (emotions)
    logical = getattr(parquet.schema.schema_element([name]), "logicalType", None)
    return getattr(logical, "UNKNOWN", None) is not None


def _dictionary_encoded(parquet, name: str) -> bool:
    """Every row group stores this BYTE_ARRAY column with a dictionary page."""
    chunks = [
        chunk.meta_data for group in parquet.row_groups for chunk in group.columns
        if chunk.meta_data.path_in_schema[-1] == name
    ]
    return bool(chunks) and all(
        meta.type == _BYTE_ARRAY and meta.dictionary_page_offset is not None for meta in chunks
    )
