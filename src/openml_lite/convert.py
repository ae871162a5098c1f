"""Columns -> the Bunch ``sklearn.datasets.fetch_openml(parser="pandas")`` returns
(or, with ``dtypes="openml"``, the file's own compact types: ``to_openml_column``).

sklearn reads ARFF text with ``pandas.read_csv``; OpenML's parquet holds the same
values with other types. The rules below (checked against sklearn 1.9.1 + pandas 2.3.3
by tests/test_parity.py) turn one into the other:

- nominal: unordered Categorical of the values that occur, sorted as the ARFF text
  sorts them (single-quoted tokens keep their quote while sorting, as in sklearn);
- numeric: int64 for integer columns and for double columns of whole numbers beyond
  0..255 with nothing missing (OpenML stores whole 0..255 columns as uint8, others as
  double; sklearn's read_csv sees ARFF text like "77516" and infers int64), else
  float64 (NaN);
  OpenML "integer" features: pandas' nullable Int64, as sklearn asks read_csv for;
- string and date: object, NaN for missing;
- a BOOLEAN column (OpenML's form of a {true, false} nominal): the nominal rule, with
  the levels spelled as the features list declares them (``bool_levels``);
- a null-type column (missing in every row): what read_csv makes of a column of "?":
  float64 NaN (strings too; Int64 <NA> for "integer"), or for a nominal a Categorical
  without categories.
A column whose type does not fit its declared type is a ColumnTypeError.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import ColumnTypeError, DataIntegrityError
from .frames import Cast, build_frame
from .openml import Description, Feature
from .selection import NUMERIC_TYPES, Selection
from .table import Column, DictColumn, NullColumn, Table, is_bool_column, n_rows

# liac-arff (the writer of most OpenML ARFF files) single-quotes a value with these.
_ARFF_NEEDS_QUOTES = re.compile(r"[\"'\\\s%,\x00-\x19]")


def make_bunch(table: Table, description: Description, features: list[Feature],
               selection: Selection, *, as_frame: bool, dtypes: str = "sklearn") -> dict:
    """data, target, frame, categories, feature_names, target_names (sklearn's first six keys)."""
    wanted = set(selection.feature_names) | set(selection.target_names)
    kept = [f for f in features if f.name in wanted]  # file order, as sklearn keeps it
    missing = [f.name for f in kept if f.name not in table]
    if missing:
        raise DataIntegrityError(
            f"the parquet file of dataset {description.label} lacks the columns {missing} "
            "that its features list declares", dataset=description.label,
        )
    rows = n_rows(table)
    to_column = to_openml_column if dtypes == "openml" else to_sklearn_column
    columns = {f.name: to_column(table[f.name], f, description) for f in kept}
    names, targets = selection.feature_names, selection.target_names
    if as_frame:
        frame = build_frame(columns, [f.name for f in kept], rows)
        # data is its own copy, as in sklearn (frame[feature_names]): writing to one
        # never changes the other
        data = build_frame(columns, names, rows, copy_others=True)
        target = frame[targets] if len(targets) >= 2 else frame[targets[0]] if targets else None
        return dict(data=data, target=target, frame=frame, categories=None,
                    feature_names=names, target_names=targets)
    categories = {
        f.name: list(columns[f.name].categories)
        for f in kept if isinstance(columns[f.name], pd.Categorical)
    }
    target = None  # sklearn calls y.to_numpy() unconditionally and crashes without a
    if targets:    # target; we return None there (a documented difference)
        target_frame = build_frame(columns, targets, rows)
        target = (target_frame if len(targets) >= 2 else target_frame[targets[0]]).to_numpy()
    return dict(data=build_frame(columns, names, rows).to_numpy(), target=target,
                frame=None, categories=categories, feature_names=names, target_names=targets)


def to_sklearn_column(column: Column, feature: Feature, description: Description):
    kind = feature.data_type
    if isinstance(column, NullColumn):
        return _all_missing(len(column), kind)
    if kind == "nominal":
        return _nominal(column, feature, description)
    if kind in NUMERIC_TYPES:
        return _numeric(column, feature, description)
    return _strings(column, feature, description)


def _nominal(column: Column, feature: Feature, description: Description) -> pd.Categorical:
    codes, values = _nominal_codes(column, feature, description)
    # Keep the levels that occur, in sklearn's order; remap the codes in one pass.
    # `lookup` has one extra slot at the end so that code -1 (null) maps to -1.
    # intp: bincount refuses int64 on 32-bit wasm
    used = np.flatnonzero(np.bincount(codes[codes >= 0].astype(np.intp, copy=False), minlength=len(values)))
    order = sorted(used, key=lambda i: _arff_sort_key(values[i]))
    lookup = np.full(len(values) + 1, -1, dtype=np.int64)
    lookup[order] = np.arange(len(order))
    return pd.Categorical.from_codes(lookup[codes], categories=[values[i] for i in order])


def _nominal_codes(column: Column, feature: Feature, description: Description) -> tuple[np.ndarray, list]:
    """A nominal column as codes (-1 = missing) into its levels, as strings."""
    if is_bool_column(column):
        return np.asarray(column.codes), list(bool_levels(feature))
    if isinstance(column, DictColumn):
        codes, values = np.asarray(column.codes), list(column.values)
    elif column.dtype == object:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        values = list(uniques)
    else:
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is nominal, but the "
            f"parquet file stores it as {column.dtype}", dataset=description.label,
        )
    if not all(isinstance(v, str) for v in values):
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is nominal, but its "
            "parquet dictionary holds non-strings", dataset=description.label,
        )
    return codes, values


