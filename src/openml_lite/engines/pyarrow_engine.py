"""pyarrow: the reference reader (what OpenML writes its parquet files with).

Columns leave Arrow through their buffers, never ``to_numpy()``: pyarrow's numpy
conversion (and ``pa.scalar``) imports pandas, which numpy and polars output must not
need (seconds in a fresh Pyodide). Strings leave dictionary-encoded, as the JS decoder
gives them: only the distinct values become Python objects.
"""

from __future__ import annotations

import functools

from ..errors import ColumnTypeError
from ..table import DictColumn, NullColumn, Table, bool_column, code_dtype
from ._probe import importable_and_reads

NAME = "pyarrow"


@functools.cache
def works() -> bool:
    return importable_and_reads("pyarrow.parquet", read)


def read(data: bytes, columns: list[str] | None = None) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # ParquetFile, not read_table: read_table goes through pyarrow.dataset, whose import
    # imports pandas
    table = pq.ParquetFile(pa.BufferReader(data)).read(columns=columns)
    out: Table = {}
    for name, chunked in zip(table.column_names, table.columns):
        type_ = chunked.type
        if pa.types.is_dictionary(type_):
            array = chunked.unify_dictionaries().combine_chunks()
            out[name] = DictColumn(codes=_codes(array.indices, len(array.dictionary)),
                                   values=array.dictionary.to_pylist())
        elif pa.types.is_boolean(type_):  # a {true, false} nominal
            array = chunked.combine_chunks()
            out[name] = bool_column(_codes(array.cast(pa.int8()), 2))
        elif pa.types.is_null(type_):  # missing in every row
            out[name] = NullColumn(len(chunked))
        elif pa.types.is_string(type_) or pa.types.is_large_string(type_):
            array = chunked.combine_chunks().dictionary_encode()
            out[name] = DictColumn(codes=_codes(array.indices, len(array.dictionary)),
                                   values=array.dictionary.to_pylist())
        elif pa.types.is_integer(type_) or pa.types.is_floating(type_):
            out[name] = _numbers(chunked.combine_chunks())
        else:
            raise ColumnTypeError.unknown(name, type_)
    return out


def _valid(array):
    """A bool numpy array: True where ``array`` has a value; None when nothing is null."""
    import numpy as np

    if array.null_count == 0:
        return None
    bitmap = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    bits = np.unpackbits(bitmap, bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


def _values(array):
    """A fixed-width numeric Arrow array's values as numpy (a read-only view)."""
    import numpy as np

    dtype = np.dtype(array.type.to_pandas_dtype())  # a numpy dtype; pandas not needed
    if len(array) == 0:
        return np.empty(0, dtype=dtype)
    values = np.frombuffer(array.buffers()[1], dtype=dtype)
    return values[array.offset:array.offset + len(array)]


def _codes(integers, levels: int):
    """Dictionary indices (or 0/1 booleans) into ``levels`` values as a fresh array of
    their code_dtype, -1 where null."""
    codes = _values(integers).astype(code_dtype(levels))
    valid = _valid(integers)
    if valid is not None:
        codes[~valid] = -1
    return codes


def _numbers(array):
    """Numbers as table.py promises them: the file's type, nulls only in floats (NaN);
    integers with nulls become float64."""
    import numpy as np

    values = _values(array)
    valid = _valid(array)
    if valid is None:
        return values
    values = values.astype(np.float64 if values.dtype.kind in "iu" else values.dtype)
    values[~valid] = np.nan
    return values
