"""Columns -> the columns of ``sklearn.datasets.fetch_openml(parser="pandas")``'s Bunch
(or, with ``dtypes="openml"``, the file's own compact types: ``to_openml_column``),
in a form no output library owns yet: numpy arrays and the small types below. The
output builders (``outputs/``: pandas, numpy, polars) turn them into frames or arrays,
so every output kind gets the same values by construction, and only pandas output
imports pandas.

sklearn reads ARFF text with ``pandas.read_csv``; OpenML's parquet holds the same
values with other types. The rules below (checked against sklearn 1.9.1 + pandas 2.3.3
by tests/test_parity.py) turn one into the other:

- nominal: unordered categories of the values that occur, sorted as the ARFF text
  sorts them (single-quoted tokens keep their quote while sorting, as in sklearn);
- numeric: int64 for integer columns and for double columns of whole numbers beyond
  0..255 with nothing missing (OpenML stores whole 0..255 columns as uint8, others as
  double; sklearn's read_csv sees ARFF text like "77516" and infers int64), else
  float64 (NaN);
  OpenML "integer" features: pandas' nullable Int64, as sklearn asks read_csv for;
- string and date: strings, missing where the file has null;
- a BOOLEAN column (OpenML's form of a {true, false} nominal): the nominal rule, with
  the levels spelled as the features list declares them (``bool_levels``);
- a null-type column (missing in every row): what read_csv makes of a column of "?":
  float64 NaN (strings too; Int64 <NA> for "integer"), or for a nominal a categorical
  without categories.
A column whose type does not fit its declared type is a ColumnTypeError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import ColumnTypeError, DataIntegrityError
from .openml import Description, Feature
from .selection import NUMERIC_TYPES, Selection
from .table import Column, DictColumn, NullColumn, Table, code_dtype, is_bool_column, n_rows, used_levels

# liac-arff (the writer of most OpenML ARFF files) single-quotes a value with these.
_ARFF_NEEDS_QUOTES = re.compile(r"[\"'\\\s%,\x00-\x19]")


# -- the converted columns (what the output builders take) ------------------------------
# besides these: numeric numpy arrays (int64/float64, or the file's own types with
# dtypes="openml"), and object arrays of str with None where missing (strings).

@dataclass(frozen=True)
class Cast:
    """A numeric column that must become ``dtype``: cast when it is written, not before."""

    values: np.ndarray
    dtype: np.dtype

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Nominal:
    """A categorical column: ``codes`` (-1 = missing) into ``categories`` (str)."""

    codes: np.ndarray
    categories: list
    ordered: bool = False

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class Integers:
    """An OpenML "integer" feature, which sklearn reads as pandas' nullable Int64."""

    values: np.ndarray  # int64, 0 where missing
    missing: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Converted:
    """The Bunch's columns, before any output library: ``columns[name]`` for the kept
    features in file order; ``feature_names`` and ``target_names`` as sklearn's."""

    columns: dict
    kept: list[str]
    feature_names: list[str]
    target_names: list[str]
    rows: int

    def categories(self) -> dict:
        """sklearn's ``categories`` for arrays: each nominal column's levels, file order."""
        return {name: list(self.columns[name].categories) for name in self.kept
                if isinstance(self.columns[name], Nominal)}


def convert(table: Table, description: Description, features: list[Feature],
            selection: Selection, *, dtypes: str = "sklearn", file_ranges: dict | None = None) -> Converted:
    """``file_ranges``: the table holds only some of the file's rows (nrows=); the (min,
    max) of its double columns over the whole file, from the footer's statistics, decide
    which are whole numbers written as integers (see _whole_numbers)."""
    wanted = set(selection.feature_names) | set(selection.target_names)
    kept = [f for f in features if f.name in wanted]  # file order, as sklearn keeps it
    missing = [f.name for f in kept if f.name not in table]
    if missing:
        raise DataIntegrityError(
            f"the parquet file of dataset {description.label} lacks the columns {missing} "
            "that its features list declares", dataset=description.label,
        )
    if dtypes == "openml":
        columns = {f.name: to_openml_column(table[f.name], f, description) for f in kept}
    else:
        ranges = file_ranges or {}
        columns = {f.name: to_sklearn_column(table[f.name], f, description, file_range=ranges.get(f.name))
                   for f in kept}
    return Converted(columns=columns, kept=[f.name for f in kept],
                     feature_names=list(selection.feature_names),
                     target_names=list(selection.target_names), rows=n_rows(table))


