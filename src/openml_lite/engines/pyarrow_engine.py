"""pyarrow: the reference reader (what OpenML writes its parquet files with)."""

from __future__ import annotations

import functools

from ..errors import ColumnTypeError
from ..table import DictColumn, NullColumn, Table, bool_column
from ._probe import importable_and_reads

NAME = "pyarrow"


@functools.cache
def works() -> bool:
    return importable_and_reads("pyarrow.parquet", read)


def read(data: bytes, columns: list[str] | None = None) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data), columns=columns)
    out: Table = {}
    for name, chunked in zip(table.column_names, table.columns):
        if pa.types.is_dictionary(chunked.type):
            array = chunked.unify_dictionaries().combine_chunks()
            codes = array.indices.cast(pa.int32()).fill_null(-1).to_numpy()
            out[name] = DictColumn(codes=codes, values=array.dictionary.to_pylist())
        elif pa.types.is_boolean(chunked.type):  # a {true, false} nominal
            out[name] = bool_column(chunked.cast(pa.int64()).fill_null(-1).to_numpy())
        elif pa.types.is_null(chunked.type):  # missing in every row
            out[name] = NullColumn(len(chunked))
        elif _plain_type(pa, chunked.type):
            # zero_copy_only=False: nullable ints become float64 with NaN, strings
            # become objects with None; both are what table.py promises.
            out[name] = chunked.to_numpy()
        else:
            raise ColumnTypeError.unknown(name, chunked.type)
    return out


def _plain_type(pa, type_) -> bool:
    return (
        pa.types.is_integer(type_) or pa.types.is_floating(type_)
        or pa.types.is_string(type_) or pa.types.is_large_string(type_)
    )