# Without the levels in the features list (neither "nominal_value" nor the older
# "nominal_values"), a BOOLEAN column's levels are spelled as most ARFF files do.
DEFAULT_BOOL_LEVELS = ("false", "true")


def bool_levels(feature: Feature) -> tuple[str, str]:
    """The spelling of (false, true) for a BOOLEAN column: the file keeps only the
    values, the features list keeps the levels as the ARFF declared them
    ("false"/"true", "FALSE"/"TRUE", ...)."""
    declared = feature.nominal_values or ()
    spelled = {str(level).lower(): str(level) for level in declared}
    if len(declared) == 2 and set(spelled) == {"false", "true"}:
        return spelled["false"], spelled["true"]
    return DEFAULT_BOOL_LEVELS


def _all_missing(rows: int, kind: str):
    """A null-type column as sklearn's read_csv types a column of "?" only."""
    if kind == "integer":  # sklearn asks read_csv for Int64 here
        return pd.array(np.full(rows, None, dtype=object), dtype="Int64")
    if kind == "nominal":
        return pd.Categorical.from_codes(np.full(rows, -1), categories=pd.Index([], dtype=object))
    return np.full(rows, np.nan)  # numbers, and strings too: read_csv gives float64


def to_openml_column(column: Column, feature: Feature, description: Description):
    """dtypes="openml": the file's own compact types. Numbers keep their width (uint8
    pixels stay uint8); nominal columns become *ordered* Categoricals with every declared
    level in declared order (the file's dictionary; the features list where an engine
    gives plain strings or the file holds booleans); strings as in sklearn (object, NaN);
    a column missing in every row as in sklearn (float64 NaN for numbers and strings)."""
    if feature.data_type == "nominal":
        if isinstance(column, NullColumn):
            levels = list(feature.nominal_values or ())
            codes = np.full(len(column), -1)
        elif is_bool_column(column):
            false, true = bool_levels(feature)
            declared = [str(v) for v in feature.nominal_values or ()]
            levels = declared if sorted(declared) == sorted([false, true]) else [false, true]
            codes = np.array([levels.index(false), levels.index(true), -1])[np.asarray(column.codes)]
        elif isinstance(column, DictColumn):
            codes, levels = np.asarray(column.codes), list(column.values)
        else:
            observed = pd.unique(column[pd.notna(column)])
            levels = list(feature.nominal_values or ())
            if not set(observed) <= set(levels):
                levels = sorted(observed)
            codes = pd.Categorical(column, categories=levels).codes
        return pd.Categorical.from_codes(codes, categories=levels, ordered=True)
    if isinstance(column, NullColumn):
        return _all_missing(len(column), feature.data_type)
    if feature.data_type in NUMERIC_TYPES:
        return _numeric(column, feature, description) if isinstance(column, DictColumn) else column
    return _strings(column, feature, description)


def _arff_sort_key(value: str) -> str:
    return f"'{value}'" if _ARFF_NEEDS_QUOTES.search(value) else value


def _numeric(column: Column, feature: Feature, description: Description):
    if isinstance(column, DictColumn) or column.dtype.kind not in "iuf":
        stored = ("booleans" if is_bool_column(column) else "text"
                  if isinstance(column, DictColumn) or column.dtype == object else column.dtype)
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is {feature.data_type}, "
            f"but the parquet file stores it as {stored}", dataset=description.label,
        )
    if feature.data_type == "integer":
        return pd.array(column, dtype="Int64")  # sklearn asks read_csv for Int64 here
    dtype = np.dtype(np.int64) if column.dtype.kind in "iu" or _whole_numbers(column) else np.dtype(np.float64)
    return column if column.dtype == dtype else Cast(column, dtype)  # cast once, into the frame


def _whole_numbers(column: np.ndarray) -> bool:
    """A double column that sklearn's read_csv would have typed int64.

    OpenML writes whole numbers in 0..255 with nothing missing as uint8 (openml-python's
    rule), so a double column got its type for a reason: missing values (in the full
    dataset), fractions, or values outside 0..255. Only the last, with no NaN here, is
    ARFF text like "77516" that sklearn reads as int64. (Whole numbers written "5.0" in
    the ARFF would be float64 in sklearn: unknowable from parquet; README, "Parity".)
    """
    if len(column) == 0:
        return False
    with np.errstate(invalid="ignore"):
        if not (np.isfinite(column).all() and (np.floor(column) == column).all()):
            return False
    low, high = column.min(), column.max()
    return bool((low < 0 or high > 255) and -(2**53) < low and high < 2**53)


def _strings(column: Column, feature: Feature, description: Description) -> np.ndarray:
    if is_bool_column(column) or (isinstance(column, np.ndarray) and column.dtype != object):
        stored = "booleans" if is_bool_column(column) else column.dtype
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is {feature.data_type}, "
            f"but the parquet file stores it as {stored}", dataset=description.label,
        )
    if isinstance(column, DictColumn):
        values = np.array(list(column.values) + [None], dtype=object)
        column = values[column.codes]  # -1 picks the trailing None
    out = np.asarray(column, dtype=object)
    nulls = pd.isna(out)
    if nulls.any():
        out = out.copy()
        out[nulls] = np.nan  # read_csv's missing value, not None
    return out
