"""The load report (report.py) without a server: after a load through the fake transport
its fields say what the transport saw (engine asked, source, the data file's URL and its
bytes on disk, every document served), its seconds are booked to the steps that took
them, in order; with_report=True returns (result, report); a failed load publishes none."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from fake_transport import FakeTransport, RangeTransport, from_mirror
from support import SYNTHETIC_MNIST_ID

import openml_lite
from openml_lite import report as report_module
from openml_lite.mirror import parquet_path_for
from openml_lite.report import LoadReport

SERVER = "https://openml.test"
STEPS = ["metadata", "engine", "download", "decode", "convert", "save", "total"]


def description(mirror_dir, data_id) -> dict:
    file = Path(mirror_dir) / f"api/v1/json/data/{data_id}.json"
    return json.loads(file.read_text())["data_set_description"]


def disk_size(mirror_dir, url_path: str) -> int:
    from openml_lite.mirror.server import relpath_for_url

    return (Path(mirror_dir) / relpath_for_url(url_path)[1]).stat().st_size


def in_step_order(seconds: dict) -> bool:
    keys = list(seconds)
    return keys == sorted(keys, key=STEPS.index)


@pytest.mark.parametrize("engine", ["pyarrow", "fastparquet", "polars"])
def test_a_parquet_load_reports_its_engine_file_and_documents(engine, mirror_dir):
    transport = from_mirror(mirror_dir)
    _, report = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=transport,
                                         engine=engine, with_report=True)
    recorded = description(mirror_dir, 61)
    parquet = "/" + parquet_path_for(61)
    assert report.engine == engine and report.source == "parquet"
    assert report.dataset == f"'{recorded['name']}' (id 61, version {recorded['version']})" and report.data_id == 61
    assert report.data_url == SERVER + parquet and report.data_bytes == disk_size(mirror_dir, parquet)
    assert (report.range_requests, report.from_cache, report.skipped) == (0, False, {})
    # every document the transport was asked for, once, from the one server, none cached
    assert [s["url"] for s in report.served] == transport.asked
    assert {s["what"] for s in report.served} == {"the description", "the features", "the qualities",
                                                  "the parquet file"}
    assert all(s["server"] == SERVER and not s["cached"] for s in report.served)
    planned = openml_lite.memory_plan(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir))
    assert report.memory == planned.estimate


class SlowTransport(FakeTransport):
    """from_mirror's answers, each metadata document after ``metadata`` seconds and the
    parquet file after ``data`` seconds."""

    def __init__(self, mirror_dir, *, metadata: float, data: float):
        super().__init__()
        self.answers = from_mirror(mirror_dir).answers
        self.metadata, self.data = metadata, data

    async def get(self, url, *, headers=None, progress=None):
        time.sleep(self.data if urlparse(url).path.endswith(".pq") else self.metadata)
        return await super().get(url, headers=headers, progress=progress)


def test_seconds_are_booked_to_the_step_that_took_them_in_order(mirror_dir):
    """Three metadata documents at 0.1 s each and a file that takes 0.3 s: "metadata"
    holds the first, "download" the second; the steps come in the load's order and add
    up to the total."""
    openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                             engine="pyarrow")  # (the engine's first import is not what is timed)
    transport = SlowTransport(mirror_dir, metadata=0.1, data=0.3)
    _, report = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=transport,
                                         engine="pyarrow", with_report=True)
    assert list(report.seconds) == STEPS
    assert report.seconds["metadata"] >= 0.3 and report.seconds["download"] >= 0.3
    assert all(report.seconds[step] < 0.3 for step in ("engine", "decode", "convert", "save"))
    assert all(value >= 0 for value in report.seconds.values())
    assert report.seconds["total"] == pytest.approx(sum(v for k, v in report.seconds.items() if k != "total"))
    assert report.seconds["total"] >= 0.6


@pytest.mark.parametrize("case", ["parquet-damaged-twice", "sparse"])
def test_an_arff_load_reports_the_arff_file(case, mirror_dir):
    """The ARFF copy read (the parquet file damaged in both attempts; a sparse dataset,
    which has no parquet and no memory plan): source and engine "arff", the ARFF file's
    URL (the description's, on the load's server) and its bytes on disk."""
    data_id = 40945 if case != "sparse" else 292
    parquet = "/" + parquet_path_for(data_id)
    transport = from_mirror(mirror_dir, damage={parquet: 2})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (ArffFallbackWarning; Australian is inactive)
        _, report = openml_lite.fetch_openml(data_id=data_id, base_url=SERVER, cache=False, transport=transport,
                                             with_report=True)
    arff = urlparse(description(mirror_dir, data_id)["url"]).path
    assert (report.source, report.engine) == ("arff", "arff")
    assert report.data_url == SERVER + arff and report.data_bytes == disk_size(mirror_dir, arff)
    whats = [s["what"] for s in report.served]
    if case == "sparse":
        assert report.memory is None and parquet not in [urlparse(u).path for u in transport.asked]
        assert whats == ["the description", "the features", "the arff file"]
    else:
        assert report.memory is not None  # (planned for the parquet file, before it came damaged)
        assert whats[-3:] == ["the parquet file", "the parquet file", "the arff file"]
    assert [s["url"] for s in report.served] == transport.asked
    assert in_step_order(report.seconds) and list(report.seconds)[-2:] == ["save", "total"]


def test_a_columns_load_by_range_reports_the_bytes_that_came(mirror_dir):
    """columns= where the server answers Range: the report counts the range requests the
    transport answered and the bytes they carried, far fewer than the file's."""
    transport = RangeTransport(mirror_dir)
    _, report = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=SERVER, cache=False,
                                         transport=transport, columns=["pixel1", "pixel400"], with_report=True)
    parquet = "/" + parquet_path_for(SYNTHETIC_MNIST_ID)
    assert report.range_requests == len(transport.spans) > 1
    assert report.data_bytes == sum(last - first + 1 for first, last in transport.spans)
    assert report.data_bytes < disk_size(mirror_dir, parquet) / 2 and report.data_url == SERVER + parquet


