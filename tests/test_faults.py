"""What real networks and servers do, one fault at a time, against a mirror that
injects it: each load ends in the right data or a typed error, and the cache never
keeps a bad entry (inspected after every test). The cases every runtime runs (CPython,
Node, Chromium) are the fault table's (tests/fault_cases.py); these are CPython's
further ones: several statuses, timings, Retry-After, progress, damaged cache entries."""

from __future__ import annotations

import os
import time
import warnings

import pytest

import openml_lite
from compare import assert_same
from openml_lite import ArffFallbackWarning, DatasetNotFoundError, DownloadError
from openml_lite.cache.disk import DiskCache
from openml_lite.mirror import parquet_path_for
from openml_lite.mirror.faults import Rule
from openml_lite.transport.native import UrllibTransport

TITANIC = 40945
PARQUET = parquet_path_for(TITANIC)


@pytest.fixture(scope="module")
def expected(faulty):
    """The right answer, from the same server (descriptions carry its address)."""
    return dict(openml_lite.fetch_openml(data_id=TITANIC, base_url=faulty.url, cache=False))


def load(server, data_home, **kwargs):
    kwargs = {"data_id": TITANIC, "n_retries": 2, "delay": 0.01, **kwargs}
    return openml_lite.fetch_openml(base_url=server.url, data_home=data_home, **kwargs)


def cache_entries(data_home):
    root = os.path.join(data_home, "openml_lite")
    return DiskCache(root).entries() if os.path.isdir(root) else []


def assert_cache_is_good(data_home, server, expected):
    """Every cached entry is whole: a second load served from it alone is right."""
    server.reset_requests()
    again = openml_lite.fetch_openml(data_id=TITANIC, base_url=server.url, data_home=data_home)
    assert_same(dict(again), expected)
    assert [r["path"] for r in server.requests] == []


def hits(server, suffix):
    return sum(r["path"].endswith(suffix) for r in server.requests)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_transient_errors_are_retried(status, faulty, inject, data_home, expected):
    inject(rf"\.pq$ status:{status} x2")
    assert_same(dict(load(faulty, data_home)), expected)
    assert hits(faulty, ".pq") == 3
    assert_cache_is_good(data_home, faulty, expected)


def test_retries_give_up_with_a_typed_error(faulty, inject, data_home):
    inject(r"/api/v1/json/data/\d+$ status:503")
    with pytest.raises(DownloadError, match=r"after 3 attempts: HTTP 503") as caught:
        load(faulty, data_home)
    assert caught.value.status == 503 and caught.value.url.endswith(f"/data/{TITANIC}")
    assert cache_entries(data_home) == []


def test_backoff_doubles_the_delay(faulty, inject, data_home):
    inject(r"/api/v1/json/data/\d+$ status:503 x2")
    started = time.perf_counter()
    load(faulty, data_home, delay=0.2)
    assert time.perf_counter() - started >= 0.2 + 0.4


def test_429_waits_as_retry_after_says(faulty, inject, data_home, expected):
    faulty.faults.replace([Rule(match=r"\.pq$", kind="status", status=429, retry_after=0.5, times=1)])
    started = time.perf_counter()
    assert_same(dict(load(faulty, data_home, delay=0.01)), expected)
    assert time.perf_counter() - started >= 0.5
    assert hits(faulty, ".pq") == 2


def test_412_on_a_name_lookup(faulty, inject, data_home):
    inject(r"/data_name/iris/ status:412")
    with pytest.raises(DatasetNotFoundError, match="OpenML error 372"):
        load(faulty, data_home, data_id=None, name="iris", version=1)
    assert cache_entries(data_home) == []


@pytest.mark.parametrize("fault", ["reset x1", "truncate:100 x1"],
                         ids=["closed-mid-body", "damaged-then-healed"])
def test_one_bad_answer_then_a_good_one(fault, faulty, inject, data_home, expected):
    """A connection closed mid-body is retried; a damaged file is fetched once more."""
    inject(rf"\.pq$ {fault}")
    assert_same(dict(load(faulty, data_home)), expected)
    assert hits(faulty, ".pq") == 2
    assert_cache_is_good(data_home, faulty, expected)


def test_content_length_that_does_not_match_is_retried(faulty, inject, data_home, expected):
    inject(r"\.pq$ bad_length:100 x1")
    assert_same(dict(load(faulty, data_home)), expected)
    assert_cache_is_good(data_home, faulty, expected)


@pytest.mark.parametrize("spec", [r"\.pq$ truncate:2000", r"\.pq$ flip:-6", r"\.pq$ flip:0"],
                         ids=["truncated", "footer-length-flipped", "magic-flipped"])
