"""The JavaScript decoder (hyparquet, bundled by web/build-js.sh into
``parquet_columns.bundle.mjs``), called through Pyodide's FFI.

Columns arrive as typed arrays and are copied straight into numpy buffers
(``JsBuffer.assign_to``), never through Python lists; string columns arrive as
dictionary codes + values, which is how OpenML stores nominal data anyway. BOOLEAN
columns arrive as int8 codes (-1 null, 0 false, 1 true) and become ``bool_column``;
Arrow null-type columns arrive as a name only and become ``NullColumn``.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources

import numpy as np

from ..errors import ColumnTypeError, DataIntegrityError
from ..table import DictColumn, NullColumn, Table, bool_column
from ..transport import in_pyodide

NAME = "js"
BUNDLE = "parquet_columns.bundle.mjs"

_TYPED_ARRAYS = {
    "Float64Array": np.float64, "Float32Array": np.float32,
    "Int8Array": np.int8, "Uint8Array": np.uint8, "Int16Array": np.int16,
    "Uint16Array": np.uint16, "Int32Array": np.int32, "Uint32Array": np.uint32,
    "BigInt64Array": np.int64, "BigUint64Array": np.uint64,
}


@functools.cache
def works() -> bool:
    """In Pyodide, with the bundle shipped in the wheel (CPython has no JS to run it)."""
    return in_pyodide() and resources.files(__package__).joinpath(BUNDLE).is_file()


_module = None


async def prepare() -> None:
    await _decoder()


async def _decoder():
    """Import the bundle once, as an ES module from a data: URL (works in Node and
    browsers, and needs no server path for the file)."""
    global _module
    if _module is None:
        from pyodide.code import run_js

        source = resources.files(__package__).joinpath(BUNDLE).read_bytes()
        url = "data:text/javascript;base64," + base64.b64encode(source).decode()
        _module = await run_js("(url) => import(url)")(url)
    return _module


async def read_async(data: bytes, columns: list[str] | None = None) -> Table:
    from js import Uint8Array
    from pyodide.ffi import to_js

    decoder = await _decoder()
    # One copy into JS-owned memory: a view of the wasm heap would be detached (or
    # read stale) if the heap grows while the decoder awaits.
    array = Uint8Array.new(len(data))
    array.assign(data)
    try:
        result = await decoder.readParquetColumns(array, to_js(columns) if columns else None)
    except Exception as error:  # a JsException
        if str(error).startswith("UnsupportedColumnType"):  # readable, but not a type for us
            raise ColumnTypeError(str(error).partition(": ")[2]) from error
        raise DataIntegrityError(f"the JS parquet decoder could not read the file: {error}") from error
    rows = int(result.numRows)
    table: Table = {}
    for column in result.columns:
        kind = column.kind
        if kind == "numeric":
            table[column.name] = _numpy(column.array, rows)
        elif kind == "dictionary":
            codes = _numpy(column.codes, rows).astype(np.int64, copy=False)
            table[column.name] = DictColumn(codes=codes, values=list(column.values.to_py()))
        elif kind == "boolean":
            table[column.name] = bool_column(_numpy(column.codes, rows).astype(np.int64))
        elif kind == "null":
            table[column.name] = NullColumn(rows)
        else:  # a bundle newer than this module
            raise DataIntegrityError(f"the JS parquet decoder gave column {column.name!r} "
                                     f"of unknown kind {kind!r}")
    return table


def _numpy(typed_array, rows: int) -> np.ndarray:
    dtype = _TYPED_ARRAYS[typed_array.constructor.name]
    out = np.empty(rows, dtype=dtype)
    typed_array.assign_to(out)
    return out
