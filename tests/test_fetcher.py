"""fetcher.Fetcher without a server (tests/fake_transport.py): the cache first, downloads
staged until commit (a failed load leaves the cache as it was), retries of transient
answers with their waits, what is not retried, forget / unstage / done_with, and the sync
API's gather and start."""

from __future__ import annotations

import asyncio

import pytest

from fake_transport import FakeTransport, refused
from openml_lite._sync import run_without_loop
from openml_lite.cache import MemoryCache
from openml_lite.errors import DownloadError
from openml_lite.fetcher import Fetcher

URL = "https://openml.test/api/v1/json/data/61"


def fetcher(answers, **options) -> tuple[Fetcher, list[float]]:
    """A blocking fetcher on a fake transport whose sleeps are recorded, not slept."""
    made = Fetcher(FakeTransport(answers), **options)
    waits: list[float] = []

    async def sleep(seconds):
        waits.append(seconds)

    made._sleep = sleep
    return made, waits


def run(coroutine):
    return run_without_loop(coroutine)


def test_the_cache_first_then_staged_until_commit():
    cache = MemoryCache()
    got, _ = fetcher({URL: (200, b"body")}, cache=cache)
    seen = []
    first = run(got.get(URL, progress=lambda received, total: seen.append((received, total))))
    assert first.body == b"body" and not first.cached and seen[-1] == (4, 4)
    assert run(cache.get(URL)) is None and got.staged == {URL: b"body"}  # not cached before commit
    again = run(got.get(URL))
    # this load's own copy: not asked again, and not said to be from the cache
    assert again.body == b"body" and not again.cached and got.transport.asked == [URL]
    run(got.commit())
    assert run(cache.get(URL)) == b"body" and got.staged == {}
    other, _ = fetcher({}, cache=cache)
    seen.clear()
    assert run(other.get(URL, progress=lambda r, t: seen.append((r, t)))).cached and other.transport.asked == []
    assert seen == [(4, 4)]  # a cached file reports its progress too


def test_transient_answers_are_retried_with_growing_waits():
    answers = iter([(503, b""), refused(URL), (200, b"ok")])
    got, waits = fetcher({URL: lambda url: next(answers)}, delay=0.5)
    assert run(got.get(URL)).body == b"ok"
    assert waits == [0.5, 1.0] and len(got.transport.asked) == 3


def test_retry_after_is_honoured():
    answers = iter([(429, b"", {"retry-after": "7"}), (200, b"ok")])
    got, waits = fetcher({URL: lambda url: next(answers)}, delay=0.5)
    assert run(got.get(URL)).body == b"ok" and waits == [7.0]


def test_retries_run_out_into_a_download_error():
    got, waits = fetcher({URL: (502, b"")}, n_retries=2, delay=1.0)
    with pytest.raises(DownloadError) as raised:
        run(got.get(URL, dataset="'iris'"))
    assert raised.value.status == 502 and raised.value.url == URL and "'iris'" in str(raised.value)
    assert "3 attempts" in str(raised.value) and waits == [1.0, 2.0]


def test_a_missing_file_is_answered_not_retried_nor_staged():
    got, waits = fetcher({})
    answer = run(got.get(URL))
    assert answer.status == 404 and waits == [] and got.staged == {} and len(got.transport.asked) == 1


def test_forget_unstage_and_done_with():
    cache = MemoryCache()
    run(cache.put(URL, b"old"))
    got, _ = fetcher({URL: (200, b"new")}, cache=cache)
    assert run(got.get(URL)).body == b"old"
    run(got.forget(URL))  # a bad copy: gone everywhere, downloaded anew
    assert run(cache.get(URL)) is None and run(got.get(URL)).body == b"new"
    got.unstage(URL)
    assert got.staged == {}
    uncached, _ = fetcher({URL: (200, b"x")})
    run(uncached.get(URL))
    assert uncached.staged and not uncached.keeps_files
    uncached.done_with(URL)  # no cache to write it to: the memory goes now
    assert uncached.staged == {}


def test_sync_gather_raises_the_first_failure_and_never_starts_the_rest():
    got, _ = fetcher({})
    started = []

    async def ok(value):
        started.append(value)
        return value

    async def fails():
        raise ValueError("first")

    later = ok("later")
    with pytest.raises(ValueError, match="first"):
        run(got.gather(ok("a"), fails(), later))
    assert started == ["a"]  # the last never ran (closed, no "never awaited" warning)


def test_async_gather_asks_at_once():
    got = Fetcher(FakeTransport({URL: (200, b"a"), URL + "0": (200, b"b")}), blocking=False)

    async def both():
        return await got.gather(got.get(URL), got.get(URL + "0"))

    first, second = asyncio.run(both())
    assert (first.body, second.body) == (b"a", b"b")
