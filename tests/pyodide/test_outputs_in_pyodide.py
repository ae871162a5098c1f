"""The outputs beyond pandas inside real Pyodide (node and headless Chromium), offline,
against the local OpenML mirror:

* ``as_frame=False`` in a Pyodide where only numpy (and micropip) were loaded, openml-lite
  installed with ``deps=False``: numpy arrays from the JS decoder, pandas neither imported
  nor loaded, by the async API (iris, and the mirror's generated mnist-shaped dataset)
  and by the sync one (through JSPI); the arrays equal CPython openml-lite's for the
  same call (dtype, shape, memory layout, every value with NaN told apart, target,
  categories, feature and target names, the Bunch's other fields);
* ``as_frame="polars"``: polars is in 0.27.7's lock but its file is not obtainable
  offline (web/pyodide-packages.txt), so the load raises MissingDependencyError naming
  the dataset and polars, imports nothing, caches nothing (a load that succeeds right
  after does cache: the check can see caching). Where the dist dir does hold polars,
  the polars frame instead equals CPython's polars output;
* the Bunch: with scikit-learn loaded (pyodide.loadPackage) but not imported, a load
  imports no sklearn and returns openml-lite's Bunch; after ``import sklearn`` it is
  sklearn's own.

One Pyodide per runtime: pytest-pyodide's module-scoped instance (`selenium`), which is
new for this module, so it starts with nothing loaded. The tests run in file order and
build on each other's state: the pandas-free ones come first, the one that loads
scikit-learn and pandas last. Each checks the state it relies on.

Results cross from Pyodide as a description (describe_result, in DESCRIBE_SOURCE below),
which for arrays needs numpy only: dtype, shape, layout, the first values, and a SHA-256 of every
value (NaN made one bit pattern, object values as typed JSON); the host computes the
same description of CPython's result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from support import SYNTHETIC_MNIST_ID  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()  # needs pandas

# Runs on the host and inside Pyodide (sent as text, exec'd there): numpy, no pandas;
# polars only where the result holds polars objects (then it is imported already).
DESCRIBE_SOURCE = '''
def describe_result(result):
    """A Bunch (or anything in it) as JSON-able data: arrays by dtype, shape, layout, first
    values and a digest; polars by type name (stable across polars versions), Enum levels
    in order and every value (null and NaN told apart)."""
    import hashlib
    import json
    import math
    import sys

    import numpy as np

    pl = sys.modules.get("polars")

    def value(v):
        if isinstance(v, np.generic):
            v = v.item()
        if v is None:
            return ["null"]
        if isinstance(v, float) and math.isnan(v):
            return ["nan"]
        return [type(v).__name__, v]

    def layout(a):
        c, f = a.flags["C_CONTIGUOUS"], a.flags["F_CONTIGUOUS"]
        return "C and F" if c and f else "C" if c else "F" if f else "strided"

    def array(a):
        if a.dtype.kind in "biuf":
            flat = np.ascontiguousarray(a).ravel()
            if a.dtype.kind == "f":
                flat = np.where(np.isnan(flat), np.nan, flat)  # one NaN bit pattern
            digest = hashlib.sha256(flat.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()).hexdigest()
        else:
            digest = hashlib.sha256(json.dumps([value(v) for v in a.ravel().tolist()]).encode()).hexdigest()
        return {"type": "ndarray", "dtype": str(a.dtype), "shape": list(a.shape), "layout": layout(a),
                "head": [value(v) for v in a.ravel()[:6].tolist()],
                "missing": int(sum(1 for v in a.ravel().tolist() if value(v)[0] in ("nan", "null")))
                if a.dtype == object else int(np.isnan(a).sum()) if a.dtype.kind == "f" else 0,
                "sha256": digest}

    def series(s):
        dtype = s.dtype
        levels = list(dtype.categories.to_list()) if isinstance(dtype, pl.Enum) else None
        return {"type": "Series", "name": s.name, "dtype": type(dtype).__name__, "levels": levels,
                "values": [value(v) for v in s.to_list()]}

    def describe(obj):
        if isinstance(obj, np.ndarray):
            return array(obj)
        if pl is not None and isinstance(obj, pl.DataFrame):
            return {"type": "DataFrame", "columns": [series(obj.get_column(c)) for c in obj.columns]}
        if pl is not None and isinstance(obj, pl.Series):
            return series(obj)
        if isinstance(obj, dict):
            return {"type": "dict", "items": {str(k): describe(v) for k, v in obj.items()}}
        if isinstance(obj, (list, tuple)):
            return {"type": type(obj).__name__, "items": [describe(v) for v in obj]}
        return value(obj)

    return describe(dict(result))
'''
_described: dict = {}
exec(DESCRIBE_SOURCE, _described)  # noqa: S102 (the same function serves the host)
describe_result = _described["describe_result"]

IRIS = {"data_id": 61, "as_frame": False}
MNIST = {"data_id": SYNTHETIC_MNIST_ID, "as_frame": False}
TITANIC = {"data_id": 40945}


@pytest.fixture(scope="module")
def lock(pyodide_dist_dir) -> dict:
    return json.loads((pyodide_dist_dir / "pyodide-lock.json").read_text())


@pytest.fixture(scope="module")
def polars_in_dist(pyodide_dist_dir, lock) -> bool:
    """As conftest's pyodide_packages marker decides: the lock entry's file is there."""
    entry = lock["packages"].get("polars")
    return entry is not None and (pyodide_dist_dir / entry["file_name"]).is_file()


@pytest.fixture
def numpy_only_pyodide(selenium_core):
    """The module's Pyodide with numpy and micropip loaded and openml-lite installed
    without its dependencies (the wheel names pandas: micropip would load it)."""
    selenium_core.load_package(["numpy", "micropip"])
    return selenium_core


_cpython_memo: dict = {}


def _cpython(mirror_url: str, call: dict, describe) -> dict:
    """CPython openml-lite's result for ``call``, described (once per module)."""
    key = (mirror_url, describe.__name__, tuple(sorted(call.items())))
    if key not in _cpython_memo:
        _cpython_memo[key] = describe(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **call))
    return _cpython_memo[key]


