"""The dtypes openml-lite returns follow the installed pandas, as its read_csv types the
same text (README, "pandas 3"): strings object on pandas 2 and "str" on pandas 3, NaN
for missing either way; nominal columns unordered Categoricals whose categories are the
ARFF's strings (object / str), also where pandas >= 3.1's read_csv would type them;
numbers int64 / float64. tests/run.sh runs this on pandas 2 and on pandas 3."""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import openml_lite

PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
ENGINES = ["pyarrow", "polars", "fastparquet"]
TITANIC, ZOO, ANNEAL = 40945, 62, 1


def _read_csv(text: str, **kwargs) -> pd.Series:
    return pd.read_csv(io.StringIO(text), header=None, na_values=["?"], keep_default_na=False,
                       **kwargs)[0]


def _fetch(data_id, mirror_url, engine, **kwargs):
    """Any warning is an error here (pandas' deprecations included), but anneal's own:
    an inactive dataset with a problem registered at OpenML."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=openml_lite.InactiveDatasetWarning)
        warnings.filterwarnings("ignore", message="OpenML registered a problem")
        return openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False,
                                        engine=engine, **kwargs)


@pytest.mark.parametrize("engine", ENGINES)
def test_strings_are_what_read_csv_makes_of_text(mirror_url, engine):
    cabin = _fetch(TITANIC, mirror_url, engine).frame["cabin"]  # strings, some missing
    assert cabin.dtype == _read_csv("B5\n?\n").dtype
    if PANDAS_3:
        assert cabin.dtype == pd.StringDtype(na_value=np.nan) and cabin.dtype == "str"
    else:
        assert cabin.dtype == object
    missing = cabin[cabin.isna()]
    assert len(missing) and all(isinstance(v, float) and math.isnan(v) for v in missing.astype(object))
    assert all(type(v) is str for v in cabin.dropna().astype(object))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("data_id,column,levels", [
    (TITANIC, "survived", ["0", "1"]),  # int-looking: pandas >= 3.1's read_csv types these
    (ZOO, "hair", ["false", "true"]),  # a parquet BOOLEAN column; bool-looking
    (TITANIC, "embarked", ["C", "Q", "S"]),
])
def test_nominal_categories_are_the_arff_strings(mirror_url, engine, data_id, column, levels):
    values = _fetch(data_id, mirror_url, engine).frame[column]
    assert isinstance(values.dtype, pd.CategoricalDtype) and not values.cat.ordered
    categories = values.cat.categories
    assert list(categories) == levels and all(type(v) is str for v in categories)
    # the dtype read_csv(dtype="category") gives categories of text, on any pandas
    assert categories.dtype == _read_csv("C\nQ\n", dtype="category").cat.categories.dtype
    assert categories.dtype == ("str" if PANDAS_3 else object)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_nominal_missing_in_every_row_has_no_categories_of_dtype_object(mirror_url, engine):
    family = _fetch(ANNEAL, mirror_url, engine).frame["family"]
    assert family.isna().all() and family.cat.categories.dtype == object
    assert len(family.cat.categories) == 0
    assert family.cat.categories.dtype == _read_csv("?\n?\n", dtype="category").cat.categories.dtype


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers(mirror_url, engine):
    frame = _fetch(TITANIC, mirror_url, engine).frame
    assert frame["pclass"].dtype == "int64" and frame["age"].dtype == "float64"
    assert frame["age"].isna().any()


@pytest.mark.parametrize("engine", ENGINES)
def test_arrays_hold_python_strings(mirror_url, engine):
    bunch = _fetch(ZOO, mirror_url, engine, as_frame=False)
    assert bunch.data.dtype == object and type(bunch.data[0, 0]) is str
    assert bunch.categories["hair"] == ["false", "true"]
    assert all(type(v) is str for v in bunch.categories["hair"])