def needs_pandas_for_arrays(features: list[Feature], selection: Selection, dtypes: str) -> bool:
    """Whether ``as_frame=False`` needs pandas for these columns: sklearn's arrays of an
    Int64 ("integer") column hold pandas' NA, which only pandas can make."""
    wanted = set(selection.feature_names) | set(selection.target_names)
    return dtypes == "sklearn" and any(f.data_type == "integer" for f in features if f.name in wanted)


def to_sklearn_column(column: Column, feature: Feature, description: Description, *,
                      file_range: tuple[float, float] | None = None):
    kind = feature.data_type
    if isinstance(column, NullColumn):
        return _all_missing(len(column), kind)
    if kind == "nominal":
        return _nominal(column, feature, description)
    if kind in NUMERIC_TYPES:
        return _numeric(column, feature, description, file_range=file_range)
    return _strings(column, feature, description)


def _nominal(column: Column, feature: Feature, description: Description) -> Nominal:
    codes, values = _nominal_codes(column, feature, description)
    # Keep the levels that occur, in sklearn's order; remap the codes in one pass.
    # `lookup` has one extra slot at the end so that code -1 (null) maps to -1.
    used = column.used if isinstance(column, DictColumn) else used_levels(codes, len(values))
    order = sorted(used, key=lambda i: _arff_sort_key(values[i]))
    lookup = np.full(len(values) + 1, -1, dtype=code_dtype(len(order)))  # pandas' own width
    lookup[order] = np.arange(len(order))
    return Nominal(lookup[codes], [values[i] for i in order])


def _nominal_codes(column: Column, feature: Feature, description: Description) -> tuple[np.ndarray, list]:
    """A nominal column as codes (-1 = missing) into its levels, as strings."""
    if is_bool_column(column):
        return np.asarray(column.codes), list(bool_levels(feature))
    if isinstance(column, DictColumn):
        codes, values = np.asarray(column.codes), list(column.values)
    elif column.dtype == object:
        codes, values = _factorize(column)
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


def _factorize(column: np.ndarray) -> tuple[np.ndarray, list]:
    """Plain values (an engine without dictionaries) as codes (-1 = missing) + levels."""
    missing = is_missing(column)
    codes = np.full(len(column), -1, dtype=np.int64)
    present = column[~missing]
    if not len(present):
        return codes, []
    if not all(isinstance(v, str) for v in present):  # np.unique cannot sort mixed types
        position: dict = {}
        codes[~missing] = [position.setdefault(v, len(position)) for v in present]
        return codes, list(position)
    levels, inverse = np.unique(present.astype(str), return_inverse=True)
    codes[~missing] = inverse
    return codes, levels.tolist()


def strings_with_nan(column: np.ndarray) -> np.ndarray:
    """A copy of a strings column with NaN where it has None: read_csv's missing value,
    which pandas and numpy output hold."""
    out = column.copy()
    out[np.equal(out, None)] = np.nan
    return out


def is_missing(values: np.ndarray) -> np.ndarray:
    """None or NaN, elementwise, in an object array (what pandas.isna finds there)."""
    values = np.asarray(values, dtype=object)
    return np.equal(values, None) | np.not_equal(values, values)


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
        return Integers(np.zeros(rows, dtype=np.int64), np.ones(rows, dtype=bool))
    if kind == "nominal":
        return Nominal(np.full(rows, -1, dtype=code_dtype(0)), [])
    return np.full(rows, np.nan)  # numbers, and strings too: read_csv gives float64


