"""dtypes="openml": the parquet file's own compact types, the same from every engine
that hands over the file's dictionary (pyarrow, fastparquet)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

import openml_lite
from compare import assert_same
from openml_lite.mirror import parquet_path_for


@pytest.mark.parametrize("engine", ["pyarrow", "fastparquet"])
def test_compact_types_are_the_files(engine, mirror_url, mirror_dir):
    bunch = openml_lite.fetch_openml(data_id=40966, base_url=mirror_url, cache=False,
                                     engine=engine, dtypes="openml")
    arrow = pq.read_table(f"{mirror_dir}/{parquet_path_for(40966)}").to_pandas()
    for name in bunch.frame.columns:
        theirs = arrow[name]
        ours = bunch.frame[name]
        if isinstance(theirs.dtype, pd.CategoricalDtype):
            assert ours.dtype == theirs.dtype  # ordered, declared order, unused levels kept
        elif name == "BCL2_N":  # a null-type column (all missing): numbers, not objects
            assert theirs.isna().all() and ours.dtype == "float64" and ours.isna().all()
        else:
            assert ours.dtype == theirs.dtype or (ours.dtype == object and theirs.dtype == object)
    genotype = bunch.frame["class"].cat
    assert genotype.ordered and list(genotype.categories) == list(arrow["class"].cat.categories)


@pytest.mark.parametrize("engine", ["pyarrow", "fastparquet", "polars"])
@pytest.mark.parametrize("data_id,column,levels", [(62, "hair", ["false", "true"]),
                                                  (40589, "amazed.suprised", ["FALSE", "TRUE"])])
def test_compact_booleans_are_ordered_declared_levels(engine, data_id, column, levels, mirror_url):
    """A BOOLEAN column, as every nominal under dtypes="openml": an ordered Categorical
    of the levels as declared (the features list keeps their spelling)."""
    compact = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False,
                                       engine=engine, dtypes="openml")
    usual = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False, engine=engine)
    ours = compact.frame[column]
    assert ours.cat.ordered and list(ours.cat.categories) == levels
    assert ours.astype(object).equals(usual.frame[column].astype(object))


def test_compact_is_smaller_and_has_the_same_values(mirror_url):
    compact = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, dtypes="openml")
    usual = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    assert compact.frame["pclass"].dtype == "uint8" and usual.frame["pclass"].dtype == "int64"
    assert compact.frame.memory_usage(deep=True).sum() < usual.frame.memory_usage(deep=True).sum()
    back = compact.frame.astype({c: usual.frame[c].dtype for c in usual.frame.columns
                                 if not isinstance(usual.frame[c].dtype, pd.CategoricalDtype)})
    for name in usual.frame.columns:
        if isinstance(usual.frame[name].dtype, pd.CategoricalDtype):
            assert back[name].astype(object).equals(usual.frame[name].astype(object))
        else:
            assert_same(back[name], usual.frame[name])


def test_bad_dtypes_argument(mirror_url):
    with pytest.raises(openml_lite.InvalidParameterError, match="'dtypes' parameter"):
        openml_lite.fetch_openml(data_id=61, base_url=mirror_url, dtypes="numpy")