def test_a_cached_load_says_so_and_asks_for_no_file(mirror_dir, tmp_path):
    first_transport, second_transport = from_mirror(mirror_dir), from_mirror(mirror_dir)
    keywords = dict(data_id=61, base_url=SERVER, data_home=str(tmp_path), with_report=True)
    _, first = openml_lite.fetch_openml(transport=first_transport, **keywords)
    _, second = openml_lite.fetch_openml(transport=second_transport, **keywords)
    parquet = "/" + parquet_path_for(61)
    assert not first.from_cache and second.from_cache
    assert parquet in [urlparse(u).path for u in first_transport.asked]
    assert parquet not in [urlparse(u).path for u in second_transport.asked]
    assert first.data_bytes == second.data_bytes == disk_size(mirror_dir, parquet)
    assert [s["cached"] for s in second.served if s["what"] == "the parquet file"] == [True]


def test_with_report_returns_the_result_and_its_report(mirror_dir):
    plain = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir))
    pair = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                    with_report=True)
    assert isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], LoadReport)
    bunch, report = pair
    pd.testing.assert_frame_equal(bunch.frame, plain.frame)
    assert openml_lite.last_load_report() is report and report.data_id == 61
    (X, y), xy_report = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, return_X_y=True,
                                                 transport=from_mirror(mirror_dir), with_report=True)
    pd.testing.assert_frame_equal(X, plain.data)
    pd.testing.assert_series_equal(y, plain.target)
    assert xy_report is not report and openml_lite.last_load_report() is xy_report

    async def load():
        return await openml_lite.fetch_openml_async(data_id=40945, base_url=SERVER, cache=False,
                                                    transport=from_mirror(mirror_dir), with_report=True)

    titanic, async_report = asyncio.run(load())
    assert titanic.frame.shape == (1309, 14) and async_report.data_id == 40945
    assert openml_lite.last_load_report() is async_report


def test_a_failed_load_publishes_no_report(mirror_dir):
    _, report = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                         with_report=True)
    with pytest.raises(openml_lite.DatasetTooLargeError):
        openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                 max_memory=1000)
    assert openml_lite.last_load_report() is report


def test_marks_book_the_time_since_the_previous_mark(monkeypatch):
    """A clock at 10.0, 10.5, 11.0, 13.0: "a" gets 0.5 + 2.0, "b" 0.5, the total 3.0."""
    clock = iter([10.0, 10.5, 11.0, 13.0])
    monkeypatch.setattr(report_module.time, "perf_counter", lambda: next(clock))
    report = LoadReport()
    report.start()
    report.mark("a")
    report.mark("b")
    report.mark("a")
    report.finish()
    assert report.seconds == {"a": 2.5, "b": 0.5, "total": 3.0}
    public = {f.name for f in dataclasses.fields(LoadReport) if not f.name.startswith("_")}
    assert set(report.as_dict()) == public and report.as_dict()["seconds"] == report.seconds
    assert "_marks" not in repr(report)