@run_in_pyodide
async def _state(selenium):
    """Which of the heavy modules are imported, and which Pyodide packages are loaded."""
    import sys

    import pyodide_js

    loaded = pyodide_js.loadedPackages.to_py()
    return {
        "imported": sorted(m for m in ("pandas", "sklearn", "pyarrow", "polars", "scipy") if m in sys.modules),
        "loaded": sorted(p for p in ("pandas", "scikit-learn", "pyarrow", "polars", "numpy") if p in loaded),
    }


def _assert_pandas_free(state: dict, when: str) -> None:
    assert state["imported"] == [], f"{when}: imported {state['imported']}"
    assert state["loaded"] == ["numpy"], f"{when}: loaded packages {state['loaded']} (expected numpy alone)"


@run_in_pyodide
async def _load_arrays(selenium, source, base_url, calls, how):
    exec(source, globals())
    import openml_lite
    from pyodide.ffi import can_run_sync

    out = []
    for call in calls:
        call = dict(call, base_url=base_url, cache=False)
        if how == "async":
            result = await openml_lite.fetch_openml_async(**call)
        else:
            assert can_run_sync()  # else the sync API would not block through JSPI here
            result = openml_lite.fetch_openml(**call)  # blocks through JSPI (run_sync)
        out.append({"bunch": f"{type(result).__module__}.{type(result).__qualname__}",
                    "engine": openml_lite.last_load_report().engine,
                    "result": describe_result(result)})  # noqa: F821 (from source)
    return out


def _check_arrays(selenium, mirror_url, calls, how):
    _assert_pandas_free(_state(selenium), "before the loads (this module's Pyodide is not fresh?)")
    got = _load_arrays(selenium, DESCRIBE_SOURCE, mirror_url, calls, how)
    _assert_pandas_free(_state(selenium), f"after the {how} as_frame=False loads")
    for call, mine in zip(calls, got, strict=True):
        assert mine["engine"] == "js", (call, mine["engine"])
        assert mine["bunch"] == "openml_lite.bunch.Bunch", (call, mine["bunch"])
        expected = _cpython(mirror_url, call, describe_result)
        for key in ("data", "target"):
            assert mine["result"]["items"][key]["type"] == "ndarray", (call, key)
        assert mine["result"] == expected, call


@pytest.mark.driver_timeout(180)
def test_arrays_without_pandas_async(numpy_only_pyodide, mirror_url):
    _check_arrays(numpy_only_pyodide, mirror_url, [IRIS, MNIST], "async")


@pytest.mark.driver_timeout(180)
def test_arrays_without_pandas_sync(numpy_only_pyodide, mirror_url):
    _check_arrays(numpy_only_pyodide, mirror_url, [MNIST], "sync")


@run_in_pyodide
async def _polars_outcomes(selenium, base_url, describe_source):
    """as_frame="polars" by id (async) and by name (sync): the error or the description;
    the cache's URLs before and after, and after a load that caches (the control)."""
    import sys

    import openml_lite
    from openml_lite.cache.browser import CACHE_NAME, has_cache_storage, memory_cache

    async def cached_urls():
        urls = sorted(memory_cache().entries)
        if has_cache_storage():
            from js import caches

            storage = await caches.open(CACHE_NAME)
            urls += sorted(request.url for request in await storage.keys())
        return urls

    before = await cached_urls()
    outcomes = []
    for how, call in (("async", {"data_id": 40945}), ("sync", {"name": "iris", "version": 1})):
        call = dict(call, base_url=base_url, as_frame="polars")  # cache on (the default)
        try:
            if how == "async":
                result = await openml_lite.fetch_openml_async(**call)
            else:
                result = openml_lite.fetch_openml(**call)  # blocks through JSPI (run_sync)
        except Exception as error:
            outcomes.append({"raised": f"{type(error).__module__}.{type(error).__qualname__}",
                             "is_missing_dependency": isinstance(error, openml_lite.MissingDependencyError),
                             "message": str(error), "dataset": getattr(error, "dataset", None)})
        else:
            exec(describe_source, globals())
            outcomes.append({"result": describe_result(result)})  # noqa: F821 (from source)
    after = await cached_urls()
    imported = sorted(m for m in ("pandas", "sklearn", "pyarrow", "polars") if m in sys.modules)
    await openml_lite.fetch_openml_async(data_id=61, as_frame=False, base_url=base_url)  # cache on
    control = await cached_urls()
    return {"outcomes": outcomes, "before": before, "after": after, "control": control,
            "imported": imported}


