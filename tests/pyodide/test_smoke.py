"""Smoke tests in real Pyodide (web/pyodide: 0.27.7, built by build_wheels.sh; or any
release's folder from tests/official_pyodide.py), offline, in every runtime given with
--runtime (node, chrome). All tests of this module share one Pyodide instance per runtime
(pytest-pyodide's module-scoped `selenium`). Versions are those of the dist dir's lock.
"""

import json

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402


@pytest.fixture(scope="module")
def lock(pyodide_dist_dir) -> dict:
    return json.loads((pyodide_dist_dir / "pyodide-lock.json").read_text())


@pytest.fixture(scope="module")
def stack_versions(lock) -> list[str]:
    """numpy, pandas, scikit-learn, pyarrow: the versions this Pyodide's lock names."""
    return [lock["packages"][name]["version"] for name in ("numpy", "pandas", "scikit-learn", "pyarrow")]


@pytest.mark.driver_timeout(180)  # loading scipy/sklearn/pyarrow takes 10-20 s
@run_in_pyodide(packages=["numpy", "pandas", "scikit-learn", "pyarrow"])
def test_scientific_stack_loads_and_fits(selenium, stack_versions):
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import sklearn
    from sklearn.linear_model import LogisticRegression

    assert [np.__version__, pd.__version__, sklearn.__version__, pa.__version__] == stack_versions

    X = np.array([[0.0, 0.1], [0.2, 0.0], [0.1, 0.2], [2.0, 2.1], [2.2, 1.9], [1.9, 2.2]])
    y = np.array([0, 0, 0, 1, 1, 1])
    model = LogisticRegression().fit(X, y)
    assert model.predict([[0.1, 0.1], [2.0, 2.0]]).tolist() == [0, 1]

    frame = pd.DataFrame({"x": [1.5, None, 3.0], "kind": pd.Categorical(["a", "b", "a"])})
    back = pa.Table.from_pandas(frame).to_pandas()
    pd.testing.assert_frame_equal(back, frame)


@pytest.mark.driver_timeout(120)
@run_in_pyodide
def test_openml_lite_wheel_installs_and_imports(selenium_openml_lite, openml_lite_version):
    import openml_lite

    assert openml_lite.__version__ == openml_lite_version
    assert callable(openml_lite.fetch_openml)


@run_in_pyodide
def test_sync_apis_can_run(selenium):
    # JSPI: what a synchronous fetch_openml() builds on in Pyodide.
    import asyncio

    from pyodide.ffi import can_run_sync, run_sync

    assert can_run_sync()

    async def answer():
        await asyncio.sleep(0.01)
        return 42

    assert run_sync(answer()) == 42


@run_in_pyodide
def test_dist_url_is_reachable(selenium, pyodide_base_url, lock):
    # the server the tests get files from (pyfetch works in node and in the page)
    from pyodide.ffi import run_sync
    from pyodide.http import pyfetch

    answer = run_sync(pyfetch(f"{pyodide_base_url}/pyodide-lock.json"))
    assert answer.status == 200
    assert run_sync(answer.json()) == lock
