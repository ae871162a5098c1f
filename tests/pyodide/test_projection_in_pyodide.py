"""columns=[...] inside Pyodide (node and headless Chromium): range requests made with
the browser's own fetch (in Chromium a suffix Range needs a CORS preflight and an
exposed Content-Range), the same data as CPython's, and the whole file when a page
cannot read Content-Range."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from support import SYNTHETIC_MNIST_ID  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

COLUMNS = ["pixel784", "pixel5", "pixel400", "pixel401", "pixel700"]


@run_in_pyodide
async def _load_columns(selenium, source, base_url, data_id, columns, engine, how):
    exec(source, globals())
    import openml_lite

    call = dict(data_id=data_id, base_url=base_url, engine=engine, cache=False, columns=columns)
    if how == "async":
        result = await openml_lite.fetch_openml_async(**call)
    else:
        result = openml_lite.fetch_openml(**call)  # blocks through JSPI (run_sync)
    report = openml_lite.last_load_report()
    return fingerprint(dict(result)), report.range_requests, report.data_bytes  # noqa: F821


def _parquet_requests(records):
    return [r for r in records if r["path"].endswith(f"dataset_{SYNTHETIC_MNIST_ID}.pq")]


@pytest.mark.driver_timeout(180)  # the pyarrow case loads pyarrow (10+ s in Node)
@pytest.mark.parametrize("engine", ["js", "pyarrow"])
@pytest.mark.parametrize("how", ["async", "sync"])
def test_columns_by_range_requests_equal_cpython(selenium_openml_lite, mirror_url, mirror_log, how, engine):
    expected = fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821
        data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url, cache=False, columns=COLUMNS)))
    mirror_log.reset()
    got, range_requests, downloaded = _load_columns(
        selenium_openml_lite, FINGERPRINT_SOURCE, mirror_url, SYNTHETIC_MNIST_ID, COLUMNS, engine, how)
    assert got == expected
    requests = [r for r in _parquet_requests(mirror_log.records()) if r["method"] == "GET"]
    assert requests and all(r["status"] == 206 and r["range"] for r in requests), requests
    assert range_requests == len(requests)
    size = openml_lite.last_load_report()  # CPython's own load above was a range load too
    assert downloaded == size.data_bytes


@pytest.mark.driver_timeout(120)
def test_whole_file_when_content_range_is_hidden(selenium_openml_lite, faulty, inject):
    """What a page gets from a server that does not expose Content-Range: the whole file."""
    inject(rf"dataset_{SYNTHETIC_MNIST_ID}\.pq$ no_content_range")
    expected = fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821
        data_id=SYNTHETIC_MNIST_ID, base_url=faulty.url, cache=False, columns=COLUMNS)))
    faulty.reset_requests()
    got, range_requests, _ = _load_columns(
        selenium_openml_lite, FINGERPRINT_SOURCE, faulty.url, SYNTHETIC_MNIST_ID, COLUMNS, "js", "async")
    assert got == expected
    assert range_requests == 0
    gets = [r for r in _parquet_requests(faulty.requests) if r["method"] == "GET"]
    assert gets[-1]["range"] is None and gets[-1]["status"] == 200


# BOOLEAN (zoo) and null-type (MiceProtein's BCL2_N, beside an ordinary double) columns
# by range requests: the chunks a footer names for them are read like any other.
UNUSUAL = {62: ["hair", "catsize"], 40966: ["BCL2_N", "DYRK1A_N"]}


@pytest.mark.driver_timeout(180)
@pytest.mark.parametrize("engine", ["js", "pyarrow"])
@pytest.mark.parametrize("data_id", list(UNUSUAL), ids=["zoo-booleans", "miceprotein-null"])
def test_boolean_and_null_columns_by_range_requests(selenium_openml_lite, mirror_url, mirror_log,
                                                    data_id, engine):
    columns = UNUSUAL[data_id]
    expected = fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821
        data_id=data_id, base_url=mirror_url, cache=False, columns=columns)))
    mirror_log.reset()
    got, range_requests, _ = _load_columns(
        selenium_openml_lite, FINGERPRINT_SOURCE, mirror_url, data_id, columns, engine, "async")
    assert got == expected
    gets = [r for r in mirror_log.records()
            if r["path"].endswith(f"dataset_{data_id}.pq") and r["method"] == "GET"]
    assert range_requests == len(gets) > 0 and all(r["status"] == 206 for r in gets), gets
    assert not any(r["path"].startswith("/data/v1/download/") for r in mirror_log.records())