@pytest.mark.driver_timeout(180)
def test_polars_output(numpy_only_pyodide, mirror_url, lock, polars_in_dist):
    selenium = numpy_only_pyodide
    assert "polars" in lock["packages"], "0.27.7's lock names polars: openml-lite asks for it"
    _assert_pandas_free(_state(selenium), "before the polars loads")
    got = _polars_outcomes(selenium, mirror_url, DESCRIBE_SOURCE)
    by_id, by_name = got["outcomes"]
    if polars_in_dist:  # polars loads from the dist dir: the frames equal CPython's
        assert by_id == {"result": _cpython(mirror_url, {**TITANIC, "as_frame": "polars"}, describe_result)}
        assert by_name == {"result": _cpython(mirror_url, {"name": "iris", "version": 1, "as_frame": "polars"},
                                              describe_result)}
        assert "pandas" not in got["imported"]
        return
    # polars is not obtainable offline: the load says so, names the dataset, gets nothing
    for outcome, label in ((by_id, "data_id=40945"), (by_name, "iris")):
        assert outcome.get("raised") == "openml_lite.errors.MissingDependencyError", outcome
        assert outcome["is_missing_dependency"]
        assert outcome["dataset"] == label, outcome
        assert label in outcome["message"] and "polars" in outcome["message"], outcome["message"]
    assert got["imported"] == [], f"a failed polars load imported {got['imported']}"
    assert got["after"] == got["before"], "a failed load cached something"
    # the control: a load that succeeds does reach this cache, so the check above can see it
    assert len(got["control"]) > len(got["after"]), got
    assert any(url.endswith(".pq") for url in got["control"]), got["control"]
    _assert_pandas_free(_state(selenium), "after the polars loads")


@run_in_pyodide(packages=["scikit-learn"])
async def _bunch_classes(selenium, source, base_url):
    """Titanic (as_frame default) with scikit-learn loaded but not imported, then again
    after ``import sklearn``."""
    exec(source, globals())
    import sys

    import openml_lite
    import pyodide_js

    def name(cls):
        return f"{cls.__module__}.{cls.__qualname__}"

    loaded = pyodide_js.loadedPackages.to_py()
    out = {"before": {"scikit-learn loaded": "scikit-learn" in loaded, "pandas loaded": "pandas" in loaded,
                      "sklearn imported": "sklearn" in sys.modules}}
    bunch = await openml_lite.fetch_openml_async(data_id=40945, base_url=base_url, cache=False)
    out["not imported"] = {"class": name(type(bunch)), "class module": type(bunch).__module__,
                           "sklearn imported": "sklearn" in sys.modules,
                           "is a dict": isinstance(bunch, dict), "attribute access": bunch.frame is bunch["frame"],
                           "engine": openml_lite.last_load_report().engine,
                           "result": fingerprint(dict(bunch))}  # noqa: F821 (from source)
    import sklearn.utils

    bunch = await openml_lite.fetch_openml_async(data_id=40945, base_url=base_url, cache=False)
    out["imported"] = {"class": name(type(bunch)), "is sklearn's": type(bunch) is sklearn.utils.Bunch,
                       "engine": openml_lite.last_load_report().engine,
                       "result": fingerprint(dict(bunch))}  # noqa: F821 (from source)
    return out


@pytest.mark.driver_timeout(240)  # loads scipy + scikit-learn, then pandas
def test_bunch_is_sklearns_only_once_sklearn_is_imported(numpy_only_pyodide, mirror_url):
    exec(FINGERPRINT_SOURCE, globals())  # noqa: S102
    expected = fingerprint(dict(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **TITANIC)))  # noqa: F821
    got = _bunch_classes(numpy_only_pyodide, FINGERPRINT_SOURCE, mirror_url)
    # scikit-learn is loaded, not imported; pandas is not loaded: openml-lite loads it itself
    assert got["before"] == {"scikit-learn loaded": True, "pandas loaded": False, "sklearn imported": False}
    first = got["not imported"]
    assert first.pop("result") == expected
    assert first == {"class": "openml_lite.bunch.Bunch", "class module": "openml_lite.bunch",
                     "sklearn imported": False, "is a dict": True, "attribute access": True, "engine": "js"}
    second = got["imported"]
    assert second.pop("result") == expected
    assert second == {"class": "sklearn.utils._bunch.Bunch", "is sklearn's": True, "engine": "js"}
