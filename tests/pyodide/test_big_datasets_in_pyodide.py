"""A dataset too big for Pyodide's 4 GB, at its real size: SVHN's shape (99,289 x 3,073
pixels, 311 MB of parquet, as OpenML writes it: uint8). With the defaults (sklearn's
dtypes: two int64 copies of 2.44 GB, and 2.44 GB in one array, more than numpy on wasm32
can hold) the load raises DatasetTooLargeError with the numbers before the mirror has
served one byte of the data file; the way out its message names, dtypes='openml', then
loads with the same automatic limit (reading the file's footer first, which settles the
uint8 columns the metadata alone could not)."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import pyarrow.parquet as pq  # noqa: E402

from openml_lite.mirror import MirrorServer, parquet_path_for  # noqa: E402
from openml_lite.mirror.synthetic import SVHN, add_big  # noqa: E402
from support import MirrorLog  # noqa: E402


@pytest.fixture(scope="module")
def big_mirror(tmp_path_factory):
    """A mirror of the SVHN-shaped dataset alone (8 s to write), with its request log."""
    folder = tmp_path_factory.mktemp("big-mirror")
    add_big(folder, ["svhn"])
    with MirrorServer(folder) as server:
        yield server.url, MirrorLog(server.url), folder


@run_in_pyodide
async def _too_big(selenium, url, data_id):
    import openml_lite

    try:
        await openml_lite.fetch_openml_async(data_id=data_id, base_url=url, cache=False)
    except openml_lite.DatasetTooLargeError as error:
        return [isinstance(error, MemoryError), str(error), error.estimate.low, error.room.total,
                error.room.per_array, [way.arguments for way in error.ways]]
    return None


@run_in_pyodide
async def _load(selenium, url, data_id, arguments):
    import openml_lite

    bunch = await openml_lite.fetch_openml_async(data_id=data_id, base_url=url, cache=False, **arguments)
    dtypes = sorted({str(dtype) for dtype in bunch.data.dtypes})
    report = openml_lite.last_load_report()
    return [list(bunch.frame.shape), dtypes, str(bunch.target.dtype), report.engine,
            [report.memory.low, report.memory.high], int(bunch.data.iloc[:, 0].sum())]


@pytest.mark.driver_timeout(300)
def test_svhn_shape_raises_before_the_file_then_the_way_out_loads(selenium_openml_lite, big_mirror):
    url, log, folder = big_mirror
    log.reset()
    raised = _too_big(selenium_openml_lite, url, SVHN["id"])
    assert raised is not None, "the SVHN shape loaded with sklearn's dtypes in 4 GB"
    is_memory_error, message, low, room, per_array, ways = raised
    assert is_memory_error and "'bench-SVHN' (id 990007" in message, message
    assert low > room and "more than this runtime can hold" in message, message
    assert per_array == 2**31 - 1
    assert [path for path in log.paths() if not path.startswith("/api/")] == []  # no data file byte
    way = {"dtypes": "openml"}
    assert way in ways and "dtypes='openml' (" in message, message

    log.reset()
    shape, dtypes, target_dtype, engine, planned, first_column_sum = _load(selenium_openml_lite, url,
                                                                          SVHN["id"], way)
    assert shape == [SVHN["rows"], 3073] and dtypes == ["uint8"] and target_dtype == "category"
    assert planned[0] == planned[1] < room, planned  # the footer settled it: one figure
    assert any(path.endswith(".pq") for path in log.paths())
    expected = pq.read_table(folder / parquet_path_for(SVHN["id"]), columns=["a0"])  # the file's values
    assert first_column_sum == int(expected.column("a0").to_numpy().sum())
