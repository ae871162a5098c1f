"""The JS parquet decoder on CPython: a stand-in for what Pyodide gives js_engine.

In Pyodide, ``openml_lite.engines.js_engine.decode`` returns the bundle's JS result
through the FFI (a JsProxy). Here the same bundle
(src/openml_lite/engines/parquet_columns.bundle.js) runs in node (tests/js_columns.mjs),
its result comes back as JSON (typed arrays as their raw bytes) and is wrapped in small
objects with the JsProxy surface ``js_engine.read`` uses:

- the result: ``.numRows``, ``.columns`` (iterable);
- a column: ``.name``, ``.kind``, and ``.array`` / ``.codes`` (typed arrays) or
  ``.values`` (a JS Array of strings: ``.to_py()`` gives a list);
- a typed array: ``.constructor.name``, ``.length`` and ``.assign_to(numpy_out)``,
  which copies the bytes as ``JsBuffer.assign_to`` does (the out buffer's byte length
  must equal the array's; its dtype is whatever the caller chose, so a wrong dtype
  table in js_engine shows as wrong values, as it would in Pyodide).

So ``js_engine.read`` runs unchanged on CPython (``use_js_engine``). The second half of
this module is a pandas-free check of polars output against expectations computed from
a pandas result (``expectations`` / ``check_polars``), and the entry point of the child
interpreter that runs it under an older polars (``python -m js_columns PAYLOAD``).
Imports only the standard library at module level (numpy, polars: when used).
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BUNDLE = REPO / "src" / "openml_lite" / "engines" / "parquet_columns.bundle.js"
SCRIPT = TESTS / "js_columns.mjs"


def node() -> str | None:
    return shutil.which(os.environ.get("NODE", "node"))


# -- the decoder's result, as Pyodide's FFI shows it ------------------------------------

class TypedArray:
    """A JS typed array (JsBuffer) as js_engine.read uses it."""

    def __init__(self, spec: dict):
        self.constructor = SimpleNamespace(name=spec["type"])
        self.length = spec["length"]
        self._bytes = base64.b64decode(spec["base64"])

    def assign_to(self, out) -> None:
        import numpy as np

        if not (isinstance(out, np.ndarray) and out.flags.c_contiguous and out.flags.writeable):
            raise TypeError("assign_to needs a writable contiguous buffer")
        if out.nbytes != len(self._bytes):  # as JsBuffer.assign_to refuses it
            raise ValueError(f"cannot assign from TypedArray of length {len(self._bytes)} "
                             f"bytes to buffer of length {out.nbytes}")
        out.reshape(-1).view(np.uint8)[:] = np.frombuffer(self._bytes, dtype=np.uint8)

    def __repr__(self) -> str:
        return f"<{self.constructor.name} length={self.length}>"


class JsArray(list):
    """A JS Array of strings: ``.to_py()`` as a JsProxy gives it."""

    def to_py(self) -> list:
        return list(self)


def wrap(result: dict) -> SimpleNamespace:
    """The JSON of tests/js_columns.mjs as objects shaped like the JsProxy."""
    columns = []
    for spec in result["columns"]:
        column = SimpleNamespace(name=spec["name"], kind=spec["kind"])
        for key in ("array", "codes"):
            if key in spec:
                setattr(column, key, TypedArray(spec[key]))
        if "values" in spec:
            column.values = JsArray(spec["values"])
        columns.append(column)
    return SimpleNamespace(numRows=result["numRows"], columns=columns)


def decode_json(data: bytes, columns: list[str] | None = None) -> dict:
    """The bundle's result for ``data`` as JSON (or ``{"error": ...}``), from node."""
    found = node()
    if found is None:
        raise RuntimeError("node is not on PATH: the JS decoder cannot run here")
    if not BUNDLE.is_file():
        raise RuntimeError(f"{BUNDLE} is missing: run `bash web/build-js.sh` first")
    command = [found, str(SCRIPT), str(BUNDLE)]
    if columns:
        command.append(json.dumps(list(columns)))
    done = subprocess.run(command, input=bytes(data), capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"node {SCRIPT.name} failed ({done.returncode}):\n"
                           f"{done.stderr.decode(errors='replace')}")
    return json.loads(done.stdout)


def decode(data: bytes, columns: list[str] | None = None):
    """``js_engine.decode`` on CPython: the same result, the same errors."""
    from openml_lite.errors import ColumnTypeError, DataIntegrityError

    result = decode_json(data, columns)
    if "error" in result:
        error = result["error"]
        text = f"{error['name']}: {error['message']}"  # str() of Pyodide's JsException
        if text.startswith("UnsupportedColumnType"):
            raise ColumnTypeError(text.partition(": ")[2])
        raise DataIntegrityError(f"the JS parquet decoder could not read the file: {text}")
    return wrap(result)


