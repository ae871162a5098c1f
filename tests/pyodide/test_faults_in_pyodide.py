"""Network-level faults inside Pyodide (node and headless Chromium), from a mirror that
injects them: 5xx then success, a truncated parquet body, no CORS headers, a server too
slow to answer. Each ends in the right data or a typed error; no bad cache entry."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402



@run_in_pyodide
async def _load(selenium, url, data_id, timeout=None):
    """(shape, warning categories, error type, error text, cached parquet URLs)."""
    import warnings

    import openml_lite
    from openml_lite.cache import browser
    from openml_lite.transport.pyodide import FetchTransport

    transport = FetchTransport(timeout=timeout) if timeout else None
    shape, error = None, (None, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            bunch = await openml_lite.fetch_openml_async(
                data_id=data_id, base_url=url, n_retries=2, delay=0.01, transport=transport)
            shape = list(bunch.frame.shape)
        except Exception as exc:
            error = (type(exc).__name__, str(exc))
    if browser.has_cache_storage():
        from js import caches

        keys = await (await caches.open(browser.CACHE_NAME)).keys()
        cached = [request.url for request in keys]
    else:
        cached = list(browser._memory.entries)
    return shape, sorted({w.category.__name__ for w in caught}), *error, [u for u in cached if u.endswith(".pq")]


def parquet_hits(server):
    return sum(r["path"].endswith(".pq") for r in server.requests)


@pytest.mark.driver_timeout(120)
def test_5xx_then_success(selenium_openml_lite, faulty, inject):
    inject(r"dataset_61\.pq$ status:503 x2")
    shape, warned, error, _, cached = _load(selenium_openml_lite, faulty.url, 61)
    assert (shape, error) == ([150, 5], None)
    assert parquet_hits(faulty) == 3
    assert f"{faulty.url}/datasets/0000/0061/dataset_61.pq" in cached


@pytest.mark.driver_timeout(180)
def test_truncated_parquet_is_never_cached(selenium_openml_lite, faulty, inject):
    inject(r"dataset_62\.pq$ truncate:500")
    shape, warned, error, _, cached = _load(selenium_openml_lite, faulty.url, 62)
    assert (shape, error) == ([101, 17], None)  # the ARFF copy, with a warning that says why
    assert "ArffFallbackWarning" in warned
    assert parquet_hits(faulty) >= 2  # fetched again before giving up (node may add a retry)
    assert not any("dataset_62.pq" in url for url in cached)


@pytest.mark.driver_timeout(120)
def test_missing_cors_headers(selenium_openml_lite, faulty, inject):
    inject(r"/api/v1/json/data/2$ no_cors")
    shape, _, error, message, _ = _load(selenium_openml_lite, faulty.url, 2)
    if selenium_openml_lite.browser == "node":  # no same-origin policy outside browsers
        assert error is None and shape == [11, 39]
    else:
        assert (shape, error) == (None, "DownloadError")
        assert "CORS" in message and "/api/v1/json/data/2" in message


@pytest.mark.driver_timeout(120)
def test_slow_server_times_out(selenium_openml_lite, faulty, inject):
    inject(r"/api/v1/json/data/3$ delay:4")
    shape, _, error, message, _ = _load(selenium_openml_lite, faulty.url, 3, 0.5)
    assert (shape, error) == (None, "DownloadError")
    assert "after 3 attempts" in message and "/api/v1/json/data/3" in message


@run_in_pyodide
async def _callback_errors_of_a_failing_load(selenium, url):
    """What the event loop's exception handler saw while a load failed after it had
    begun (and then discarded) the parquet download and the engine choice."""
    import asyncio

    import openml_lite

    loop = asyncio.get_running_loop()
    seen = []
    loop.set_exception_handler(lambda _, context: seen.append(repr(context.get("exception"))))
    try:
        try:  # Titanic has STRING columns: as_frame=False fails once the features are in
            await openml_lite.fetch_openml_async(data_id=40945, base_url=url, as_frame=False, cache=False)
        except ValueError:
            pass
        await asyncio.sleep(0.5)  # the discarded tasks finish
    finally:
        loop.set_exception_handler(None)
    return seen


@pytest.mark.driver_timeout(120)
def test_discarded_requests_raise_nothing_in_the_event_loop(selenium_openml_lite, mirror_url):
    """A discarded (cancelled) request is no unhandled error: Pyodide 0.27's loop asked a
    cancelled task for its exception and failed in its own callback (fetcher.Pending)."""
    assert _callback_errors_of_a_failing_load(selenium_openml_lite, mirror_url) == []
