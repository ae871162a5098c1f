"""A load that fails inside Pyodide (node and headless Chromium) leaves no unhandled error in
the event loop. (The faults themselves, one by one in every runtime: the fault table,
test_fault_table_in_pyodide.py and tests/fault_cases.py.)"""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402



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


@run_in_pyodide
async def _timed_out_under_gc(selenium, url):
    """(error type, seconds) of FetchTransport(timeout=0.8).get on a server 3 s late, with
    the JS garbage collector run while it waits (node and Chromium run with --expose-gc)."""
    import time

    from pyodide.code import run_js

    from openml_lite.transport import TransportError
    from openml_lite.transport.pyodide import FetchTransport

    run_js("for (const ms of [100, 300, 500]) setTimeout(() => globalThis.gc && globalThis.gc(), ms);")
    started = time.time()
    try:
        await FetchTransport(timeout=0.8).get(url)
        return None, time.time() - started
    except TransportError:
        return "TransportError", time.time() - started


@pytest.mark.driver_timeout(120)
def test_a_timeout_fires_after_garbage_collection(selenium_openml_lite, faulty, inject):
    """Node keeps a weak reference to an AbortSignal.timeout: the transport holds its own,
    or a collection during the wait leaves a slow request waiting for its answer."""
    inject(r"/api/v1/json/data/61$ delay:3")
    error, seconds = _timed_out_under_gc(selenium_openml_lite, f"{faulty.url}/api/v1/json/data/61")
    assert error == "TransportError" and seconds < 2.5, (error, seconds)
