"""The memory plan inside Pyodide (node and Chromium): the room is the wasm memory's 4 GB
less what is in use, one array at most 2 GB (numpy on wasm32); a load too big for its
limit raises before the data file is asked for. (The SVHN-sized case, where the 4 GB
themselves are too few: benchmarks and tests/pyodide/test_big_datasets_in_pyodide.py.)"""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

from support import SYNTHETIC_MNIST_ID  # noqa: E402


@run_in_pyodide
async def _room_and_loads(selenium, url, data_id):
    import openml_lite
    from openml_lite._compat import async_runtime

    room = async_runtime().memory_room()
    await openml_lite.fetch_openml_async(data_id=data_id, base_url=url, cache=False)
    planned = openml_lite.last_load_report().memory
    try:
        await openml_lite.fetch_openml_async(data_id=data_id, base_url=url, cache=False,
                                             max_memory=planned.low // 2)
        raised = None
    except openml_lite.DatasetTooLargeError as error:
        raised = [isinstance(error, MemoryError), str(error), [way.arguments for way in error.ways if way.fits]]
    return room.total, room.per_array, room.where, [planned.low, planned.high], raised


@pytest.mark.driver_timeout(180)
def test_the_room_and_a_load_too_big_for_its_limit(selenium_openml_lite, mirror_url, mirror_log):
    total, per_array, where, planned, raised = _room_and_loads(selenium_openml_lite, mirror_url,
                                                               SYNTHETIC_MNIST_ID)
    assert 3 * 10**9 < total < 4 * 1024**3 and per_array == 2**31 - 1, (total, per_array)
    assert where.startswith("Pyodide: ") and "4 GiB (4.29 GB) of wasm memory" in where
    assert 0 < planned[0] <= planned[1]
    is_memory_error, message, sure_ways = raised
    assert is_memory_error and "'bench-mnist' (id 990002" in message and sure_ways, message
    # the second load: three metadata requests, no data file
    pq = [path for path in mirror_log.paths() if path.endswith(".pq")]
    assert len(pq) == 1, pq  # the first load's only
