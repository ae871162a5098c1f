"""One async core: fetch_openml_async gives what fetch_openml gives."""

from __future__ import annotations

import asyncio
import os

import pytest

import openml_lite
from compare import assert_same
from openml_lite._sync import run_without_loop


def test_async_equals_sync(mirror_url, data_home):
    sync = openml_lite.fetch_openml("iris", version=1, base_url=mirror_url, cache=False)
    result = asyncio.run(openml_lite.fetch_openml_async("iris", version=1, base_url=mirror_url, cache=False))
    assert_same(dict(result), dict(sync))


def test_concurrent_async_loads(mirror_url):
    async def both():
        return await asyncio.gather(
            openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, cache=False),
            openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url, cache=False),
        )

    iris, titanic = asyncio.run(both())
    assert iris.frame.shape == (150, 5) and titanic.frame.shape == (1309, 14)


def test_overlapping_loads_each_get_their_own_report(mirror_url):
    """The report travels with the result (with_report=True): two loads that overlap get
    theirs, each with its own progress; last_load_report() holds the one that ended last."""
    seen = {61: [], 40945: []}
    ended = []

    async def one(data_id):
        result, report = await openml_lite.fetch_openml_async(
            data_id=data_id, base_url=mirror_url, cache=False, with_report=True,
            progress=lambda received, total: seen[data_id].append((received, total)))
        ended.append(report)
        return result, report

    async def both():
        return await asyncio.gather(one(61), one(40945))

    (iris, iris_report), (titanic, titanic_report) = asyncio.run(both())
    assert iris.frame.shape == (150, 5) and titanic.frame.shape == (1309, 14)
    assert (iris_report.data_id, titanic_report.data_id) == (61, 40945)
    assert iris_report.data_url.endswith("dataset_61.pq") and titanic_report.data_url.endswith("dataset_40945.pq")
    for data_id, report in ((61, iris_report), (40945, titanic_report)):
        assert seen[data_id] and seen[data_id][-1] == (report.data_bytes, report.data_bytes), seen[data_id]
    assert openml_lite.last_load_report() is ended[-1]
    X, y = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False, return_X_y=True)
    (X2, y2), report = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False, return_X_y=True,
                                                with_report=True)
    assert X2.equals(X) and report.data_id == 61 and openml_lite.last_load_report() is report


class _Pending:
    """An awaitable that suspends, like a JS promise awaited in Pyodide."""

    def __await__(self):
        yield self


@pytest.mark.parametrize("step", [_Pending, lambda: asyncio.sleep(0.01)], ids=["suspends", "needs-loop"])
def test_sync_driver_refuses_a_coroutine_that_cannot_finish_at_once(step):
    async def needs_real_async():
        await step()

    with pytest.raises(RuntimeError, match="await openml_lite.fetch_openml_async"):
        run_without_loop(needs_real_async())


def test_sync_driver_returns_the_value():
    async def immediate():
        return 42

    assert run_without_loop(immediate()) == 42


def test_base_url_from_environment(monkeypatch, mirror_url):
    monkeypatch.setenv("OPENML_LITE_BASE_URL", mirror_url + "/")
    bunch = openml_lite.fetch_openml(data_id=61, cache=False)
    assert bunch.details["parquet_url"].startswith(mirror_url + "/datasets/")


class _CountingTransport:
    """Real HTTP to the mirror (in a thread), counting requests in flight at once and
    logging when each begins and ends; ``slow``: URL part -> extra seconds."""

    def __init__(self, slow=None):
        from openml_lite.transport.native import UrllibTransport

        self.inner = UrllibTransport(blocking=False)
        self.in_flight = self.most = 0
        self.urls, self.events, self.slow = [], [], slow or {}

    async def get(self, url, *, headers=None, progress=None):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        self.urls.append(url)
        self.events.append(("begin", _short(url)))
        try:
            extra = sum(seconds for part, seconds in self.slow.items() if part in url)
            await asyncio.sleep(0.02 + extra)  # a network round trip, so overlap shows
            return await self.inner.get(url, headers=headers, progress=progress)
        finally:
            self.in_flight -= 1
            self.events.append(("end", _short(url)))


def _short(url):
    return url.rsplit("/json/", 1)[-1] if "/json/" in url else url.rsplit(".", 1)[-1]


def test_async_asks_for_all_metadata_in_one_round_trip(mirror_url):
    transport = _CountingTransport()
    asyncio.run(openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, cache=False,
                                               transport=transport))
    assert transport.most >= 3
    assert [_short(u) for u in transport.urls] == \
        ["data/61", "data/features/61", "data/qualities/61", "pq"]


