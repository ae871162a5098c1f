"""The JavaScript decoder (hyparquet, bundled by web/build-js.sh into
``parquet_columns.bundle.js``), called through Pyodide's FFI.

The bundle is a classic script, evaluated once with ``run_js``: no promise to await,
so the decoder serves the sync API even where Pyodide cannot wait for JavaScript (no
JSPI). Columns arrive as typed arrays and are copied straight into numpy buffers
(``JsBuffer.assign_to``), never through Python lists; string columns arrive as
dictionary codes + values, which is how OpenML stores nominal data anyway. BOOLEAN
columns arrive as int8 codes (-1 null, 0 false, 1 true) and become ``bool_column``;
Arrow null-type columns arrive as a name only and become ``NullColumn``.

``decode`` stops at the decoder's own JS result and needs no numpy: it is what the
numpy-free tests on every Pyodide release check.
"""

from __future__ import annotations

import functools
from importlib import resources

from .._compat import IN_PYODIDE
from ..errors import ColumnTypeError, DataIntegrityError
from ..table import DictColumn, NullColumn, Table, bool_column, code_dtype

NAME = "js"
BUNDLE = "parquet_columns.bundle.js"

_TYPED_ARRAYS = {
    "Float64Array": "float64", "Float32Array": "float32",
    "Int8Array": "int8", "Uint8Array": "uint8", "Int16Array": "int16",
    "Uint16Array": "uint16", "Int32Array": "int32", "Uint32Array": "uint32",
    "BigInt64Array": "int64", "BigUint64Array": "uint64",
}


@functools.cache
def works() -> bool:
    """In Pyodide, with the bundle shipped in the wheel (CPython has no JS to run it)."""
    return IN_PYODIDE and resources.files(__package__).joinpath(BUNDLE).is_file()


@functools.cache
def decoder():
    """The bundle's exports (``readParquetColumnsSync``, ...), evaluated once. Wrapped in
    a function so that its one ``var`` stays out of the page's globals."""
    from pyodide.code import run_js

    source = resources.files(__package__).joinpath(BUNDLE).read_text(encoding="utf-8")
    return run_js(f"(function () {{\n{source}\nreturn openmlLiteParquet\n}})()")


def decode(data: bytes, columns: list[str] | None = None):
    """The decoder's JS result ``{numRows, columns: [{name, kind, ...}]}`` for ``data``."""
    from js import Uint8Array
    from pyodide.ffi import to_js

    # One copy into JS-owned memory, so nothing the decoder returns aliases the wasm heap.
    array = Uint8Array.new(len(data))
    array.assign(data)
    try:
        return decoder().readParquetColumnsSync(array, to_js(columns) if columns else None)
    except Exception as error:  # a JsException
        if str(error).startswith("UnsupportedColumnType"):  # readable, but not a type for us
            raise ColumnTypeError(str(error).partition(": ")[2]) from error
        raise DataIntegrityError(f"the JS parquet decoder could not read the file: {error}") from error


# From this many columns (where outputs/frames.py builds 2-D blocks), the numeric columns of
# one type are decoded into one array: freed, it is one region the Bunch's blocks can
# reuse. Thousands of arrays of their own are not: Python's small objects land between
# them, and the wasm heap grows by a third copy instead (CIFAR-10's shape).
_ONE_ALLOCATION_FROM = 65


def read(data: bytes, columns: list[str] | None = None) -> Table:
    result = decode(data, columns)
    rows = int(result.numRows)
    places = _places(result.columns, rows) if len(result.columns) >= _ONE_ALLOCATION_FROM else {}
    table: Table = {}
    for column in result.columns:
        kind = column.kind
        if kind == "numeric":
            table[column.name] = _numpy(column.array, rows, places.get(column.name))
        elif kind == "dictionary":
            values = list(column.values.to_py())
            codes = _numpy(column.codes, rows).astype(code_dtype(len(values)), copy=False)
            table[column.name] = DictColumn(codes=codes, values=values)
        elif kind == "boolean":  # Int8Array codes: already their code_dtype
            table[column.name] = bool_column(_numpy(column.codes, rows))
        elif kind == "null":
            table[column.name] = NullColumn(rows)
        else:  # a bundle newer than this module
            raise DataIntegrityError(f"the JS parquet decoder gave column {column.name!r} "
                                     f"of unknown kind {kind!r}")
    return table


def _numpy(typed_array, rows: int, out=None):
    """The typed array's values in ``out`` (a contiguous array of its type) or a new array."""
    import numpy as np

    if out is None:
        out = np.empty(rows, dtype=_TYPED_ARRAYS[typed_array.constructor.name])
    typed_array.assign_to(out)
    return out


def _places(columns, rows: int) -> dict:
    """{name: a column of one 2-D array per numeric type (Fortran order: each column
    contiguous)} for the numeric columns."""
    import numpy as np

    by_type: dict = {}
    for column in columns:
        if column.kind == "numeric":
            by_type.setdefault(_TYPED_ARRAYS[column.array.constructor.name], []).append(column.name)
    places = {}
    for dtype, names in by_type.items():
        block = np.empty((rows, len(names)), dtype=dtype, order="F")
        places.update((name, block[:, i]) for i, name in enumerate(names))
    return places
