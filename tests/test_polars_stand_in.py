"""A CPython stand-in for as_frame="polars" in Pyodide, where polars output is built
from the JS decoder's columns (engine "js") with the polars each Pyodide release ships
(0.27.7: polars 1.18.0; 314.0.7: polars 1.33.1). Pyodide's polars wheel cannot be had
offline, so the two things that differ there are checked here:

1. the JS decoder's table: the shipped bundle runs in node (tests/js_columns.py), its
   result goes through ``js_engine.read`` unchanged, and the polars result of
   ``fetch_openml(engine="js")`` must hold what the pandas result (engine "pyarrow")
   holds (tests/compare.py's ``assert_polars_like_pandas``), on every recorded dense
   dataset and the synthetic mnist, with both dtypes;
2. the older polars: the same converted columns, built into polars output by polars
   1.18.0 and 1.33.1 in a child interpreter (that polars first on its path), checked
   against the pandas result's values. tests/run.sh installs those polars into
   web/.cache/polars-VERSION; without them these tests skip (fail under
   OPENML_LITE_PYODIDE_STRICT=1, as in CI).

Also: the table the JS decoder makes of each mirror file holds the values pyarrow's
engine reads from it.
"""

from __future__ import annotations

import functools
import math
import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import js_columns
import openml_lite
from compare import assert_polars_like_pandas
from openml_lite import outputs
from openml_lite.mirror import parquet_path_for
from openml_lite.table import DictColumn, NullColumn
from support import DENSE, SYNTHETIC_MNIST_ID

STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")
# the polars each Pyodide release in web/ ships (pyodide-lock.json): 0.27.7, 314.0.7
PYODIDE_POLARS = ["1.18.0", "1.33.1"]
POLARS_DIRS = js_columns.REPO / "web" / ".cache"

DATASETS = [*DENSE, {"data_id": SYNTHETIC_MNIST_ID, "name": "synthetic-mnist"}]
IDS = [f"{d['name']}-{d['data_id']}" for d in DATASETS]


def _missing(reason: str):
    if STRICT:
        pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module", autouse=True)
def _js_decoder():
    if js_columns.node() is None:
        _missing("node is not on PATH: the JS decoder cannot run on CPython")
    if not js_columns.BUNDLE.is_file():
        _missing(f"{js_columns.BUNDLE} is missing: run `bash web/build-js.sh` (tests/run.sh does)")


