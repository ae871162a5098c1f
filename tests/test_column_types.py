"""A readable parquet file with a column openml-lite cannot use is not damaged.

Two such files, made from Titanic's by changing one column: a type OpenML never writes
(a timestamp), and a type that contradicts the features list (a numeric column stored
as text). Each is downloaded once (not again, as a damaged file is), never cached, and
the warning that sends the load to the ARFF copy names the column and what is wrong
without calling the file damaged. The data is then sklearn's, from the ARFF.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import openml_lite  # noqa: E402
from compare import assert_same  # noqa: E402
from openml_lite import ArffFallbackWarning  # noqa: E402
from openml_lite.cache.disk import DiskCache  # noqa: E402
from openml_lite.mirror import MirrorServer, build_mirror, parquet_path_for  # noqa: E402

TITANIC = 40945
ENGINES = ["pyarrow", "polars", "fastparquet"]


def replace_column(path, name, change):
    """Rewrite the file with one column changed, the way OpenML writes (through pandas,
    so that the pandas metadata describes the new column too)."""
    frame = pq.read_table(path).to_pandas()
    frame[name] = change(frame[name])
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=None), path, compression="snappy")


def as_timestamps(column):
    return pd.to_datetime(column * 365 * 86400, unit="s")


def as_text(column):
    return column.map(lambda v: None if pd.isna(v) else repr(v)).astype(object)


CHANGES = {
    # column, how, what the warning must say
    "timestamp": ("age", as_timestamps, r"'age' has the type .*, which OpenML does not write"),
    "text-for-numeric": ("fare", as_text, r"'fare' .* is numeric, but the parquet file stores it as"),
}


@pytest.fixture(scope="module", params=list(CHANGES))
def changed(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root)
    name, how, message = CHANGES[request.param]
    path = root / parquet_path_for(TITANIC)
    replace_column(path, name, how)
    with MirrorServer(root) as server:
        yield server, message


@pytest.mark.parametrize("engine", ENGINES)
def test_readable_but_unusable_goes_to_the_arff_once(changed, engine, mirror_url, tmp_path):
    server, message = changed
    # the unchanged file's result, which tests/test_parity.py ties to sklearn's
    expected = dict(openml_lite.fetch_openml(data_id=TITANIC, base_url=mirror_url, cache=False))
    server.reset_requests()
    data_home = str(tmp_path)
    with pytest.warns(ArffFallbackWarning, match=message) as caught:
        got = openml_lite.fetch_openml(data_id=TITANIC, base_url=server.url, engine=engine,
                                       data_home=data_home)
    warning = str(caught[0].message)
    assert "damaged" not in warning and "readable" in warning, warning
    for key in ("data", "target", "frame", "categories", "feature_names", "target_names"):
        assert_same(got[key], expected[key], key)
    paths = [r["path"] for r in server.requests]
    assert sum(p.endswith(".pq") for p in paths) == 1, paths  # not downloaded again
    assert any(p.startswith("/data/v1/download/") for p in paths)
    cached = DiskCache(os.path.join(data_home, "openml_lite")).entries()
    assert not any(e.endswith(".pq") for e in cached), cached