def test_damaged_parquet_falls_back_to_arff(spec, faulty, inject, data_home, expected):
    inject(spec)
    with pytest.warns(ArffFallbackWarning, match="damaged"):
        result = load(faulty, data_home)
    assert_same(dict(result), expected)
    assert hits(faulty, ".pq") == 2  # fetched once more before giving up on it
    assert not any(e.endswith(".pq") for e in cache_entries(data_home))
    assert any("/data/v1/download/" in e for e in cache_entries(data_home))


def test_parquet_unreachable_after_retries_falls_back_to_arff(faulty, inject, data_home, expected):
    inject(r"\.pq$ reset")
    with pytest.warns(ArffFallbackWarning, match="could not be downloaded"):
        assert_same(dict(load(faulty, data_home)), expected)
    assert hits(faulty, ".pq") == 3


def test_missing_cors_headers_do_not_matter_outside_a_browser(faulty, inject, data_home, expected):
    inject(r". no_cors")  # browsers refuse such answers (the fault table in Chromium: tests/fault_cases.py)
    assert_same(dict(load(faulty, data_home)), expected)
    assert all(r["fault"] == "no_cors" for r in faulty.requests)


def test_slow_first_byte_times_out(faulty, inject, data_home):
    inject(r"/api/v1/json/data/\d+$ delay:2")
    slow = UrllibTransport(blocking=True, timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(DownloadError, match="timed out"):
        load(faulty, data_home, n_retries=1, transport=slow)
    assert time.perf_counter() - started < 1.9
    assert cache_entries(data_home) == []


def test_throttled_download_completes_with_progress(faulty, inject, data_home, expected):
    inject(r"\.pq$ throttle:200000")
    seen = []
    result = load(faulty, data_home, progress=lambda received, total: seen.append(received))
    assert_same(dict(result), expected)
    assert len(seen) > 1 and seen[-1] == openml_lite.last_load_report().data_bytes


def test_throttle_with_latency_waits_before_the_first_byte(faulty, data_home, expected):
    faulty.faults.replace([Rule(match=r"\.pq$", kind="throttle", rate=10e6, seconds=0.4)])
    started = time.perf_counter()
    assert_same(dict(load(faulty, data_home)), expected)
    assert time.perf_counter() - started >= 0.4


def test_async_overlap_saves_round_trips_on_a_slow_network(faulty, expected):
    """Every answer 0.3 s late: both APIs wait for two in a row, not four. The sync API
    asks for the description, features and qualities at once (threads on CPython), then
    the data file; the async one for the description, then the rest at once."""
    import asyncio

    faulty.faults.replace([Rule(match=r".", kind="delay", seconds=0.3)])
    started = time.perf_counter()
    load(faulty, None, cache=False)
    synced = time.perf_counter() - started
    started = time.perf_counter()
    result = asyncio.run(openml_lite.fetch_openml_async(data_id=TITANIC, base_url=faulty.url, cache=False))
    overlapped = time.perf_counter() - started
    assert_same(dict(result), expected)
    assert 2 * 0.3 <= synced < 3 * 0.3 and 2 * 0.3 <= overlapped < 3 * 0.3


def test_corrupt_cache_entry_is_dropped_and_downloaded_again(faulty, inject, data_home, expected):
    load(faulty, data_home)
    cache = DiskCache(os.path.join(data_home, "openml_lite"))
    url = f"{faulty.url}/{PARQUET}"
    with open(cache.path(url), "r+b") as f:  # a disk error, or an older writer's half file
        f.truncate(500)
    faulty.reset_requests()
    assert_same(dict(load(faulty, data_home)), expected)
    assert [r["path"] for r in faulty.requests] == [f"/{PARQUET}"]
    assert_cache_is_good(data_home, faulty, expected)


def test_corrupt_cached_json_is_dropped_and_downloaded_again(faulty, data_home, expected):
    load(faulty, data_home)
    cache = DiskCache(os.path.join(data_home, "openml_lite"))
    with open(cache.path(f"{faulty.url}/api/v1/json/data/features/{TITANIC}"), "wb") as f:
        f.write(b'{"data_features": {"feat')
    faulty.reset_requests()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(dict(load(faulty, data_home)), expected)
    assert [r["path"] for r in faulty.requests] == [f"/api/v1/json/data/features/{TITANIC}"]
    assert_cache_is_good(data_home, faulty, expected)


def test_fault_rules_over_http(faulty, data_home):
    import json
    import urllib.request

    rules = json.dumps({"rules": [{"match": r"\.pq$", "kind": "status", "status": 503, "times": 1}]})
    request = urllib.request.Request(f"{faulty.url}/_mirror/faults", data=rules.encode(), method="POST")
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer) == {"rules": 1}
    with urllib.request.urlopen(f"{faulty.url}/_mirror/faults") as answer:
        assert json.load(answer)["rules"][0]["kind"] == "status"
    with urllib.request.urlopen(urllib.request.Request(f"{faulty.url}/_mirror/faults/clear", data=b"", method="POST")):
        pass
    assert faulty.faults.rules() == []
