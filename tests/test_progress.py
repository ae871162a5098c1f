"""Progress for big downloads and the load report."""

from __future__ import annotations

import io

import openml_lite
from openml_lite.progress import MIN_BYTES, TextBar, resolve


def test_callable_progress_sees_the_whole_data_file(mirror_url):
    seen = []
    openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False,
                             progress=lambda received, total: seen.append((received, total)))
    report = openml_lite.last_load_report()
    assert seen and seen[-1][0] == seen[-1][1] == report.data_bytes
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)


def test_auto_is_silent_under_pytest(monkeypatch):
    assert resolve("auto") is None
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setenv("OPENML_LITE_PROGRESS", "0")
    assert resolve("auto") is None
    assert resolve(False) is None and resolve(True) is TextBar


def test_text_bar_draws_big_files_only():
    small, big = io.StringIO(), io.StringIO()
    TextBar("http://x/small.pq", stream=small)(1000, 1000)
    bar = TextBar("http://x/dataset_554.pq", stream=big)
    bar(MIN_BYTES, 2 * MIN_BYTES)
    bar(2 * MIN_BYTES, 2 * MIN_BYTES)
    assert small.getvalue() == ""
    assert "dataset_554.pq" in big.getvalue() and "2.1/2.1 MB" in big.getvalue() and big.getvalue().endswith("\n")


def test_load_report(mirror_url, data_home):
    openml_lite.fetch_openml(data_id=61, base_url=mirror_url, data_home=data_home, engine="fastparquet")
    first = openml_lite.last_load_report()
    assert (first.data_id, first.source, first.engine, first.from_cache) == (61, "parquet", "fastparquet", False)
    assert first.data_url == f"{mirror_url}/datasets/0000/0061/dataset_61.pq"
    assert set(first.seconds) == {"metadata", "engine", "download", "decode", "convert", "save", "total"}
    assert abs(sum(v for k, v in first.seconds.items() if k != "total") - first.seconds["total"]) < 1e-6
    seen = []
    openml_lite.fetch_openml(data_id=61, base_url=mirror_url, data_home=data_home,
                             progress=lambda received, total: seen.append((received, total)))
    assert openml_lite.last_load_report().from_cache
    assert seen == [(first.data_bytes, first.data_bytes)]  # a cached file reports complete
