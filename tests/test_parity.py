"""Parity: openml-lite returns what sklearn.datasets.fetch_openml(parser="pandas")
returns, for every dense dataset in sklearn's recorded fixtures, over real HTTP from
the local mirror, for every engine. The reference is sklearn itself, run in the same
process against the same mirror; pinned versions are checked first.

Under pandas 3 (tests/run.sh's second environment, tests/pandas3/requirements.txt) the
reference is sklearn 1.9.1 on that pandas, whose own types are pandas 3's (strings
"str", categories of dtype str). Where sklearn fails there (pandas >= 3.1, nominal
values that all look like numbers or booleans: SKLEARN_FAILS_ON below), the failure is
asserted and the reference is sklearn's result with read_csv giving string categories
as pandas <= 3.0 did (support.sklearn_reference; README, "pandas 3")."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn

import openml_lite
from openml_lite.mirror import parquet_path_for
from compare import assert_same, undo_known_difference
from support import (DENSE, READ_CSV_TYPES_CATEGORIES, target_list,
                     typed_looking_nominals)

PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
PANDAS_3_REQUIREMENTS = Path(__file__).parent / "pandas3" / "requirements.txt"


def _pinned_for_pandas_3(package: str) -> str:
    text = PANDAS_3_REQUIREMENTS.read_text()
    return re.search(rf"^{re.escape(package)}==(\S+)", text, re.MULTILINE).group(1)


PINNED = {"scikit-learn": ("1.9.1", sklearn.__version__), "pandas": ("2.3.3", pd.__version__)}
if PANDAS_3:  # the second environment of tests/run.sh
    PINNED["pandas"] = (_pinned_for_pandas_3("pandas"), pd.__version__)
    PINNED["numpy"] = (_pinned_for_pandas_3("numpy"), np.__version__)
# The recorded datasets whose nominal columns (all but ignored and row-id ones) have
# values that all look like numbers or booleans: on pandas >= 3.1 read_csv types their
# categories and scikit-learn 1.9.1's pandas parser fails on them (TypeError in its
# strip_single_quotes), whatever target or as_frame is asked for.
SKLEARN_FAILS_ON = {
    1: ["bore", "class", "formability"],  # anneal: class declares {1, ..., 5, U}, U unused
    2: ["bore", "class", "formability"],
    62: ["airborne", "aquatic", "backbone", "breathes", "catsize", "domestic", "eggs",
         "feathers", "fins", "hair", "milk", "predator", "tail", "toothed", "venomous"],
    40589: ["amazed.suprised", "angry.aggresive", "happy.pleased", "quiet.still",
            "relaxing.calm", "sad.lonely"],  # emotions: {FALSE, TRUE}
    40675: ["class"],  # glass2: {0, 1}
    40945: ["survived"],  # Titanic: {0, 1}
}
ENGINES = ["pyarrow", "polars", "fastparquet"]
AS_FRAME = [True, False, "auto"]
# The deliberate difference (README, "Parity"): wine_reviews' REAL "price" is written
# "15.0" etc. in the recorded ARFF; the 10 rows served have no missing price, so OpenML's
# converter makes it uint8 (openml-lite: int64) where sklearn reads float64.
KNOWN_DIFFERENCE = {42074: "price"}
TARGETS = ["default", "none", "list"]


def test_reference_versions_are_the_pinned_ones():
    # The parity rules were checked against these; another version is another reference.
    for package, (pinned, installed) in PINNED.items():
        assert installed == pinned, f"{package} {installed} installed, tests pin {pinned}"


@pytest.mark.parametrize("dataset", DENSE, ids=[f"{d['name']}-{d['data_id']}" for d in DENSE])
def test_sklearn_fails_on_pandas_3_1_exactly_where_said(dataset, sklearn_at_mirror):
    """SKLEARN_FAILS_ON holds, and sklearn 1.9.1 really fails there on pandas >= 3.1 (and
    nowhere else, and nowhere on pandas 2): the rule the parity tests lean on cannot rot."""
    from sklearn.datasets import _openml  # pointed at the mirror, without the fallback

    read = pd.read_csv(io.StringIO("1\n"), header=None, dtype={0: "category"})[0]
    assert read.cat.categories.dtype.kind == ("i" if READ_CSV_TYPES_CATEGORIES else "O")
    kwargs = dict(data_id=dataset["data_id"], cache=False, parser="pandas")
    typed = SKLEARN_FAILS_ON.get(dataset["data_id"], [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inactive datasets; "redownloading" before it fails
        reference = sklearn_at_mirror(**kwargs)
        assert typed_looking_nominals(reference) == typed
        if READ_CSV_TYPES_CATEGORIES and typed:
            with pytest.raises(TypeError, match="expected string or bytes-like object"):
                _openml.fetch_openml(**kwargs)
        else:
            assert_same(_openml.fetch_openml(**kwargs).frame, reference.frame)


def test_openml_lite_reads_arff_nominals_as_strings_where_read_csv_types_categories():
    from openml_lite.arff import _read_csv_types_categories

    assert _read_csv_types_categories() == READ_CSV_TYPES_CATEGORIES


def _target_argument(dataset, target):
    return {"default": "default-target", "none": None, "list": target_list(dataset["data_id"])}[target]


def _call(fn, **kwargs):
    """(result, exception type, warning categories); warnings recorded, not raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(**kwargs), None
        except Exception as exc:  # compared below
            result, error = None, exc
    return result, error, {w.category for w in caught}