def use_js_engine(monkeypatch) -> None:
    """engine="js" works in this CPython: ``js_engine.decode`` runs the bundle in node."""
    from openml_lite.engines import js_engine

    monkeypatch.setattr(js_engine, "works", lambda: True)
    monkeypatch.setattr(js_engine, "decode", decode)


def read_table(data: bytes, columns: list[str] | None = None):
    """The Table ``js_engine.read`` makes of ``data`` (unchanged code, node's decoder)."""
    from openml_lite.engines import js_engine

    real = js_engine.decode
    js_engine.decode = decode
    try:
        return js_engine.read(data, columns)
    finally:
        js_engine.decode = real


# -- pandas-free checks of polars output (runs under any polars) ------------------------

def expectations(pandas_result: dict, keys=("frame", "data", "target")) -> dict:
    """What the polars result must hold, from the pandas result, as plain Python:
    ``{key: None | ("frame", [column, ...]) | ("series", column)}``, a column being
    ``(name, dtype, values)``: dtype ``("Enum", [categories])`` or a polars type's name,
    values a list with None where pandas has NaN / NA (tests/compare.py's rules)."""
    import pandas as pd

    from compare import polars_type_of

    def column(series):
        dtype = polars_type_of(series.dtype)
        spec = ("Enum", [str(c) for c in dtype.categories]) if hasattr(dtype, "categories") \
            else getattr(dtype, "__name__", type(dtype).__name__)
        values = [None if pd.isna(v) else v for v in series.astype(object)]
        return series.name, spec, values

    expected = {}
    for key in keys:
        ref = pandas_result[key]
        if ref is None:
            expected[key] = None
        elif isinstance(ref, pd.DataFrame):
            expected[key] = ("frame", [column(ref[name]) for name in ref.columns], len(ref))
        else:
            expected[key] = ("series", column(ref))
    return expected


def check_polars(parts: dict, expected: dict) -> list[str]:
    """Where ``parts`` (data, target, frame as polars) differ from ``expected``: a list
    of messages (empty: none)."""
    import polars as pl

    problems: list[str] = []

    def dtype_of(spec):
        return pl.Enum(spec[1]) if isinstance(spec, tuple) else getattr(pl, spec)

    def same(series, spec, where):
        name, dtype, values = spec
        if not isinstance(series, pl.Series):
            problems.append(f"{where}: {type(series).__name__}, not a polars Series")
            return
        if series.name != name:
            problems.append(f"{where}: name {series.name!r} != {name!r}")
        if series.dtype != dtype_of(dtype):
            problems.append(f"{where}: dtype {series.dtype} != {dtype_of(dtype)}")
        got = series.to_list()
        if got != values:
            first = next((i for i, (a, b) in enumerate(zip(got, values)) if a != b), min(len(got), len(values)))
            problems.append(f"{where}: values differ (length {len(got)} vs {len(values)}; first at "
                            f"row {first}: {got[first] if first < len(got) else '-'!r} vs "
                            f"{values[first] if first < len(values) else '-'!r})")

    for key, want in expected.items():
        got = parts[key]
        if want is None:
            if got is not None:
                problems.append(f"{key}: {type(got).__name__} where pandas has None")
        elif want[0] == "frame":
            _, columns, rows = want
            if not isinstance(got, pl.DataFrame):
                problems.append(f"{key}: {type(got).__name__}, not a polars DataFrame")
                continue
            if got.columns != [c[0] for c in columns]:
                problems.append(f"{key}: columns {got.columns} != {[c[0] for c in columns]}")
                continue
            if got.height != rows:
                problems.append(f"{key}: {got.height} rows, not {rows}")
            for spec in columns:
                same(got.get_column(spec[0]), spec, f"{key}[{spec[0]!r}]")
        else:
            same(got, want[1], key)
    return problems


def child(payload_path: str, out_path: str) -> int:
    """In a child interpreter (an older polars first on sys.path): build the polars
    output of each pickled item's converted columns and check it against the item's
    expectations; writes ``{item: [problem, ...]}`` (a traceback is a problem) as JSON."""
    import traceback

    with open(payload_path, "rb") as file:
        payload = pickle.load(file)
    import polars as pl

    from openml_lite import outputs

    if pl.__version__ != payload["polars"]:
        print(f"polars {pl.__version__} imported from {pl.__file__}, not {payload['polars']}")
        return 2
    results = {}
    for key, item in payload["items"].items():
        try:
            results[key] = check_polars(outputs.build(item["converted"], "polars"), item["expected"])
        except Exception:
            results[key] = [traceback.format_exc()]
    with open(out_path, "w", encoding="utf-8") as file:
        json.dump({"polars": pl.__version__, "from": pl.__file__, "results": results}, file)
    return 0


if __name__ == "__main__":
    sys.exit(child(sys.argv[1], sys.argv[2]))
