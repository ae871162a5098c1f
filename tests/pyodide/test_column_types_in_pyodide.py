"""The JS decoder meets a readable parquet file with a column it cannot use (Titanic's
"age" as timestamps, a type OpenML never writes): inside Pyodide as on CPython
(tests/test_column_types.py), the file is read once, the warning names the column and
says the file is readable, and the data comes from the ARFF copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402
from openml_lite.mirror import MirrorServer, build_mirror, parquet_path_for  # noqa: E402
from test_column_types import CHANGES, TITANIC, replace_column  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102


@pytest.fixture(scope="module")
def timestamps(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root)
    name, how, _ = CHANGES["timestamp"]
    replace_column(root / parquet_path_for(TITANIC), name, how)
    with MirrorServer(root) as server:
        yield server


@run_in_pyodide
async def _load_with_warnings(selenium, source, base_url, data_id):
    exec(source, globals())
    import warnings

    import openml_lite

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = await openml_lite.fetch_openml_async(data_id=data_id, base_url=base_url,
                                                      engine="js", cache=False)
    return fingerprint(dict(result)), [(w.category.__name__, str(w.message)) for w in caught]  # noqa: F821


@pytest.mark.driver_timeout(240)  # the ARFF path loads scikit-learn into Pyodide
def test_js_decoder_sends_an_unusable_column_to_the_arff_once(selenium_openml_lite, timestamps):
    with pytest.warns(openml_lite.ArffFallbackWarning):
        expected = fingerprint(dict(openml_lite.fetch_openml(  # noqa: F821
            data_id=TITANIC, base_url=timestamps.url, cache=False)))
    timestamps.reset_requests()
    got, caught = _load_with_warnings(selenium_openml_lite, FINGERPRINT_SOURCE, timestamps.url, TITANIC)
    assert got == expected
    fallbacks = [message for category, message in caught if category == "ArffFallbackWarning"]
    assert len(fallbacks) == 1, caught
    # the JS decoder names it "age" (its own quotes), with its parquet type
    assert re.search(r"[\"']age[\"'].*TIMESTAMP", fallbacks[0]), fallbacks[0]
    assert "readable" in fallbacks[0] and "damaged" not in fallbacks[0], fallbacks[0]
    paths = [r["path"] for r in timestamps.requests if r["method"] == "GET"]
    assert sum(p.endswith(".pq") for p in paths) == 1, paths