_reference_memo: dict = {}


def _reference(sklearn_fetch, key, **kwargs):
    if key not in _reference_memo:
        _reference_memo[key] = _call(sklearn_fetch, cache=False, parser="pandas", **kwargs)
    return _reference_memo[key]


def _assert_parity(ours, ref, data_id=None):
    result, error, _ = ours
    ref_result, ref_error, _ = ref
    if ref_error is not None:
        assert error is not None, f"sklearn raised {ref_error!r}, we returned a result"
        # sklearn's own classes (e.g. its private OpenMLError) are not ours to subclass:
        # the built-in type it derives from is what callers catch.
        builtin = next(c for c in type(ref_error).__mro__ if c.__module__ == "builtins")
        assert isinstance(error, builtin), f"{error!r} is not a {builtin.__name__} like {ref_error!r}"
        return
    assert error is None, f"we raised {error!r}, sklearn returned a result"
    if data_id in KNOWN_DIFFERENCE:
        result, met = undo_known_difference(result, ref_result, KNOWN_DIFFERENCE[data_id])
        holds_it = _holds_column(ref_result, KNOWN_DIFFERENCE[data_id])
        assert met == holds_it, f"the known difference was met {met} times, expected {holds_it}"
    assert_same(result, ref_result)


def _holds_column(result, column) -> int:
    """How many frames / series of a result hold ``column``."""
    if isinstance(result, (tuple, list)):
        return sum(_holds_column(r, column) for r in result)
    if isinstance(result, dict):
        return sum(_holds_column(r, column) for r in result.values())
    if isinstance(result, pd.DataFrame):
        return int(column in result.columns)
    if isinstance(result, pd.Series):
        return int(result.name == column)
    return 0


def _data_requests(mirror_log) -> list[str]:
    """What the mirror served since the last reset, but the JSON API."""
    return [p for p in mirror_log.paths() if not p.startswith("/api/")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("return_X_y", [False, True], ids=["bunch", "X_y"])
@pytest.mark.parametrize("as_frame", AS_FRAME, ids=["frame", "numpy", "auto"])
@pytest.mark.parametrize("dataset", DENSE, ids=[f"{d['name']}-{d['data_id']}" for d in DENSE])
def test_parity_by_id(dataset, as_frame, return_X_y, target, engine, sklearn_at_mirror, mirror_url, mirror_log,
                      data_home):
    kwargs = dict(data_id=dataset["data_id"], as_frame=as_frame, return_X_y=return_X_y,
                  target_column=_target_argument(dataset, target))
    ref = _reference(sklearn_at_mirror, (dataset["data_id"], as_frame, return_X_y, target), **kwargs)
    mirror_log.reset()  # after sklearn's own requests
    ours = _call(openml_lite.fetch_openml, base_url=mirror_url, data_home=data_home,
                 engine=engine, **kwargs)
    served = _data_requests(mirror_log)
    if target == "none" and as_frame is False and isinstance(ref[1], AttributeError):
        # sklearn 1.9.1 crashes here ('NoneType' object has no attribute 'to_numpy');
        # we return the data with target=None (README, "Parity").
        assert ours[1] is None
        data = ours[0][0] if return_X_y else ours[0].data
        target_value = ours[0][1] if return_X_y else ours[0].target
        assert isinstance(data, np.ndarray) and target_value is None
        return
    _assert_parity(ours, ref, dataset["data_id"])
    assert openml_lite.ArffFallbackWarning not in ours[2], "dense data must come from parquet"
    if ours[1] is None:  # the parquet file, once, and no ARFF
        assert served == [f"/{parquet_path_for(dataset['data_id'])}"], served
    _assert_same_warnings(ours[2], ref[1] is None and ref[2])


# one case per recorded lookup (datasets sharing a name share their lookups)
NAMED = list({lookup: (d, lookup) for d in DENSE for lookup in d["lookups"]}.values())


def _name_call(dataset, lookup):
    """version from the recorded lookup URL: .../data_version/<v> or status/active."""
    parts = lookup.strip("/").split("/")
    version = int(parts[parts.index("data_version") + 1]) if "data_version" in parts else "active"
    return dict(name=dataset["name"], version=version)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "dataset,lookup", NAMED, ids=[f"{d['name']}:{lk.split('/limit/2/')[-1]}" for d, lk in NAMED]
)
def test_parity_by_name(dataset, lookup, engine, sklearn_at_mirror, mirror_url, mirror_log, data_home):
    kwargs = _name_call(dataset, lookup)
    ref = _call(sklearn_at_mirror, cache=False, parser="pandas", **kwargs)
    mirror_log.reset()  # after sklearn's own requests
    ours = _call(openml_lite.fetch_openml, base_url=mirror_url, data_home=data_home, engine=engine, **kwargs)
    served = _data_requests(mirror_log)
    _assert_parity(ours, ref, dataset["data_id"])
    assert openml_lite.ArffFallbackWarning not in ours[2], "dense data must come from parquet"
    if ours[1] is None:
        assert served == [f"/{parquet_path_for(dataset['data_id'])}"], served
    _assert_same_warnings(ours[2], ref[1] is None and ref[2])


def _assert_same_warnings(ours, ref):
    """Every kind of warning sklearn gave, we gave too (ours may be a subclass)."""
    for category in ref or ():
        assert any(issubclass(mine, category) for mine in ours), f"no {category.__name__} in {ours}"