def _quietly(fetch, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inactive datasets, ignored row-id flags, ...
        return fetch(**kwargs)


@functools.cache
def _loads(data_id: int, dtypes: str, mirror_url: str):
    """(pandas result from pyarrow, polars result from the JS decoder, the converted
    columns the polars result was built from), made once per dataset and dtypes."""
    kwargs = dict(data_id=data_id, base_url=mirror_url, cache=False, progress=False, dtypes=dtypes)
    pandas_result = _quietly(openml_lite.fetch_openml, as_frame=True, engine="pyarrow", **kwargs)
    assert openml_lite.last_load_report().engine == "pyarrow"
    built = []
    real_build = outputs.build

    def build(converted, kind, **options):
        built.append((converted, kind))
        return real_build(converted, kind, **options)  # (polars: release empties nothing)

    with pytest.MonkeyPatch.context() as patch:
        js_columns.use_js_engine(patch)
        patch.setattr(outputs, "build", build)
        polars_result = _quietly(openml_lite.fetch_openml, as_frame="polars", engine="js", **kwargs)
    assert openml_lite.last_load_report().engine == "js"
    assert [kind for _, kind in built] == ["polars"]
    return pandas_result, polars_result, built[0][0]


# -- 1. the JS decoder's table, with the current polars -----------------------------------

@pytest.mark.parametrize("dataset", DATASETS, ids=IDS)
def test_js_decoder_table_matches_pyarrow(dataset, mirror_dir):
    """The table the JS decoder (through js_engine.read) makes of the mirror's file
    holds, column by column, what pyarrow's engine reads: names, order, numeric types,
    values, nulls."""
    from openml_lite.engines import pyarrow_engine

    data = (Path(mirror_dir) / parquet_path_for(dataset["data_id"])).read_bytes()
    ours, ref = js_columns.read_table(data), pyarrow_engine.read(data)
    assert list(ours) == list(ref)
    for name in ref:
        a, b = ours[name], ref[name]
        assert len(a) == len(b), name
        if isinstance(b, np.ndarray) and b.dtype != object:
            assert isinstance(a, np.ndarray) and a.dtype == b.dtype, f"{name}: {_kind(a)} vs {_kind(b)}"
        assert _values(a) == _values(b), f"{name}: values differ ({_kind(a)} vs {_kind(b)})"


FIXTURES = sorted((js_columns.TESTS / "js" / "fixtures").glob("*.parquet"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_js_decoder_fixtures_match_pyarrow(fixture):
    """tests/js's fixtures (every typed array: BigInt64Array, BigUint64Array, Float32Array,
    NaN, nulls, ...) through the node shim and js_engine.read: pyarrow's table, or the
    error js_engine gives in Pyodide (an unsupported type: ColumnTypeError; a codec the
    decoder lacks: DataIntegrityError, where pyarrow reads it)."""
    from openml_lite.engines import pyarrow_engine
    from openml_lite.errors import ColumnTypeError, DataIntegrityError

    data = fixture.read_bytes()
    if fixture.stem == "unsupported":
        for read in (js_columns.read_table, pyarrow_engine.read):
            with pytest.raises(ColumnTypeError, match="day"):
                read(data)
        return
    if fixture.stem == "zstd":
        with pytest.raises(DataIntegrityError, match='"d".*ZSTD'):
            js_columns.read_table(data)
        return
    ours, ref = js_columns.read_table(data), pyarrow_engine.read(data)
    assert list(ours) == list(ref)
    for name in ref:
        a, b = ours[name], ref[name]
        assert _kind(a) == _kind(b) and _values(a) == _values(b), f"{name}: {_kind(a)} vs {_kind(b)}"


def _kind(column) -> str:
    return type(column).__name__ if not isinstance(column, np.ndarray) else f"ndarray[{column.dtype}]"


def _values(column) -> list:
    """A table column's values as Python objects, None for null (NaN is null)."""
    if isinstance(column, NullColumn):
        return [None] * len(column)
    if isinstance(column, DictColumn):
        return [None if c < 0 else column.values[c] for c in column.codes.tolist()]
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v
            for v in column.tolist()]


@pytest.mark.parametrize("dtypes", ["sklearn", "openml"])
@pytest.mark.parametrize("dataset", DATASETS, ids=IDS)
def test_polars_from_js_table_holds_the_pandas_result(dataset, dtypes, mirror_url):
    pandas_result, polars_result, _ = _loads(dataset["data_id"], dtypes, mirror_url)
    assert list(polars_result) == list(pandas_result)
    for key in ("frame", "data", "target"):
        assert_polars_like_pandas(polars_result[key], pandas_result[key], key)
    for key in ("categories", "feature_names", "target_names", "DESCR", "details", "url"):
        assert polars_result[key] == pandas_result[key], key
    # the pandas-free check the older polars get agrees here
    assert js_columns.check_polars(polars_result, js_columns.expectations(pandas_result)) == []


# -- 2. the older polars Pyodide ships ----------------------------------------------------

def _edge_cases():
    """Converted columns the recorded datasets may lack (an Enum without categories, all
    missing, zero-width types...), as convert.py makes them, with what the pandas
    builder makes of them as the expectation: the same rule as for a real load."""
    from openml_lite.convert import Cast, Converted, Integers, Nominal

    columns = {
        "nominal": Nominal(codes=np.array([1, -1, 0, 1]), categories=["a", "b"]),
        "nominal_all_missing": Nominal(codes=np.array([-1, -1, -1, -1]), categories=["a"]),
        "nominal_no_categories": Nominal(codes=np.array([-1, -1, -1, -1]), categories=[]),
        "integers": Integers(values=np.array([1, 0, 3, -4]), missing=np.array([False, True, False, False])),
        "integers_all_missing": Integers(values=np.zeros(4, dtype=np.int64), missing=np.ones(4, dtype=bool)),
        "cast": Cast(values=np.array([0, 1, 255, 7], dtype=np.uint8), dtype=np.dtype("int64")),
        "floats": np.array([1.5, np.nan, -0.0, np.inf]),
        "floats_all_nan": np.full(4, np.nan),
        "float32": np.array([1.5, np.nan, 2.0, 0.0], dtype=np.float32),
        "uint8": np.array([0, 1, 255, 7], dtype=np.uint8),
        "int16": np.array([-1, 2, 300, -300], dtype=np.int16),
        "strings": np.array(["x", None, "é", ""], dtype=object),
        "strings_all_missing": np.array([None] * 4, dtype=object),
        "target_b": Nominal(codes=np.array([0, 0, 1, -1]), categories=["no", "yes"]),
        "target_a": np.array([0.5, 1.0, np.nan, 2.0]),
    }
    kept = list(columns)
    two_targets = Converted(columns=columns, kept=kept, feature_names=kept[:-2],
                            target_names=["target_b", "target_a"], rows=4)
    one_target = Converted(columns=columns, kept=kept, feature_names=kept[:-2],
                           target_names=["target_b"], rows=4)
    no_target = Converted(columns=columns, kept=kept, feature_names=kept, target_names=[], rows=4)
    empty = {name: column for name, column in [
        ("nominal", Nominal(codes=np.array([], dtype=np.int64), categories=["a"])),
        ("nominal_no_categories", Nominal(codes=np.array([], dtype=np.int64), categories=[])),
        ("integers", Integers(values=np.array([], dtype=np.int64), missing=np.array([], dtype=bool))),
        ("floats", np.array([], dtype=np.float64)),
        ("strings", np.array([], dtype=object)),
    ]}
    zero_rows = Converted(columns=empty, kept=list(empty), feature_names=list(empty)[:-1],
                          target_names=["strings"], rows=0)
    return {"edge-two-targets": two_targets, "edge-one-target": one_target,
            "edge-no-target": no_target, "edge-zero-rows": zero_rows}


EDGE_CASES = list(_edge_cases())


@pytest.mark.parametrize("case", EDGE_CASES)
def test_edge_cases_in_current_polars(case):
    """The edge cases' expectation holds for the current polars (so the older polars
    are held to what the current one does)."""
    converted = _edge_cases()[case]
    pandas_parts, polars_parts = outputs.build(converted, "pandas"), outputs.build(converted, "polars")
    for key in ("frame", "data", "target"):
        assert_polars_like_pandas(polars_parts[key], pandas_parts[key], key)
    assert js_columns.check_polars(polars_parts, js_columns.expectations(pandas_parts)) == []


def test_the_polars_versions_are_pyodides():
    """PYODIDE_POLARS are the polars versions the Pyodide distributions in web/ lock
    (a Pyodide bump that changes its polars must change them, and tests/run.sh's)."""
    import json

    locks = sorted(js_columns.REPO.glob("web/pyodide*/pyodide-lock.json"))
    if not locks:
        _missing("no Pyodide distribution in web/: run tests/run.sh (build_wheels.sh)")
    locked = {}
    for lock in locks:
        package = json.loads(lock.read_text(encoding="utf-8"))["packages"].get("polars")
        if package is not None:
            locked[lock.parent.name] = package["version"]
    assert locked and set(locked.values()) <= set(PYODIDE_POLARS), locked


@functools.cache
def _older_polars(version: str, mirror_url: str) -> dict:
    """One child interpreter with polars ``version`` first on its path builds every
    dataset's (and edge case's) polars output: ``{item: [problem, ...]}``."""
    import json
    import tempfile

    folder = POLARS_DIRS / f"polars-{version}"
    items, failed = {}, {}
    for dataset in DATASETS:
        for dtypes in ("sklearn", "openml"):
            key = f"{dataset['data_id']}-{dtypes}"
            try:
                pandas_result, _, converted = _loads(dataset["data_id"], dtypes, mirror_url)
            except Exception as error:  # that dataset's test says so; the others run
                failed[key] = [f"the loads on the current polars failed: {error!r}"]
                continue
            items[key] = {"converted": converted, "expected": js_columns.expectations(pandas_result)}
    for case, converted in _edge_cases().items():
        items[case] = {"converted": converted,
                       "expected": js_columns.expectations(outputs.build(converted, "pandas"))}
    with tempfile.TemporaryDirectory(prefix="polars-stand-in-") as scratch:
        payload, out = Path(scratch, "payload.pickle"), Path(scratch, "results.json")
        payload.write_bytes(pickle.dumps({"polars": version, "items": items}))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]))
        # -P and the tests folder appended, not first: tests/js would shadow a module "js"
        code = (f"import sys; sys.path.append({str(js_columns.TESTS)!r}); import js_columns; "
                f"sys.exit(js_columns.child({str(payload)!r}, {str(out)!r}))")
        done = subprocess.run([sys.executable, "-P", "-c", code], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0 and out.is_file(), \
            f"polars {version} child failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        answer = json.loads(out.read_text(encoding="utf-8"))
    assert answer["polars"] == version and answer["from"].startswith(str(folder)), answer["from"]
    return {**answer["results"], **failed}


def _need_polars(version: str) -> None:
    folder = POLARS_DIRS / f"polars-{version}"
    if not (folder / "polars" / "__init__.py").is_file():
        _missing(f"polars {version} (Pyodide's) is not installed in {folder}: run tests/run.sh "
                 f"(or: python -m pip install --target {folder} polars=={version})")


@pytest.mark.parametrize("dtypes", ["sklearn", "openml"])
@pytest.mark.parametrize("dataset", DATASETS, ids=IDS)
@pytest.mark.parametrize("version", PYODIDE_POLARS)
def test_older_polars_builds_the_same_result(version, dataset, dtypes, mirror_url):
    _need_polars(version)
    problems = _older_polars(version, mirror_url)[f"{dataset['data_id']}-{dtypes}"]
    assert not problems, f"polars {version}:\n" + "\n".join(problems)


@pytest.mark.parametrize("case", EDGE_CASES)
@pytest.mark.parametrize("version", PYODIDE_POLARS)
def test_older_polars_edge_cases(version, case, mirror_url):
    _need_polars(version)
    problems = _older_polars(version, mirror_url)[case]
    assert not problems, f"polars {version}:\n" + "\n".join(problems)
