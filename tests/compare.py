"""Equality of what two fetch_openml calls return, NaN-aware and dtype-strict."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse

_SINGLE_QUOTED = re.compile(r"^'(?P<inner>.*)'$", re.DOTALL)


def strip_arff_quotes(reference):
    """sklearn's pandas parser keeps the ARFF's single quotes around *string* values
    (its docs say so); openml-lite returns the values without them (README, "Parity")."""

    def strip(value):
        if isinstance(value, str):
            match = _SINGLE_QUOTED.match(value)
            return match.group("inner") if match else value
        return value

    def fix_frame(frame):
        frame = frame.copy()
        for name, dtype in frame.dtypes.items():
            if is_text(dtype):
                frame[name] = fix_series(frame[name])
        return frame

    def fix_series(series):
        return series.map(strip).astype(series.dtype)  # str stays str (pandas 3)

    if isinstance(reference, pd.DataFrame):
        return fix_frame(reference)
    if isinstance(reference, pd.Series) and is_text(reference.dtype):
        return fix_series(reference)
    return reference


def is_text(dtype) -> bool:
    """A column of strings as read_csv types it: object (pandas 2), str (pandas 3)."""
    return dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA)


def assert_same(ours, ref, where="result"):
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref), where
        for i, (a, b) in enumerate(zip(ours, ref)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(ref, pd.DataFrame):
        assert isinstance(ours, pd.DataFrame), f"{where}: {type(ours)}"
        pd.testing.assert_frame_equal(ours, strip_arff_quotes(ref), check_exact=True, obj=where)
        for name, dtype in ref.dtypes.items():
            _assert_same_categories(ours[name].dtype, dtype, f"{where}[{name!r}]")
    elif isinstance(ref, pd.Series):
        assert isinstance(ours, pd.Series), f"{where}: {type(ours)}"
        pd.testing.assert_series_equal(ours, strip_arff_quotes(ref), check_exact=True, obj=where)
        _assert_same_categories(ours.dtype, ref.dtype, where)
    elif isinstance(ref, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{where}: {type(ours)}"
        assert ours.dtype == ref.dtype, f"{where}: dtype {ours.dtype} != {ref.dtype}"
        assert ours.shape == ref.shape, f"{where}: shape {ours.shape} != {ref.shape}"
        _assert_array_values(ours, ref, where)
    elif scipy.sparse.issparse(ref):
        assert scipy.sparse.issparse(ours) and ours.format == ref.format, where
        assert ours.dtype == ref.dtype and ours.shape == ref.shape, where
        assert (ours != ref).nnz == 0, where
    elif isinstance(ref, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(ref), f"{where}: keys {list(ours)} != {list(ref)}"
        for key in ref:
            assert_same(ours[key], ref[key], f"{where}[{key!r}]")
    else:
        assert type(ours) is type(ref) and ours == ref, f"{where}: {ours!r} != {ref!r}"


def _assert_same_categories(ours, ref, where):
    if isinstance(ref, pd.CategoricalDtype):
        assert isinstance(ours, pd.CategoricalDtype), where
        assert list(ours.categories) == list(ref.categories), f"{where}: category order"
        assert ours.categories.dtype == ref.categories.dtype, f"{where}: category dtype"
        assert ours.ordered == ref.ordered, f"{where}: ordered flag"


def _assert_array_values(ours, ref, where):
    ours_na, ref_na = pd.isna(ours), pd.isna(ref)
    assert np.array_equal(ours_na, ref_na), f"{where}: missing values differ"
    if ref.dtype == object:
        for a, b in zip(ours[~ours_na], ref[~ref_na]):
            assert type(a) is type(b) and a == b, f"{where}: {a!r} != {b!r}"
    else:
        assert np.array_equal(ours[~ours_na], ref[~ref_na]), f"{where}: values differ"


def undo_known_difference(ours, ref, column: str):
    """The one difference nothing can resolve (README, "Parity"): an integer-valued REAL
    column written "15.0" in the ARFF is uint8 in OpenML's parquet (openml-python's
    rule), which openml-lite returns as int64 where sklearn's read_csv gives float64.
    Asserts that difference where ``column`` appears (same values otherwise) and
    returns ``ours`` with it undone, for the strict comparison of everything else.
    Also returns how often the column was met."""
    met = 0

    def undo(a, b):
        nonlocal met
        if isinstance(b, tuple):
            fixed = [undo(x, y) for x, y in zip(a, b)]
            return tuple(fixed)
        if isinstance(b, dict):
            return {k: undo(a[k], b[k]) if k in a else None for k in b} | \
                {k: v for k, v in a.items() if k not in b}
        if isinstance(b, pd.DataFrame) and isinstance(a, pd.DataFrame) and column in b.columns:
            met += 1
            assert a[column].dtype == "int64" and b[column].dtype == "float64", \
                f"{column}: expected int64 vs sklearn's float64, got {a[column].dtype} vs {b[column].dtype}"
            assert (a[column].astype("float64") == b[column]).all(), f"{column}: values differ"
            return a.astype({column: "float64"})
        if isinstance(b, pd.Series) and isinstance(a, pd.Series) and b.name == column:
            met += 1
            assert a.dtype == "int64" and b.dtype == "float64", f"{column}: {a.dtype} vs {b.dtype}"
            assert (a.astype("float64") == b).all(), f"{column}: values differ"
            return a.astype("float64")
        return a

    return undo(ours, ref), met


def assert_polars_like_pandas(ours, ref, where="result"):
    """A polars result holds what the pandas result holds (README, "Results"): same
    names and order, same values, null where pandas has NaN / NA, Enum of the same
    categories in the same order for categoricals, the same numeric type."""
    import polars as pl

    if ref is None:
        assert ours is None, f"{where}: {type(ours)} where pandas has None"
    elif isinstance(ref, pd.DataFrame):
        assert isinstance(ours, pl.DataFrame), f"{where}: {type(ours)}"
        assert ours.columns == list(ref.columns), f"{where}: columns"
        assert ours.height == len(ref), f"{where}: rows"
        for name in ref.columns:
            assert_polars_like_pandas(ours.get_column(name), ref[name], f"{where}[{name!r}]")
    elif isinstance(ref, pd.Series):
        assert isinstance(ours, pl.Series), f"{where}: {type(ours)}"
        assert ours.name == ref.name, f"{where}: name {ours.name!r}"
        assert ours.dtype == polars_type_of(ref.dtype), f"{where}: {ours.dtype} for pandas {ref.dtype}"
        expected = [None if pd.isna(v) else v for v in ref.astype(object)]
        assert ours.to_list() == expected, f"{where}: values differ"
    else:
        raise AssertionError(f"{where}: unexpected pandas value {type(ref)}")


def polars_type_of(dtype):
    """The polars type openml-lite gives for a pandas column type of its pandas result."""
    import polars as pl

    if isinstance(dtype, pd.CategoricalDtype):
        return pl.Enum([str(c) for c in dtype.categories])
    if isinstance(dtype, pd.Int64Dtype):
        return pl.Int64
    if is_text(dtype):
        return pl.String
    return {"int64": pl.Int64, "float64": pl.Float64, "uint8": pl.UInt8, "int8": pl.Int8,
            "uint16": pl.UInt16, "int16": pl.Int16, "int32": pl.Int32, "uint32": pl.UInt32,
            "float32": pl.Float32}[str(dtype)]


def first_difference(got, expected, where: str = "result", names=("got", "expected")) -> str | None:
    """Where two fingerprints (tests/pyodide/fingerprint.py) first differ, e.g.
    "result.data.columns.x.values[3]: ... != ..."; ``names``: what to call each side."""
    if type(got) is not type(expected):
        return f"{where}: {got!r:.200} != {expected!r:.200}"
    if isinstance(got, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            if key not in got or key not in expected:
                return f"{where}.{key}: only in {names[0] if key in got else names[1]}"
            found = first_difference(got[key], expected[key], f"{where}.{key}", names)
            if found:
                return found
        return None
    if isinstance(got, list):
        if len(got) != len(expected):
            if max(len(got), len(expected)) <= 2:  # one value: ["float", 1.0] vs ["nan"]
                return f"{where}: {got!r} != {expected!r}"
            return f"{where}: {len(got)} items != {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            found = first_difference(g, e, f"{where}[{i}]", names)
            if found:
                return found
    if isinstance(got, str) and got != expected:  # from the first character that differs
        at = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))
        return f"{where}[{at}:]: {got[at:at + 80]!r} != {expected[at:at + 80]!r}"
    return None if got == expected else f"{where}: {got!r:.200} != {expected!r:.200}"
