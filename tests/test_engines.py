"""Engines are chosen by what *works*: a reader that imports but cannot read parquet
(polars' wasm build) is skipped, and a named engine that cannot read is an error."""

from __future__ import annotations

import pytest

import openml_lite
from compare import assert_same
from openml_lite import engines
from openml_lite.engines import load_engine


@pytest.fixture
def fresh_probes():
    for name in engines.PYTHON_ENGINES:
        load_engine(name).works.cache_clear()
    yield
    for name in engines.PYTHON_ENGINES:
        load_engine(name).works.cache_clear()


def _break(monkeypatch, name):
    def read(data, columns=None):  # what polars 1.18 in Pyodide 0.27 does
        raise AttributeError("type object 'builtins.PyLazyFrame' has no attribute 'new_from_parquet'")

    monkeypatch.setattr(load_engine(name), "read", read)


def test_all_three_engines_work_on_cpython(fresh_probes):
    assert sorted(engines.available_engines()) == ["fastparquet", "polars", "pyarrow"]


def test_an_engine_that_cannot_read_is_skipped(monkeypatch, fresh_probes, mirror_url):
    _break(monkeypatch, "pyarrow")
    assert engines.available_engines() == ["fastparquet", "polars"]
    assert engines.get_engine("auto").NAME == "fastparquet"
    with pytest.raises(openml_lite.EngineUnavailableError, match="engine='pyarrow' cannot read parquet"):
        openml_lite.fetch_openml(data_id=61, engine="pyarrow", base_url=mirror_url, cache=False)


def test_no_engine_at_all_falls_back_to_arff(monkeypatch, fresh_probes, mirror_url, sklearn_at_mirror):
    for name in engines.PYTHON_ENGINES:
        _break(monkeypatch, name)
    with pytest.warns(openml_lite.ArffFallbackWarning, match="no parquet engine works"):
        ours = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False)
    assert_same(dict(ours), dict(sklearn_at_mirror(data_id=61, cache=False)))


def test_engines_read_one_file_to_equal_tables(mirror_dir):
    """Before conversion: same columns, same values (nominal columns compared as values)."""
    import numpy as np

    from openml_lite.mirror import parquet_path_for
    from openml_lite.table import DictColumn

    from pathlib import Path

    data = (Path(mirror_dir) / parquet_path_for(40945)).read_bytes()

    def values(column):
        if isinstance(column, DictColumn):
            return np.array(list(column.values) + [None], dtype=object)[column.codes]
        return column

    tables = {name: load_engine(name).read(data) for name in engines.PYTHON_ENGINES}
    reference = tables.pop("pyarrow")
    for name, table in tables.items():
        assert list(table) == list(reference), name
        for column in reference:
            a, b = values(table[column]), values(reference[column])
            assert a.dtype == b.dtype, (name, column)
            assert (a.astype(str) == b.astype(str)).all(), (name, column)


def test_js_engine_is_only_for_pyodide(mirror_url):
    assert not load_engine("js").works()
    with pytest.raises(openml_lite.EngineUnavailableError, match="engine='js'"):
        openml_lite.fetch_openml(data_id=61, engine="js", base_url=mirror_url, cache=False)


@pytest.mark.parametrize("data_id", [40945, 1590, 42074], ids=["Titanic", "adult", "wine_reviews"])
def test_codes_come_in_the_width_pandas_keeps(mirror_dir, data_id):
    """Every engine's dictionary codes are code_dtype wide (int8 below 127 values, as a
    pandas Categorical holds them), never int64: a Categorical takes them as they are."""
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from openml_lite.mirror import parquet_path_for
    from openml_lite.table import DictColumn, code_dtype

    data = (Path(mirror_dir) / parquet_path_for(data_id)).read_bytes()
    with_dictionaries = set()
    for name in engines.PYTHON_ENGINES:
        table = load_engine(name).read(data)
        dict_columns = {c: col for c, col in table.items() if isinstance(col, DictColumn)}
        if dict_columns:  # (polars' gives plain strings)
            with_dictionaries.add(name)
        for column_name, column in dict_columns.items():
            assert column.codes.dtype == np.dtype(code_dtype(len(column.values))), (name, column_name)
            categorical = pd.Categorical.from_codes(column.codes, categories=range(len(column.values)))
            assert np.shares_memory(categorical.codes, column.codes), (name, column_name)
    assert {"pyarrow", "fastparquet"} <= with_dictionaries


@pytest.mark.parametrize("levels", [0, 1, 126, 127, 32766, 32767, 70_000])
def test_code_dtype_is_pandas_rule(levels):
    import numpy as np
    import pandas as pd

    from openml_lite.table import code_dtype

    codes = np.full(3, -1, dtype=code_dtype(levels))
    assert pd.Categorical.from_codes(codes, categories=range(levels)).codes.dtype == codes.dtype
