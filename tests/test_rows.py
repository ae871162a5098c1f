"""Only some rows (nrows=, skiprows=): what sklearn's fetch_openml(parser="pandas") gives
for the same rows (its read_csv_kwargs={"nrows": ..., "skiprows": ...}), on every recorded
dense dataset and engine; read page by page where the server answers ranges, and no more
than the pages that hold them."""

from __future__ import annotations

import warnings

import pytest

import openml_lite
from openml_lite.mirror import parquet_path_for
import numpy as np
import pandas as pd

from support import DENSE, SYNTHETIC_MNIST_ID, recorded_features
from test_parity import ENGINES, _assert_parity, _call, _data_requests, _reference


def _rows(dataset) -> int:
    return dataset["n_rows"]


# (nrows, skiprows) as a share of each dataset's rows: the first rows, some from the middle,
# the last ones (past the end: what there is), and one row
CUTS = {"first-third": lambda n: (max(1, n // 3), 0), "middle": lambda n: (max(1, n // 4), n // 3),
        "past-the-end": lambda n: (n, n - max(1, n // 5)), "one-row": lambda n: (1, 0)}


def _lines_before_row(mirror_dir, dataset, row: int) -> int:
    """read_csv's skiprows counts lines of the ARFF's data section (blank lines and %
    comments too, as sklearn feeds it): the lines before data row ``row``."""
    from pathlib import Path

    text = (Path(mirror_dir) / f"data/v1/download/{dataset['file_id']}.arff").read_text()
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().lower() == "@data") + 1
    rows = [i - start for i, line in enumerate(lines[start:], start)
            if line.strip() and not line.lstrip().startswith("%")]
    return rows[row] if row < len(rows) else len(lines) - start


def _strings_as_typed_by_sklearn(ours, ref, dataset):
    """The difference nothing but the rows read decides (README "Only some rows"): sklearn's
    read_csv types a STRING column by the rows it reads (one row of "24160" is int64);
    openml-lite keeps it text. Asserts the values agree, then gives ``ref`` our text."""
    strings = {f["name"] for f in recorded_features(dataset["data_id"]) if f["data_type"] == "string"}

    def fix(a, b):
        if isinstance(b, tuple):
            return tuple(fix(x, y) for x, y in zip(a, b))
        if isinstance(b, dict):
            return {k: fix(a.get(k), v) if isinstance(a, dict) else v for k, v in b.items()}
        if isinstance(b, pd.DataFrame):
            b = b.copy()
            for name in strings & set(b.columns):
                if b[name].dtype.kind in "iuf":
                    assert a[name].tolist() == [str(v) for v in b[name]], name
                    b[name] = a[name]
        return b

    result, error, caught = ref
    return (fix(ours[0], result) if result is not None else None), error, caught


def _int_and_float(a, b):
    """One is int64, the other float64 (an extension dtype such as pandas 3's strings has no .str)."""
    return {getattr(a, "str", None), getattr(b, "str", None)} == {"<i8", "<f8"}


def _whole_numbers_as_typed_by_sklearn(ours, ref):
    """The other difference the rows read decide (README "Only some rows"): a column the
    file stores as double, whose rows read are whole numbers, is int64 or float64 in
    sklearn as the ARFF text writes them ("29" or "3750.0"), which the file does not keep
    (openml-lite decides by the whole column's range, as for a full load). Asserts the
    values agree, then gives ours sklearn's type."""
    def fix(a, b):
        if isinstance(b, tuple):
            return tuple(fix(x, y) for x, y in zip(a, b))
        if isinstance(b, dict):
            return {k: fix(a[k], v) if isinstance(a, dict) and k in a else (a or {}).get(k)
                    for k, v in b.items()} | ({k: v for k, v in a.items() if k not in b} if isinstance(a, dict) else {})
        if isinstance(b, pd.DataFrame) and isinstance(a, pd.DataFrame):
            a = a.copy()
            for name in b.columns.intersection(a.columns):
                if _int_and_float(a[name].dtype, b[name].dtype):
                    assert (a[name].astype("float64") == b[name].astype("float64")).all(), name
                    a[name] = a[name].astype(b[name].dtype)
            return a
        if isinstance(b, pd.Series) and isinstance(a, pd.Series) and _int_and_float(a.dtype, b.dtype):
            assert (a.astype("float64") == b.astype("float64")).all()
            return a.astype(b.dtype)
        if isinstance(b, np.ndarray) and isinstance(a, np.ndarray) and a.shape == b.shape:
            if _int_and_float(a.dtype, b.dtype):
                assert (a.astype("float64") == b.astype("float64")).all()
                return a.astype(b.dtype)
            if a.dtype == object and b.dtype == object:
                a = a.copy()
                for index in np.ndindex(a.shape):
                    x, y = a[index], b[index]
                    if isinstance(x, (int, np.integer)) and isinstance(y, float):
                        assert float(x) == y, index
                        a[index] = y
            return a
        return a

    result, error, caught = ours
    return (fix(result, ref[0]) if result is not None and ref[0] is not None else result), error, caught


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cut", sorted(CUTS))
@pytest.mark.parametrize("as_frame", [True, False], ids=["frame", "numpy"])
@pytest.mark.parametrize("dataset", DENSE, ids=[f"{d['name']}-{d['data_id']}" for d in DENSE])
def test_rows_are_sklearns_rows(dataset, as_frame, cut, engine, sklearn_at_mirror, mirror_url, mirror_dir,
                                mirror_log):
    nrows, skiprows = CUTS[cut](_rows(dataset))
    kwargs = dict(data_id=dataset["data_id"], as_frame=as_frame)
    lines = _lines_before_row(mirror_dir, dataset, skiprows)
    ref = _reference(sklearn_at_mirror, ("rows", dataset["data_id"], as_frame, nrows, skiprows),
                     read_csv_kwargs={"nrows": nrows, "skiprows": lines}, **kwargs)
    mirror_log.reset()
    ours = _call(openml_lite.fetch_openml, base_url=mirror_url, cache=False, engine=engine,
                 nrows=nrows, skiprows=skiprows, **kwargs)
    if ours[0] is not None and as_frame:
        ref = _strings_as_typed_by_sklearn(ours, ref, dataset)
    ours = _whole_numbers_as_typed_by_sklearn(ours, ref)  # (wine_reviews' price among them)
    _assert_parity(ours, ref)
    assert openml_lite.ArffFallbackWarning not in ours[2]
    if ours[1] is None:
        assert {path for path in _data_requests(mirror_log)} == {f"/{parquet_path_for(dataset['data_id'])}"}
        assert openml_lite.last_load_report().source == "parquet"


def test_read_csv_kwargs_rows_are_the_same(mirror_url):
    """sklearn's way to ask for rows (read_csv_kwargs) works on the parquet path too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "read_csv_kwargs only applies to the ARFF path"
        one = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False,
                                       read_csv_kwargs={"nrows": 7, "skiprows": 3})
    two = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, nrows=7, skiprows=3)
    assert one.frame.equals(two.frame) and one.frame.shape == (7, 14)
    with pytest.raises(ValueError, match="nrows given twice"):
        openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, nrows=5, read_csv_kwargs={"nrows": 7})


def test_first_rows_of_a_wide_file_by_range(mirror_url, mirror_log):
    """The generated mnist-shaped dataset (785 columns): the footer and the columns' first
    pages by a few range requests, the rows as in a full load's first rows."""
    full = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url, cache=False)
    mirror_log.reset()
    part = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url, cache=False, nrows=100)
    report = openml_lite.last_load_report()
    records = [r for r in mirror_log.records() if r["path"].endswith(".pq")]
    assert records and all(r["range"] for r in records) and report.range_requests == len(records)
    assert (part.data.to_numpy() == full.data.to_numpy()[:100]).all()
    assert part.target.tolist() == full.target.iloc[:100].tolist()


def test_a_server_without_ranges_sends_the_whole_file(mirror_dir, mirror_url):
    from openml_lite.mirror import MirrorServer
    from openml_lite.mirror.faults import Rule

    with MirrorServer(mirror_dir, faults=[Rule(match=r"\.pq$", kind="no_ranges")]) as server:
        part = openml_lite.fetch_openml(data_id=40945, base_url=server.url, cache=False, nrows=20)
        report = openml_lite.last_load_report()
        assert report.data_bytes == (mirror_dir_path(mirror_dir) / parquet_path_for(40945)).stat().st_size
    full = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    assert part.frame["name"].tolist() == full.frame["name"].iloc[:20].tolist()


def mirror_dir_path(mirror_dir):
    from pathlib import Path

    return Path(mirror_dir)


@pytest.mark.parametrize("value", [0, -1, 1.5, "10"])
def test_nrows_is_checked(value):
    with pytest.raises(openml_lite.InvalidParameterError, match="nrows"):
        openml_lite.fetch_openml(data_id=61, nrows=value)


def test_rows_of_a_sparse_dataset_from_arff(mirror_url):
    """The ARFF path (sparse data, liac-arff) reads every row and cuts them after."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = openml_lite.fetch_openml(data_id=292, base_url=mirror_url, cache=False)
        part = openml_lite.fetch_openml(data_id=292, base_url=mirror_url, cache=False, nrows=10, skiprows=4)
    assert (part.data != full.data[4:14]).nnz == 0 and part.data.shape == (10, full.data.shape[1])
    assert list(part.target) == list(full.target[4:14])