def to_openml_column(column: Column, feature: Feature, description: Description):
    """dtypes="openml": the file's own compact types. Numbers keep their width (uint8
    pixels stay uint8); nominal columns become *ordered* categoricals with every declared
    level in declared order (the file's dictionary; the features list where an engine
    gives plain strings or the file holds booleans); strings as in sklearn;
    a column missing in every row as in sklearn (float64 NaN for numbers and strings)."""
    if feature.data_type == "nominal":
        if isinstance(column, NullColumn):
            levels = _declared_levels(feature)
            codes = np.full(len(column), -1, dtype=code_dtype(len(levels)))
        elif is_bool_column(column):
            false, true = bool_levels(feature)
            declared = [str(v) for v in feature.nominal_values or ()]
            levels = declared if sorted(declared) == sorted([false, true]) else [false, true]
            codes = np.array([levels.index(false), levels.index(true), -1],
                             dtype=code_dtype(len(levels)))[np.asarray(column.codes)]
        elif isinstance(column, DictColumn):
            codes, levels = np.asarray(column.codes), list(column.values)
        else:
            codes, observed = _factorize(column)
            levels = _declared_levels(feature)
            if not set(observed) <= set(levels):
                levels = sorted(observed)
            position = {level: i for i, level in enumerate(levels)}
            codes = np.array([position[v] for v in observed] + [-1], dtype=np.int64)[codes]
        return Nominal(codes, levels, ordered=True)
    if isinstance(column, NullColumn):
        return _all_missing(len(column), feature.data_type)
    if feature.data_type in NUMERIC_TYPES:
        return _numeric(column, feature, description) if isinstance(column, DictColumn) else column
    return _strings(column, feature, description)


def _declared_levels(feature: Feature) -> list:
    """A nominal's levels as OpenML's writer puts them in the file's dictionary: the
    features list's, less a declared "?" (ARFF's missing value: parsed as None, it cannot
    be a category), so every engine gives the levels the file holds."""
    return [level for level in feature.nominal_values or () if level != "?"]


def _arff_sort_key(value: str) -> str:
    return f"'{value}'" if _ARFF_NEEDS_QUOTES.search(value) else value


def _numeric(column: Column, feature: Feature, description: Description, *,
             file_range: tuple[float, float] | None = None):
    if isinstance(column, DictColumn) or column.dtype.kind not in "iuf":
        stored = ("booleans" if is_bool_column(column) else "text"
                  if isinstance(column, DictColumn) or column.dtype == object else column.dtype)
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is {feature.data_type}, "
            f"but the parquet file stores it as {stored}", dataset=description.label,
        )
    if feature.data_type == "integer":  # sklearn asks read_csv for Int64 here
        missing = np.isnan(column) if column.dtype.kind == "f" else np.zeros(len(column), dtype=bool)
        values = np.where(missing, 0, column)
        if column.dtype.kind == "f" and (np.floor(values) != values).any():
            raise ColumnTypeError(
                f"column {feature.name!r} of dataset {description.label} is integer, but the "
                "parquet file holds fractions in it", dataset=description.label,
            )
        return Integers(values.astype(np.int64), missing)
    whole = _whole_numbers(column, file_range)
    dtype = np.dtype(np.int64) if column.dtype.kind in "iu" or whole else np.dtype(np.float64)
    return column if column.dtype == dtype else Cast(column, dtype)  # cast once, into the frame


def _whole_numbers(column: np.ndarray, file_range: tuple[float, float] | None = None) -> bool:
    """A double column that sklearn's read_csv would have typed int64.

    OpenML writes whole numbers in 0..255 with nothing missing as uint8 (openml-python's
    rule), so a double column got its type for a reason: missing values (in the full
    dataset), fractions, or values outside 0..255. Only the last, with no NaN here, is
    ARFF text like "77516" that sklearn reads as int64. (Whole numbers written "5.0" in
    the ARFF would be float64 in sklearn: unknowable from parquet; docs: "Parity with scikit-learn".)
    """
    if len(column) == 0:
        return False
    with np.errstate(invalid="ignore"):
        if not (np.isfinite(column).all() and (np.floor(column) == column).all()):
            return False
    low, high = column.min(), column.max()
    if file_range is not None:  # some rows only (nrows=): the range is the whole file's
        low, high = min(low, file_range[0]), max(high, file_range[1])
    return bool((low < 0 or high > 255) and -(2**53) < low and high < 2**53)


def _strings(column: Column, feature: Feature, description: Description) -> np.ndarray:
    """An object array of str, None where missing."""
    if is_bool_column(column) or (isinstance(column, np.ndarray) and column.dtype != object):
        stored = "booleans" if is_bool_column(column) else column.dtype
        raise ColumnTypeError(
            f"column {feature.name!r} of dataset {description.label} is {feature.data_type}, "
            f"but the parquet file stores it as {stored}", dataset=description.label,
        )
    if isinstance(column, DictColumn):
        values = np.array(list(column.values) + [None], dtype=object)
        return values[column.codes]  # -1 picks the trailing None
    out = np.asarray(column, dtype=object)
    missing = is_missing(out)
    if missing.any():
        out = out.copy()
        out[missing] = None
    return out
