"""One async core: fetch_openml_async gives what fetch_openml gives."""

from __future__ import annotations

import asyncio

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
    """Real HTTP to the mirror (in a thread), counting requests in flight at once."""

    def __init__(self):
        from openml_lite.transport.native import UrllibTransport

        self.inner = UrllibTransport(blocking=False)
        self.in_flight = self.most = 0
        self.urls = []

    async def get(self, url, *, headers=None, progress=None):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        self.urls.append(url)
        try:
            await asyncio.sleep(0.02)  # a network round trip, so overlap shows
            return await self.inner.get(url, headers=headers, progress=progress)
        finally:
            self.in_flight -= 1


def test_async_asks_for_features_and_qualities_in_one_round_trip(mirror_url):
    transport = _CountingTransport()
    asyncio.run(openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, cache=False,
                                               transport=transport))
    assert transport.most == 2
    assert [u.rsplit("/json/", 1)[-1] for u in transport.urls[:3]] == \
        ["data/61", "data/features/61", "data/qualities/61"]


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
