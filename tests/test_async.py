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
