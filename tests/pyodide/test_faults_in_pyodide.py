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