def test_async_downloads_the_data_file_before_the_features_arrive(mirror_url):
    """The parquet URL is in the description: its download need not wait for the rest."""
    transport = _CountingTransport(slow={"/features/": 0.3})
    bunch = asyncio.run(openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url, cache=False,
                                                       transport=transport))
    events = transport.events
    assert events.index(("begin", "pq")) < events.index(("end", "data/features/40945"))
    assert bunch.frame.shape == (1309, 14)


def test_sync_api_asks_one_thing_at_a_time_in_order(mirror_url):
    from openml_lite.transport.native import UrllibTransport

    urls = []

    class Recording(UrllibTransport):  # blocking: the sync API's driver has no event loop
        async def get(self, url, **kwargs):
            urls.append(url)
            return await super().get(url, **kwargs)

    openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False, transport=Recording(blocking=True))
    # (the qualities before the features: their row count decides whether the data file
    # may come before the features, under the async API)
    assert [_short(u) for u in urls] == \
        ["data/61", "data/qualities/61", "data/features/61", "pq"]


def test_a_failing_request_among_concurrent_ones_is_the_error(mirror_url, monkeypatch):
    """features fail (404) while qualities succeed: the features' error, nothing left running."""
    transport = _CountingTransport()
    real_get = transport.get

    async def get(url, **kwargs):
        if "/data/features/" in url:
            url = url.replace("/features/61", "/features/999999")
        return await real_get(url, **kwargs)

    transport.get = get
    with pytest.raises(openml_lite.DatasetNotFoundError, match="no features"):
        asyncio.run(openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, cache=False,
                                                   transport=transport, n_retries=1, delay=0.01))
    assert transport.in_flight == 0


def test_an_unknown_dataset_is_the_error_though_more_was_asked(mirror_url, caplog):
    """The description's 412 wins over the failure of a request begun beside it, which
    is neither left running nor logged as an exception nobody retrieved."""
    import gc

    from openml_lite.transport import TransportError

    transport = _CountingTransport(slow={"/data/999999": 0.2})
    real_get = transport.get

    async def get(url, **kwargs):
        if "/features/" in url:
            raise TransportError("connection reset")
        return await real_get(url, **kwargs)

    transport.get = get
    with pytest.raises(openml_lite.DatasetNotFoundError, match="data_id 999999 not found"):
        asyncio.run(openml_lite.fetch_openml_async(data_id=999999, base_url=mirror_url, cache=False,
                                                   transport=transport, n_retries=1, delay=0.01))
    gc.collect()
    assert transport.in_flight == 0
    assert "never retrieved" not in caplog.text


def test_data_file_begun_for_nothing_is_not_cached(mirror_url, data_home, monkeypatch):
    """No parquet engine: the ARFF copy is read, and the parquet file downloaded beside
    the features is not cached (it was never checked)."""
    from openml_lite import engines
    from openml_lite.cache.disk import DiskCache

    for name in engines.PYTHON_ENGINES:
        monkeypatch.setattr(engines.load_engine(name), "works", lambda: False)
    transport = _CountingTransport(slow={"/features/": 0.2})
    with pytest.warns(openml_lite.ArffFallbackWarning, match="no parquet engine works"):
        bunch = asyncio.run(openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url,
                                                           data_home=data_home, transport=transport))
    assert bunch.frame.shape == (1309, 14)
    cache = DiskCache(f"{data_home}/openml_lite")
    parquet, arff = bunch.details["parquet_url"], bunch.details["url"]
    assert [transport.urls.count(url) for url in (parquet, arff)] == [1, 1]
    assert os.path.exists(cache.path(arff)) and not os.path.exists(cache.path(parquet))


def test_sync_api_on_cpython_asks_for_the_metadata_side_by_side(faulty, inject):
    """With its own transport, the sync API sends the features and qualities requests
    from threads while the description's is under way: three metadata answers, each
    0.4 s late, take one wait, not three (a caller's transport gets one at a time, above)."""
    import time

    inject(r"/api/v1/json/data/(features/|qualities/)?61$ delay:0.4")
    start = time.perf_counter()
    bunch = openml_lite.fetch_openml(data_id=61, base_url=faulty.url, cache=False)
    took = time.perf_counter() - start
    assert bunch.frame.shape == (150, 5)
    assert 0.4 <= openml_lite.last_load_report().seconds["metadata"] < 0.8, took
