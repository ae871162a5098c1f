"""Only some rows (nrows=, skiprows=) inside Pyodide, node and Chromium, with the JS decoder
(and pyarrow): each recorded dense dataset's rows as CPython's openml-lite gives them
(tests/test_rows.py ties those to sklearn's), read page by page by range requests."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from support import DENSE, SYNTHETIC_MNIST_ID  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

# (data_id, nrows, skiprows): a third of each dataset from its fourth row, and a wide file's first rows
CALLS = [(d["data_id"], max(1, d["n_rows"] // 3), d["n_rows"] // 4) for d in DENSE] + [(SYNTHETIC_MNIST_ID, 50, 0)]


def _expected(mirror_url) -> dict:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for data_id, nrows, skiprows in CALLS:
            bunch = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False,
                                             nrows=nrows, skiprows=skiprows)
            out[str(data_id)] = json.dumps(fingerprint(dict(bunch.frame)), sort_keys=True)  # noqa: F821
    return out


@run_in_pyodide
async def _load_rows(selenium, fingerprint_source, url, calls, engine):
    import json
    import warnings

    import openml_lite

    exec(fingerprint_source, globals())
    out = {}
    for data_id, nrows, skiprows in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            bunch = await openml_lite.fetch_openml_async(data_id=data_id, base_url=url, cache=False,
                                                         nrows=nrows, skiprows=skiprows, engine=engine)
        report = openml_lite.last_load_report()
        out[str(data_id)] = {"frame": json.dumps(fingerprint(dict(bunch.frame)), sort_keys=True),  # noqa: F821
                             "engine": report.engine, "source": report.source,
                             "ranges": report.range_requests,
                             "fallback": [str(w.message) for w in caught if "ARFF" in str(w.message)]}
    return out


@pytest.mark.driver_timeout(300)
@pytest.mark.parametrize("engine", ["js", "pyarrow"])
def test_rows_in_pyodide_as_on_cpython(selenium_openml_lite, mirror_url, engine):
    expected = _expected(mirror_url)
    got = _load_rows(selenium_openml_lite, FINGERPRINT_SOURCE, mirror_url, CALLS, engine)
    for data_id, _, _ in CALLS:
        load = got[str(data_id)]
        assert load["fallback"] == [] and load["source"] == "parquet" and load["engine"] == engine, load
        assert load["frame"] == expected[str(data_id)], data_id
    assert got[str(SYNTHETIC_MNIST_ID)]["ranges"] > 0  # by range requests
