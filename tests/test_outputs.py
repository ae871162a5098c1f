"""Output kinds beyond pandas (README, "Results"):

- as_frame="polars" holds what the pandas result holds, on every recorded dense dataset,
  with every engine, with both dtypes; built without importing pandas;
- as_frame=False gives sklearn's arrays without importing pandas (a fresh interpreter
  says so), and the same arrays as sklearn;
- nothing imports scikit-learn unless the user has (or the ARFF path needs it): the
  Bunch is then openml-lite's own, which behaves as sklearn's.

The pandas result itself is checked against sklearn by test_parity.py.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import polars as pl
import pytest

import openml_lite
from compare import assert_polars_like_pandas, assert_same
from support import DENSE, SYNTHETIC_MNIST_ID, target_list

ENGINES = ["pyarrow", "fastparquet", "polars"]
DENSE_IDS = [f"{d['name']}-{d['data_id']}" for d in DENSE]
# as_frame=False refuses string columns (sklearn's rule): these have them
WITH_STRINGS = {40945, 42074}  # Titanic, wine_reviews
NUMERIC_OK = [d for d in DENSE if d["data_id"] not in WITH_STRINGS]


def _quietly(fetch, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inactive datasets, ignored row-id flags, ...
        return fetch(**kwargs)


# -- polars -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtypes", ["sklearn", "openml"])
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dataset", DENSE, ids=DENSE_IDS)
def test_polars_result_holds_the_pandas_result(dataset, engine, dtypes, mirror_url, data_home):
    kwargs = dict(data_id=dataset["data_id"], base_url=mirror_url, data_home=data_home,
                  engine=engine, dtypes=dtypes)
    pandas_result = _quietly(openml_lite.fetch_openml, as_frame=True, **kwargs)
    polars_result = _quietly(openml_lite.fetch_openml, as_frame="polars", **kwargs)
    assert list(polars_result) == list(pandas_result)
    for key in ("frame", "data", "target"):
        assert_polars_like_pandas(polars_result[key], pandas_result[key], key)
    for key in ("categories", "feature_names", "target_names", "DESCR", "details", "url"):
        assert polars_result[key] == pandas_result[key], key
    assert openml_lite.last_load_report().engine == engine


@pytest.mark.parametrize("target", ["none", "list"])
@pytest.mark.parametrize("dataset", DENSE, ids=DENSE_IDS)
def test_polars_targets_and_return_X_y(dataset, target, mirror_url, data_home):
    """No target: target None; two targets: a DataFrame in the order asked for."""
    target_column = None if target == "none" else target_list(dataset["data_id"])
    kwargs = dict(data_id=dataset["data_id"], base_url=mirror_url, data_home=data_home,
                  target_column=target_column, return_X_y=True)
    X_pandas, y_pandas = _quietly(openml_lite.fetch_openml, as_frame=True, **kwargs)
    X, y = _quietly(openml_lite.fetch_openml, as_frame="polars", **kwargs)
    assert_polars_like_pandas(X, X_pandas, "X")
    assert_polars_like_pandas(y, y_pandas, "y")
    if target == "list" and len(target_column) >= 2:
        assert isinstance(y, pl.DataFrame) and y.columns == target_column


def test_polars_wide_data_keeps_compact_types_with_dtypes_openml(mirror_url, data_home):
    bunch = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url,
                                     data_home=data_home, as_frame="polars", dtypes="openml")
    assert set(bunch.data.dtypes) == {pl.UInt8}
    assert bunch.target.dtype == pl.Enum([str(d) for d in range(10)])
    default = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url,
                                       data_home=data_home, as_frame="polars")
    assert set(default.data.dtypes) == {pl.Int64}  # sklearn's int64
    assert default.data.equals(bunch.data.cast(pl.Int64))


def test_polars_from_the_arff_path_equals_polars_from_parquet(mirror_url, data_home):
    """parser="liac-arff" reads the ARFF file (through pandas, sklearn's parser): the
    polars result is the one the parquet path gives."""
    kwargs = dict(data_id=61, base_url=mirror_url, data_home=data_home, as_frame="polars")
    with pytest.warns(openml_lite.ArffFallbackWarning):
        from_arff = openml_lite.fetch_openml(parser="liac-arff", **kwargs)
    from_parquet = openml_lite.fetch_openml(**kwargs)
    assert from_arff.frame.equals(from_parquet.frame)
    assert from_arff.frame.schema == from_parquet.frame.schema
    assert from_arff.target.dtype == pl.Enum(["Iris-setosa", "Iris-versicolor", "Iris-virginica"])


def test_sparse_data_cannot_be_polars(mirror_url, data_home):
    """As sklearn refuses as_frame=True on sparse data."""
    with pytest.raises(ValueError, match="Sparse ARFF datasets cannot be loaded with as_frame='polars'"):
        openml_lite.fetch_openml(data_id=292, base_url=mirror_url, data_home=data_home,
                                 as_frame="polars")


def test_pandas_is_a_name_for_true(mirror_url, data_home):
    kwargs = dict(data_id=61, base_url=mirror_url, data_home=data_home)
    assert_same(openml_lite.fetch_openml(as_frame="pandas", **kwargs),
                openml_lite.fetch_openml(as_frame=True, **kwargs))


# -- fresh interpreters: what a load imports ----------------------------------------------

_FRESH = textwrap.dedent("""
    import json, pickle, sys
    {prelude}
    import openml_lite
    result = openml_lite.fetch_openml(**{kwargs!r})
    with open({out!r}, "wb") as file:
        pickle.dump(result, file)
    bunch = result if isinstance(result, dict) else None
    print(json.dumps({{
        "imported": sorted(m for m in ("pandas", "sklearn", "polars", "pyarrow", "fastparquet")
                           if m in sys.modules),
        "bunch": None if bunch is None else f"{{type(bunch).__module__}}.{{type(bunch).__qualname__}}",
        "engine": openml_lite.last_load_report().engine,
    }}))
""")


def _in_fresh_interpreter(tmp_path, prelude="", **kwargs):
    """(what the load imported etc., its result) from a new Python process."""
    out = tmp_path / "result.pickle"
    code = _FRESH.format(prelude=prelude, kwargs=kwargs, out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), pickle.loads(out.read_bytes())


@pytest.mark.parametrize("engine", ["pyarrow", "polars"])
@pytest.mark.parametrize("dataset", NUMERIC_OK, ids=[f"{d['name']}-{d['data_id']}" for d in NUMERIC_OK])
def test_numpy_output_imports_no_pandas_and_equals_sklearn(dataset, engine, tmp_path, mirror_url,
                                                           sklearn_at_mirror):
    kwargs = dict(data_id=dataset["data_id"], base_url=mirror_url, cache=False, as_frame=False,
                  engine=engine)
    seen, ours = _in_fresh_interpreter(tmp_path, prelude="import warnings; warnings.simplefilter('ignore')",
                                       **kwargs)
    assert "pandas" not in seen["imported"] and "sklearn" not in seen["imported"], seen
    assert seen["engine"] == engine
    assert seen["bunch"] == "openml_lite.bunch.Bunch"
    reference = _quietly(sklearn_at_mirror, data_id=dataset["data_id"], as_frame=False,
                         parser="pandas", cache=False)
    assert_same(ours, reference)


def test_numpy_output_of_wide_data_imports_no_pandas(tmp_path, mirror_url):
    seen, ours = _in_fresh_interpreter(tmp_path, data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url,
                                       cache=False, as_frame=False, return_X_y=True)
    assert "pandas" not in seen["imported"], seen
    X, y = ours
    assert X.dtype == np.int64 and X.shape == (2000, 784) and X.flags.f_contiguous
    assert y.dtype == object and set(y) <= {str(d) for d in range(10)}
    with_pandas = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url, cache=False)
    assert np.array_equal(X, with_pandas.data.to_numpy()) and np.array_equal(y, with_pandas.target.to_numpy())


@pytest.mark.parametrize("engine", ["pyarrow", "polars"])
def test_polars_output_imports_no_pandas(engine, tmp_path, mirror_url):
    seen, ours = _in_fresh_interpreter(tmp_path, data_id=40945, base_url=mirror_url, cache=False,
                                       as_frame="polars", engine=engine)
    assert "pandas" not in seen["imported"] and "sklearn" not in seen["imported"], seen
    assert isinstance(ours.frame, pl.DataFrame) and ours.frame.shape == (1309, 14)


def test_polars_output_without_polars_is_a_clear_error(tmp_path, mirror_url):
    """polars not installed: MissingDependencyError naming the dataset, before any download."""
    code = textwrap.dedent(f"""
        import sys
        sys.modules["polars"] = None  # as if not installed
        import openml_lite
        try:
            openml_lite.fetch_openml(data_id=40945, base_url={mirror_url!r}, cache=False, as_frame="polars")
        except openml_lite.MissingDependencyError as error:
            print(type(error).__name__, "|", error)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MissingDependencyError |")
    assert "data_id=40945" in done.stdout and "polars" in done.stdout


@pytest.mark.parametrize("as_frame", [True, False, "polars"], ids=["pandas", "numpy", "polars"])
def test_loading_does_not_import_sklearn(as_frame, tmp_path, mirror_url):
    seen, ours = _in_fresh_interpreter(tmp_path, data_id=61, base_url=mirror_url, cache=False,
                                       as_frame=as_frame)
    assert "sklearn" not in seen["imported"], seen
    assert seen["bunch"] == "openml_lite.bunch.Bunch"
    assert isinstance(ours, openml_lite.Bunch)  # it unpickled as itself


def test_the_bunch_is_sklearns_when_sklearn_was_imported(tmp_path, mirror_url):
    seen, ours = _in_fresh_interpreter(tmp_path, prelude="import sklearn", data_id=61,
                                       base_url=mirror_url, cache=False)
    assert seen["bunch"] == "sklearn.utils._bunch.Bunch"
    from sklearn.utils import Bunch

    assert type(ours) is Bunch


def test_the_arff_path_imports_sklearn_it_needs(tmp_path, mirror_url):
    seen, _ = _in_fresh_interpreter(tmp_path, prelude="import warnings; warnings.simplefilter('ignore')",
                                    data_id=61, base_url=mirror_url, cache=False, parser="liac-arff")
    assert "sklearn" in seen["imported"] and seen["engine"] == "arff"


# -- openml-lite's Bunch ------------------------------------------------------------------

def test_own_bunch_behaves_as_sklearns(mirror_url, data_home):
    from sklearn.utils import Bunch as SklearnBunch

    ours = openml_lite.Bunch(data=np.arange(3), target=None, feature_names=["a"])
    theirs = SklearnBunch(data=np.arange(3), target=None, feature_names=["a"])
    assert ours.data is ours["data"] and ours.target is None
    ours.extra = 1
    theirs.extra = 1
    assert ours["extra"] == 1 and list(ours) == list(theirs)
    assert sorted(dir(ours)) == sorted(dir(theirs)) == ["data", "extra", "feature_names", "target"]
    with pytest.raises(AttributeError, match="missing"):
        ours.missing
    with pytest.raises(KeyError):
        ours["missing"]
    assert not hasattr(ours, "missing") and hasattr(ours, "data")
    for twin in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours), copy.copy(ours)):
        assert type(twin) is openml_lite.Bunch and list(twin) == list(ours)
        assert np.array_equal(twin.data, ours.data) and twin.extra == 1
        twin.extra = 2  # a key, not an instance attribute shadowing it
        assert twin["extra"] == 2 and twin.__dict__ == {}
    # decided (README, "Results"): a dict, not sklearn's class
    assert isinstance(ours, dict) and not isinstance(ours, SklearnBunch)
