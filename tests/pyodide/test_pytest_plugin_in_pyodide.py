"""openml-lite's pytest fixture ``openml_mirror`` (src/openml_lite/pytest_plugin.py)
with pytest-pyodide: the mirror runs on the host, its URL goes into ``run_in_pyodide``
as an argument, and Pyodide (node, or a page in Chromium: another origin, so CORS)
loads from it. Uses only the public fixture: no OPENML_LITE_TEST_MIRROR needed.

    pytest tests/pyodide/test_pytest_plugin_in_pyodide.py --dist-dir=web/pyodide --runtime=node,chrome
"""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402


@run_in_pyodide
async def _load_iris(selenium, url):
    import openml_lite

    iris = await openml_lite.fetch_openml_async(data_id=61, base_url=url, cache=False)
    report = openml_lite.last_load_report()
    return {
        "shape": list(iris.frame.shape),
        "features": iris.feature_names,
        "classes": [str(c) for c in iris.target.cat.categories],
        "counts": iris.target.value_counts().tolist(),
        "source": report.source,
        "engine": report.engine,
    }


@pytest.mark.driver_timeout(120)
def test_iris_from_the_fixtures_mirror_in_pyodide(selenium_openml_lite, openml_mirror):
    openml_mirror.reset_requests()

    got = _load_iris(selenium_openml_lite, openml_mirror.url)

    assert got == {
        "shape": [150, 5],
        "features": ["sepallength", "sepalwidth", "petallength", "petalwidth"],
        "classes": ["Iris-setosa", "Iris-versicolor", "Iris-virginica"],
        "counts": [50, 50, 50],
        "source": "parquet",
        "engine": "js",  # the bundled decoder, Pyodide's default
    }
    served = [(r["method"], r["path"], r["status"]) for r in openml_mirror.requests()]
    assert ("GET", "/datasets/0000/0061/dataset_61.pq", 200) in served
    assert ("GET", "/api/v1/json/data/61", 200) in served
    assert not [path for _, path, _ in served if path.startswith("/data/v1/download/")]  # no ARFF
